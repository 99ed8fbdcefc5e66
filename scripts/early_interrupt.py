"""Ctrl-C in the first tenth of a second of `inv`, while Invoke itself imports: one line, exit 130.

scripts/setup copies this file into the venv's site-packages as dlimgmgr_early_interrupt.py with
a .pth line that imports it, so it runs as the interpreter starts, before Invoke and before
tasks.py (which sets the same handler again; the task wrapper, settings.user_errors, puts Python's
own back as the task starts). Every other program of the venv is left alone.
"""
import os
import signal
import sys


def _interrupted_early(signum, frame):
    sys.stderr.write("interrupted (Ctrl-C) before the task started; nothing was done\n")
    sys.stderr.flush()
    os._exit(130)


def is_inv(argv) -> bool:
    """Whether the interpreter's own command line (sys.orig_argv) runs Invoke: `inv`, `invoke`
    or `python -m invoke`."""
    args = list(argv[1:3])
    return bool(args) and (os.path.basename(args[0]) in ("inv", "invoke") or args == ["-m", "invoke"])


if is_inv(getattr(sys, "orig_argv", [])):
    signal.signal(signal.SIGINT, _interrupted_early)
