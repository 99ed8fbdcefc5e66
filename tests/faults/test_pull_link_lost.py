"""An SSH session lost between a pull's listing and its stream (the link to the labeling host
drops: the proxy closes every socket): one line naming the host, no EOFError or SSHException,
every master byte-identical and the push record as it was."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib import labeling
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.ssh import SshHost
from dlimgmgr_tasks.lib.workspace import Workspace
from tests.helpers.freezeproxy import FreezeProxy
from tests.helpers.labelingdata import snapshot

PROJECT = "close"


def labeling_host(sshd, home, port) -> HostConfig:
    return HostConfig(role="imglabeling", host="127.0.0.1", port=port, user=sshd.user,
                      key_file=str(sshd.client_key), target_home=str(home), timeout=3.0)


@pytest.fixture
def cut_between_listing_and_stream(repo, sshd, tmp_path):
    """The project pushed over the proxy, one XML changed there; then a pull whose link drops
    right after the listing, as the stream of the changed files begins."""
    home = tmp_path / "labeling"
    project = Workspace.at(repo.path).project(PROJECT)
    known = tmp_path / "proxy_known_hosts"
    with FreezeProxy((sshd.hosts[0], sshd.port)) as proxy:
        known.write_text(f"[127.0.0.1]:{proxy.port} {sshd.host_key_line}\n")
        with SshHost(labeling_host(sshd, home, proxy.port), known) as host:
            labeling.push(project, host)
            there = next((home / "projects" / PROJECT / "master").glob("*.xml"))
            there.write_text(there.read_text().replace("<xmin>", "<xmin>1", 1))
            before = snapshot(project.master)
            stream = host.pull_tree

            def dropped_then_stream(*args, **kw):
                proxy.close()          # every socket of the session ends here, and no new one is let in
                return stream(*args, **kw)
            host.pull_tree = dropped_then_stream
            with pytest.raises(UserError) as exc:
                labeling.pull(project, host)
    return str(exc.value), before, snapshot(project.master)


def test_a_link_lost_before_the_pulls_stream_is_one_line_naming_the_host(cut_between_listing_and_stream):
    line, _, _ = cut_between_listing_and_stream
    assert "\n" not in line and "role imglabeling host" in line and "127.0.0.1" in line, line


def test_a_link_lost_before_the_pulls_stream_changes_no_master(cut_between_listing_and_stream):
    _, before, after = cut_between_listing_and_stream
    assert after == before
