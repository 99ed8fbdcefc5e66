"""A build's progress: a tqdm bar on a terminal, otherwise a plain line every few seconds (CI logs,
pipes). `set(done)` takes the outputs made so far, however the shares report them."""
from __future__ import annotations

import sys
import time

LINE_EVERY = 5.0   # seconds between plain progress lines
POLL_TTY = 0.5     # how often a bar asks the hosts how far they are
POLL_PLAIN = 2.0


class Progress:
    def __init__(self, name: str, total: int, tty: bool | None = None):
        self.name, self.total, self.done = name, total, 0
        self.start = self.last = time.monotonic()
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.poll = POLL_TTY if self.tty else POLL_PLAIN
        self.bar = None
        if self.tty:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=name, unit="img", dynamic_ncols=True, leave=False)

    def set(self, done: int) -> None:
        done = min(max(done, self.done), self.total)
        step, self.done = done - self.done, done
        if self.bar is not None:
            self.bar.update(step)
            return
        now = time.monotonic()
        if now - self.last >= LINE_EVERY and self.done < self.total:
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0
            print(f"{self.name}: {self.done}/{self.total} images ({100 * self.done // max(self.total, 1)}%), "
                  f"{rate:.0f} images/s, ETA {eta:.0f}s", flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
