"""trainer.train without torch: the batches it trains on, epoch after epoch.
(The model, fit and evaluate need torch: tests/ssh/test_fitness.py runs them in the trainer venv.)"""
from __future__ import annotations

import itertools

from dlimgmgr_tasks.trainer import train


def test_batches_cover_every_id_once_per_epoch_and_repeat_with_the_seed():
    ids = [f"i{n}" for n in range(5)]
    got = list(itertools.islice(train._batches(ids, 2, seed=3), 6))
    assert [e for e, _ in got] == [0, 0, 0, 1, 1, 1] and [len(b) for _, b in got] == [2, 2, 1, 2, 2, 1]
    for epoch in (0, 1):
        assert sorted(i for e, b in got if e == epoch for i in b) == ids
    assert got == list(itertools.islice(train._batches(ids, 2, seed=3), 6))
    assert got != list(itertools.islice(train._batches(ids, 2, seed=4), 6))
    assert train.BATCH["cpu"] < train.BATCH["cuda"]
