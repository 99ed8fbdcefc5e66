"""lib/orphans.py: a child that dies with its parent."""
import os
import signal
import subprocess
import sys
import textwrap
import time

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


def test_a_child_goes_when_its_parent_is_killed(tmp_path):
    # parent -> child; the child asks to die with the parent and reports its pid; SIGKILL the parent.
    pid_file = tmp_path / "child.pid"
    child = (f"import os, signal, time\nfrom dlimgmgr_tasks.lib.orphans import die_with_parent\n"
             f"die_with_parent(signal.SIGTERM, parent=os.getppid())\n"
             f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", f"import subprocess, sys, time\n"
                               f"subprocess.Popen([sys.executable, '-c', {child!r}])\ntime.sleep(60)\n"])
    try:
        for _ in range(600):
            if pid_file.is_file() and pid_file.read_text():
                break
            time.sleep(0.05)
        child_pid = int(pid_file.read_text())
    finally:
        parent.kill()
        parent.wait()
    for _ in range(200):          # bounded wait for the kernel's signal, not a timing check
        if not _alive(child_pid):
            break
        time.sleep(0.05)
    assert not _alive(child_pid)
    assert orphans.PR_SET_PDEATHSIG == 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waits for a reaper: gone as far as the work goes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False
