"""lib/hostcheck.py: every host of the hosts file checked, the config sent, a key trusted."""
import sys

import paramiko

from dlimgmgr_tasks.lib import hostcheck
from dlimgmgr_tasks.lib.hosts import keys


def _hosts(ws, text):
    ws.hosts_path.write_text(text)
    ws._hosts = None


def test_local_hosts_pass_and_a_bad_home_or_python_fails(ws, tmp_path):
    (tmp_path / "file").write_text("x")
    _hosts(ws, f"""roles:
  dataaug: {{host: local, target_home: {tmp_path / 'aug'}, python: {sys.executable}}}
  imglabeling: {{host: local, target_home: {tmp_path / 'file' / 'sub'}}}
  pytorch: {{host: local, target_home: {tmp_path / 'pt'}, python: {tmp_path / 'no-python'}}}
""")
    checks = {c.host.role: c for c in hostcheck.check_hosts(ws, timeout=5)}
    aug = checks["dataaug"]
    assert aug.ok and aug.results["home"] == hostcheck.OK
    assert aug.results["python"] == sys.version.split()[0]
    assert not checks["imglabeling"].ok and checks["imglabeling"].results["home"] == hostcheck.FAIL
    assert "fix target_home" in checks["imglabeling"].problem
    assert checks["imglabeling"].results["python"] == hostcheck.SKIP       # no python on a labeling host
    pt = checks["pytorch"]
    assert pt.results["python"] == hostcheck.FAIL and "set python: (3.8+)" in pt.problem
    lines = hostcheck.table(list(checks.values()))
    assert lines[0].split() == ["role", "host", *hostcheck.COLUMNS]
    assert len(lines) == 4 and lines[1].split()[0] == "dataaug"


def test_distribute_config_sends_hosts_and_secrets_once_per_home(ws, tmp_path):
    _hosts(ws, f"""roles:
  dataaug: {{host: local, target_home: {tmp_path / 'aug'}}}
  pytorch: {{host: local, target_home: {tmp_path / 'aug'}}}
  imglabeling: {{host: local, target_home: {ws.root}}}
""")
    ws.secrets_path.write_text("TOKEN: x\n")
    ws.secrets_path.chmod(0o600)
    ws._hosts = None
    lines = hostcheck.distribute_config(ws, timeout=5)
    assert len(lines) == 2
    assert any(line.endswith(f"{ws.root} is this repository; skipped") for line in lines)
    assert (tmp_path / "aug" / "hosts.yaml").read_text() == ws.hosts_path.read_text()
    assert (tmp_path / "aug" / "secrets.yaml").stat().st_mode & 0o777 == 0o600
    assert not list(ws.root.glob(".dlimgmgr-here.*"))          # the marker is gone


def test_trust_writes_the_offered_key(tmp_path):
    key = paramiko.ECDSAKey.generate()
    offer = hostcheck.KeyOffer("h", 2200, "[h]:2200", key, keys.fingerprint(key), tmp_path / "kh", False, [])
    path = hostcheck.trust(offer)
    assert path.read_text() == f"[h]:2200 {key.get_name()} {key.get_base64()}\n"
