"""Ctrl-C while the package imports (the first ~0.15 s of any `inv`) gives one line and exit 130,
not a traceback from whichever module was loading. The SIGINT is sent by the process to itself
at a fixed point of the import (deterministic), or while Invoke loads the collection."""
from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import builtins, os, signal, sys
real = builtins.__import__
def trap(name, *args, **kwargs):
    if name.endswith({module!r}) and not getattr(trap, "sent", False):
        trap.sent = True
        os.kill(os.getpid(), signal.SIGINT)
    return real(name, *args, **kwargs)
builtins.__import__ = trap
from invoke.main import program
program.run(["inv", "dlimgmgr.stats"])
"""


@pytest.mark.parametrize("module", ["lib.errors", "workspace"])
def test_ctrl_c_while_the_package_imports_is_one_line_exit_130(repo, module):
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(module=module)], cwd=repo.path, env=repo.env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == "interrupted (Ctrl-C) before the task started; nothing was done"


def test_the_task_itself_gets_python_s_own_handler_back(repo):
    # A task's Ctrl-C is its own (settings.user_errors): the start-up handler is gone by then.
    script = ("import signal; from invoke.main import program; import sys\n"
              "program.run(['inv', '--list'], exit=False)\n"
              "from dlimgmgr_tasks import settings\n"
              "settings.user_errors(lambda: print(signal.getsignal(signal.SIGINT) is signal.default_int_handler))()\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=repo.path, env=repo.env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.stdout.strip().splitlines()[-1] == "True", proc.stdout + proc.stderr


def test_ctrl_c_while_invoke_itself_loads_is_one_line_exit_130(tmp_path):
    # Before tasks.py: scripts/setup's .pth line sets the handler as the venv's interpreter starts.
    # A collection of its own, loaded before any of ours, says which handler is there and sends
    # the SIGINT itself (deterministic).
    from tests.helpers.repo import ROOT

    (tmp_path / "tasks.py").write_text(
        "import os, signal, sys\n"
        "print(getattr(signal.getsignal(signal.SIGINT), '__module__', None), file=sys.stderr, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "import time; time.sleep(10)\n")
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "invoke", "--list"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert proc.stderr.splitlines() == ["dlimgmgr_early_interrupt",
                                        "interrupted (Ctrl-C) before the task started; nothing was done"]
