"""lib/hostside/hostcall.py: the command line that runs the dataaug host-side CLI on a Host."""
import subprocess
import sys
from pathlib import Path

from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost
from dlimgmgr_tasks.lib.hostside import hostcall


def _host(tmp_path, python=None):
    return LocalHost(HostConfig(role="dataaug", host="local", target_home=str(tmp_path / "home dir"),
                                python=python))


def test_the_command_names_the_module_and_quotes_the_words(tmp_path):
    host = _host(tmp_path)
    cmd = hostcall.command(host, "share", "a b", before="X=1 ")
    assert hostcall.MODULE == "dlimgmgr_tasks.lib.hostside.dataaug"
    assert f"-m {hostcall.MODULE} share 'a b'" in cmd
    assert f"cd {host.quote(host.home)} && X=1 exec" in cmd


class _RemoteSpelling:
    """What an SSH host answers: python as hosts.yaml wrote it (relative to target_home)."""
    python = "bin/py"

    def __init__(self, home):
        self.home = str(home)

    def quote(self, path):
        import shlex
        return shlex.quote(path)


def test_a_relative_python_is_made_absolute_before_the_cd(tmp_path):
    # The command runs in the login folder; "bin/py" there must still be found after cd target_home.
    home = tmp_path / "home dir"
    home.mkdir()
    fake = tmp_path / "bin" / "py"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "$0|$PWD|$*"\n')
    fake.chmod(0o755)
    out = subprocess.run(["sh", "-c", hostcall.command(_RemoteSpelling(home), "x y")], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"{fake}|{home}|-m {hostcall.MODULE} x y"


def test_an_absolute_python_runs_the_real_module():
    # target_home is a checkout: this one.
    root = Path(hostcall.__file__).resolve().parents[3]
    host = LocalHost(HostConfig(role="dataaug", host="local", target_home=str(root), python=sys.executable))
    out = subprocess.run(["sh", "-c", hostcall.command(host, "--help")], capture_output=True, text=True,
                         timeout=120)
    # The real CLI answered (its help), found from target_home with that python.
    assert "usage" in out.stdout.lower() and "--help" in out.stdout, out.stderr
    assert "No module named" not in out.stderr
