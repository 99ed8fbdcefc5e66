"""lib/hostside: the one CLI skeleton's error mapping, the pytorch host's unpacker importing only
the standard library from its shipped files, and ship.ensure sending them once per version."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import unpacker
from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hostside import cli, ship
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost


def _parser():
    parser = cli.Parser(prog="demo", hint=" (a hint)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("go").add_argument("--x", required=True)
    return parser


def _raise(exc):
    def handler(args):
        raise exc
    return handler


@pytest.mark.parametrize("exc, code, line", [
    (UserError("project.yaml: fix it"), 1, "error: project.yaml: fix it"),
    (FileNotFoundError(2, "No such file or directory", "/x/y"), 1, "error: /x/y: No such file or directory; see"),
    (OSError(28, "No space left on device"), 1, "error: /out: No space left on device; see"),
    (KeyboardInterrupt(), 130, "error: stopped"),
    (RuntimeError("boom"), 1, "error: demo failed unexpectedly (RuntimeError: boom)"),
])
def test_every_failure_is_one_error_line(exc, code, line, capsys):
    got = cli.main(_parser(), {"go": _raise(exc)}, ["go", "--x=1"], expected=(UserError,), where=lambda a: "/out",
                   advice="; see", interrupted="stopped", unexpected="demo")
    assert got == code
    assert capsys.readouterr().err.splitlines() == [line]


def test_a_quiet_error_exits_130_without_a_word(capsys):
    assert cli.main(_parser(), {"go": _raise(BrokenPipeError())}, ["go", "--x=1"], quiet=(BrokenPipeError,)) == 130
    assert capsys.readouterr().err == ""


def test_without_unexpected_a_bug_keeps_its_traceback():
    with pytest.raises(RuntimeError):
        cli.main(_parser(), {"go": _raise(RuntimeError("bug"))}, ["go", "--x=1"])


def test_a_bad_command_line_is_one_line_exit_1_naming_the_program(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(_parser(), {}, ["go"])
    assert exit_.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: demo: the following arguments are required: --x (a hint)"]


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
