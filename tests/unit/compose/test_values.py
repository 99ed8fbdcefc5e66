"""lib/compose/values.py: project.yaml compose: validators; each refusal names the key and the fix."""
import pytest

from dlimgmgr_tasks.lib.compose import values
from dlimgmgr_tasks.lib.errors import UserError


def test_numbers_and_wholes():
    assert values.is_number(1) and values.is_number(0.5)
    assert not values.is_number(True) and not values.is_number(float("nan")) and not values.is_number("1")
    assert values.whole("k", 3, 1, 5) == 3
    for bad in (0, 6, 2.0, True):
        with pytest.raises(UserError, match=r"k must be a whole number between 1 and 5 .*fix project.yaml"):
            values.whole("k", bad, 1, 5)
    with pytest.raises(UserError, match=">= 0"):
        values.whole("k", -1, 0)


def test_share_and_ranges():
    assert values.share("s", None, 0.25) == 0.25 and values.share("s", 1, 0) == 1.0
    with pytest.raises(UserError, match="s must be a number between 0 and 1"):
        values.share("s", 1.5, 0)
    assert values.number_range("r", 2) == (2.0, 2.0)
    assert values.number_range("r", [-5, 5], positive=False) == (-5.0, 5.0)
    for bad in ([0, 1], [2, 1], [1], "1"):
        with pytest.raises(UserError, match="0 < lo <= hi"):
            values.number_range("r", bad)
    assert values.whole_range("w", 2, 1) == (2, 2)
    assert values.whole_range("w", [1, 3], 1) == (1, 3)
    with pytest.raises(UserError, match="lo <= hi"):
        values.whole_range("w", [3, 1], 1)


def test_weights():
    allowed = ("a", "b", "c")
    assert values.weights("p", "a", allowed) == {"a": 1.0}
    assert values.weights("p", ["a", "b"], allowed) == {"a": 1.0, "b": 1.0}
    assert values.weights("p", {"a": 0, "c": 2}, allowed) == {"c": 2.0}   # zero weights drop out
    with pytest.raises(UserError, match="'z' is not one of a, b, c"):
        values.weights("p", {"z": 1}, allowed)
    with pytest.raises(UserError, match="p.a weight must be a number >= 0"):
        values.weights("p", {"a": -1}, allowed)
    with pytest.raises(UserError, match="at least one weight above 0"):
        values.weights("p", {"a": 0}, allowed)
    with pytest.raises(UserError, match="must be one of a, b, c or weights"):
        values.weights("p", 3, allowed)


def test_known_keys_names_the_first_unknown():
    values.known_keys("c", {"a": 1}, {"a", "b"})
    with pytest.raises(UserError, match="c: unknown key 'x'; use a, b"):
        values.known_keys("c", {"x": 1, "y": 2}, {"a", "b"})


def test_image_folder(make_project, jpeg):
    project = make_project()
    (project.dir / "empty").mkdir()
    jpeg(project.dir / "bg" / "one.jpg")
    assert values.image_folder(project, "bg", "k") == (project.dir / "bg").resolve()
    assert values.image_folder(project, "empty", "k", required=False) is None
    with pytest.raises(UserError, match="has no images"):
        values.image_folder(project, "empty", "k")
    with pytest.raises(UserError, match="leaves the project folder"):
        values.image_folder(project, "../..", "k")
    with pytest.raises(UserError, match="must be a folder relative to"):
        values.image_folder(project, "  ", "k")
