"""lib/hostside/cli.py: the one CLI skeleton's error mapping, each failure one line. The shipped
unpacker is in test_ship.py."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hostside import cli


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
