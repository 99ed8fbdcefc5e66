"""A build share fetched from a dataaug host over the real sshd: its bytes are checked against its
record (moved from tests/unit/dataaug/test_engine_sync.py, which keeps the local cases)."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib.dataaug import shares
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.ssh import SshHost
from tests.helpers.sharedata import make_share


def test_a_share_sent_over_ssh_whose_bytes_differ_from_its_record_is_refused(sshd, tmp_path):
    (tmp_path / "staging").mkdir()
    config = HostConfig(role="dataaug", host=sshd.hosts[0], port=sshd.port, user=sshd.user,
                        key_file=str(sshd.client_key), target_home=str(tmp_path))
    with SshHost(config, sshd.known_hosts) as host, pytest.raises(UserError) as err:
        shares.fetch(host, str(make_share(tmp_path, "t", True)), tmp_path / "staging", "t")
    assert "i00000_000000_000000.jpg arrived damaged or not at all" in str(err.value)
