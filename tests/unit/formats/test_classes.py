"""lib/formats/classes.py: classes.txt in the manifest's class order."""
import pytest

from dlimgmgr_tasks.lib.formats import classes


def test_one_name_a_line_in_the_given_order():
    assert classes.text(["zeta", "alpha", "日本"]) == "zeta\nalpha\n日本\n".encode()
    (member,) = classes.members(["b", "a"])
    assert member.path == "classes.txt" and member.data == b"b\na\n" and not member.is_dir


def test_a_class_named_twice_is_refused():
    with pytest.raises(ValueError):
        classes.text(["a", "b", "a"])
