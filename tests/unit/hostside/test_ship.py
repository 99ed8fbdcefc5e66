"""lib/hostside/ship.py: the pytorch host's unpacker imports only the standard library from its
shipped files, answers its command line, and ship.ensure sends the files once per version."""
from __future__ import annotations

import subprocess
import sys

from tests.helpers import unpacker
from dlimgmgr_tasks.lib.hostside import ship
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost


def test_the_shipped_unpacker_loads_only_its_own_files_and_the_standard_library(tmp_path):
    folder = unpacker.shipped(tmp_path / "shipped")
    code = (f"import sys; sys.path.insert(0, {str(folder)!r}); import {ship.MODULE}; "
            "print('\\n'.join(sorted(m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None) "
            f"and m.__file__.startswith({str(folder)!r}))))")
    out = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True).stdout
    assert sorted(out.split()) == sorted(str(folder / rel) for rel in ship.files())


def test_the_shipped_unpacker_answers_its_command_line(tmp_path):
    proc = subprocess.run([*unpacker.command(unpacker.shipped(tmp_path / "shipped")), "where",
                           f"--state={tmp_path / 'none.json'}"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"error: {tmp_path / 'none.json'}: nothing was deployed here yet; run: inv deploy"]


def test_ensure_sends_the_files_once_then_only_checks(tmp_path):
    host = LocalHost(HostConfig(role="pytorch", host="local", target_home=str(tmp_path / "home")))
    sent = []
    put_file = host.put_file
    host.put_file = lambda local, dest: sent.append(dest) or put_file(local, dest)
    where = ship.ensure(host, first=f"mkdir -p {tmp_path / 'home' / 'staging'}")
    assert len(sent) == len(ship.FILES) and (tmp_path / "home" / "staging").is_dir()
    assert sorted(p.relative_to(where).as_posix() for p in tmp_path.joinpath(where).rglob("*.py")) == sorted(ship.files())
    assert ship.ensure(host) == where and len(sent) == len(ship.FILES)
    assert where.startswith(f"{host.home}/{ship.SHIPPED}/")
