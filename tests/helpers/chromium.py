"""Load a page in Debian's headless Chromium: its console messages and a screenshot.

Chromium runs with a fresh profile, no network services of its own and its log on stderr; every
console message (errors, CSP violations, blocked fetches) appears there as an `INFO:CONSOLE` line.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0")


@dataclass
class Loaded:
    console: list[str]     # the page's console lines, as Chromium logged them
    screenshot: Path
    log: str


def missing() -> str | None:
    """Why no browser test can run here, or None."""
    return None if shutil.which("chromium") else "no chromium on PATH (scripts/test installs Debian's package)"


def load(page: Path, tmp: Path, size=(1400, 4200), timeout: float = 120) -> Loaded:
    shot = tmp / "screenshot.png"
    proc = subprocess.run(["chromium", *FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--screenshot={shot}",
                           f"--window-size={size[0]},{size[1]}", page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0 and shot.is_file(), f"chromium failed ({proc.returncode}):\n{log[-3000:]}"
    return Loaded([line for line in log.splitlines() if ":CONSOLE" in line], shot, log)
