"""What the benchmark scripts share."""
from __future__ import annotations

import time


def best_of(fn, repeat: int = 3) -> float:
    """Seconds of the fastest of `repeat` calls: the least disturbed by the rest of the machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
