"""dlimgmgr_tasks/console.py: yes/no questions that default to no."""
import io

import pytest

from dlimgmgr_tasks import console


@pytest.mark.parametrize("typed, answer", [("y\n", True), ("YES\n", True), ("n\n", False), ("\n", False),
                                           ("maybe\ny\n", True), ("what\nno\n", False), ("", False)])
def test_confirm_reads_the_answer(monkeypatch, capsys, typed, answer):
    monkeypatch.setattr("sys.stdin", io.StringIO(typed))
    assert console.confirm("Go on?") is answer
    out = capsys.readouterr().out
    assert out.startswith("Go on? [y/N] ")
    # Anything but yes/no asks again, once per wrong answer.
    assert out.count("Please answer y (yes) or n (no).") == (1 if typed.count("\n") == 2 else 0)
