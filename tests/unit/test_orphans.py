"""lib/orphans.py: a child that dies with its parent."""
import os
import signal
import subprocess
import sys
import textwrap

from dlimgmgr_tasks.lib import orphans


def test_a_gone_parent_sends_the_signal_at_once():
    # The caller names a parent that is not its parent: the signal comes straight away.
    code = textwrap.dedent("""
        import os, signal, sys
        from dlimgmgr_tasks.lib.orphans import die_with_parent
        die_with_parent(signal.SIGTERM, parent=os.getppid() + 999999)
        print("still here")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGTERM
    assert "still here" not in proc.stdout


def test_the_right_parent_keeps_the_child_alive():
    code = ("import os, signal\nfrom dlimgmgr_tasks.lib.orphans import die_with_parent\n"
            "die_with_parent(signal.SIGTERM, parent=os.getppid())\nprint('alive')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "alive"


def test_the_prctl_constant_is_linuxs():
    assert orphans.PR_SET_PDEATHSIG == 1
    assert os.getpid() > 0
