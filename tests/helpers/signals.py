"""What the Ctrl-C tests share: wait for a phase of a real `inv` process, then send it a real SIGINT."""
from __future__ import annotations

import signal
import time


def wait_for(condition, seconds: float = 60, proc=None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc is None or proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the phase never came"
        time.sleep(0.005)


def interrupt(proc, limit: float = 2.0) -> str:
    """SIGINT now: exit 130 within `limit` s, no traceback; its one stderr line."""
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, (out, err)
    assert time.monotonic() - start < limit, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]
