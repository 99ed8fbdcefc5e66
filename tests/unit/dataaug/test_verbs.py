"""lib/dataaug/verbs.py: compose on a dataaug host and prepare one (here: the local host)."""
import sys

import pytest

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.dataaug import verbs
from dlimgmgr_tasks.lib.dataaug.plan import lib_versions
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts import open_host
from dlimgmgr_tasks.lib.hosts.config import HostConfig


def _host(ws, **kw):
    return open_host(HostConfig(role="dataaug", host="local", target_home=str(ws.root), **kw), ws.hosts)


def test_compose_on_brings_carriers_and_prelabels_back(checkout, png):
    pdir = checkout.projects_dir / "close"
    png(pdir / "master" / "sources" / "close.png", size=(12, 12), color=(255, 0, 0, 255))
    (pdir / "project.yaml").write_text("classes: [close]\ncount: 0\nseed: 3\ncompose: {count: 2}\n")
    with _host(checkout) as host:
        summary = verbs.compose_on(host, checkout.project("close"), (48, 40))
    assert "2" in summary
    names = sorted(p.name for p in (pdir / "master").iterdir() if p.is_file())
    assert names == [".prelabels.json", "close_c000.jpg", "close_c000.xml", "close_c001.jpg", "close_c001.xml"]
    ann = voc.read(pdir / "master" / "close_c000.xml")
    assert (ann.width, ann.height) == (48, 40) and ann.labels == ["close"]


def test_compose_on_a_project_without_sources_is_one_line(checkout):
    pdir = checkout.projects_dir / "close"
    (pdir / "master" / "sources").mkdir(parents=True)
    (pdir / "project.yaml").write_text("classes: [close]\ncount: 0\nseed: 3\n")
    with _host(checkout) as host, pytest.raises(UserError, match="no source images"):
        verbs.compose_on(host, checkout.project("close"), (48, 40))


def test_prepare_accepts_a_python_with_our_versions(checkout):
    with _host(checkout, python=sys.executable) as host:
        message = verbs.prepare(host, checkout)
    assert message.endswith(f"is ready ({lib_versions()})") and sys.executable in message
