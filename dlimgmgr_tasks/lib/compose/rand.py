"""Deterministic randomness for compose: a sha256 stream keyed by (project, seed, carrier, ...).

Never Python's ``hash()`` or global state, so the same inputs give the same bytes on every
machine and Python version.
"""
from __future__ import annotations

import hashlib
import math


class HashRandom:
    """A tiny random stream from sha256(key, counter): stable across machines and Python versions."""

    def __init__(self, *key):
        self._key = hashlib.sha256(":".join(str(k) for k in key).encode())  # hashed once, copied per draw
        self._n = 0

    def random(self) -> float:
        h = self._key.copy()
        h.update(b"#%d" % self._n)  # = sha256(key + b"#n")
        digest = h.digest()
        self._n += 1
        return int.from_bytes(digest[:7], "big") / float(1 << 56)

    def randint(self, lo: int, hi: int) -> int:
        """A whole number in [lo, hi], both included."""
        return lo + min(int(self.random() * (hi - lo + 1)), hi - lo)

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.random()

    def log_uniform(self, lo: float, hi: float) -> float:
        """Uniform in log space: 0.5..2 is as likely to halve as to double."""
        if lo == hi:
            return lo
        return math.exp(self.uniform(math.log(lo), math.log(hi)))

    def sample(self, items, k: int) -> list:
        items = list(items)
        for i in range(k):  # partial Fisher-Yates
            j = self.randint(i, len(items) - 1)
            items[i], items[j] = items[j], items[i]
        return items[:k]

    def weighted(self, weights: dict):
        """A key of ``weights`` ({name: weight > 0}), in proportion to its weight."""
        total = sum(weights.values())
        pick = self.random() * total
        for name, weight in weights.items():
            pick -= weight
            if pick < 0:
                return name
        return name  # rounding: the last one

    def color(self) -> tuple[int, int, int]:
        return (self.randint(0, 255), self.randint(0, 255), self.randint(0, 255))


def stable_rank(*key) -> float:
    """A number in [0, 1) fixed by ``key``: used to pick a set share of carriers (negatives)."""
    return HashRandom(*key).random()
