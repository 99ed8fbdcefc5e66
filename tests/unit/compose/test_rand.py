"""lib/compose/rand.py: a seeded stream that gives the same numbers everywhere."""
import pytest

from dlimgmgr_tasks.lib.compose.rand import HashRandom, stable_rank


def test_the_same_key_gives_the_same_stream_and_another_key_another():
    a, b, c = HashRandom("close", 1, "c000"), HashRandom("close", 1, "c000"), HashRandom("close", 2, "c000")
    first = [a.random() for _ in range(20)]
    assert first == [b.random() for _ in range(20)]
    assert first != [c.random() for _ in range(20)]
    assert all(0 <= x < 1 for x in first)


def test_a_known_value_pins_the_algorithm():
    # sha256("k#0"), first 7 bytes / 2**56: a change here changes every carrier ever composed.
    import hashlib
    expected = int.from_bytes(hashlib.sha256(b"k#0").digest()[:7], "big") / float(1 << 56)
    assert HashRandom("k").random() == expected


def test_ranges_hold_their_bounds():
    rng = HashRandom("bounds")
    ints = [rng.randint(3, 5) for _ in range(300)]
    assert set(ints) == {3, 4, 5}
    assert all(2.0 <= rng.uniform(2.0, 4.0) <= 4.0 for _ in range(100))
    logs = [rng.log_uniform(0.5, 2.0) for _ in range(400)]
    assert all(0.5 <= v <= 2.0 for v in logs)
    assert 0.3 < sum(v < 1 for v in logs) / len(logs) < 0.7     # as likely to halve as to double
    assert rng.log_uniform(1.5, 1.5) == 1.5
    assert all(0 <= ch <= 255 for ch in rng.color())


def test_sample_and_weighted():
    rng = HashRandom("pick")
    got = rng.sample(range(10), 4)
    assert len(got) == 4 and len(set(got)) == 4 and set(got) <= set(range(10))
    picks = [rng.weighted({"a": 1, "b": 3}) for _ in range(2000)]
    assert picks.count("b") / len(picks) == pytest.approx(0.75, abs=0.05)
    assert rng.weighted({"only": 2.0}) == "only"


def test_stable_rank_is_fixed_by_its_key():
    assert stable_rank("close", "c001") == stable_rank("close", "c001")
    assert 0 <= stable_rank("x") < 1 and stable_rank("x") != stable_rank("y")
