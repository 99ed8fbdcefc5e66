"""lib/dataaug/progress.py: a plain progress line every few seconds when not on a terminal."""
from dlimgmgr_tasks.lib.dataaug import progress


def test_plain_lines_come_every_few_seconds_and_never_go_back(capsys, monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    bar = progress.Progress("close", 10, tty=False)
    assert bar.bar is None and bar.poll == progress.POLL_PLAIN
    bar.set(3)
    assert capsys.readouterr().out == ""            # too soon for a line
    clock[0] += progress.LINE_EVERY
    bar.set(5)
    assert capsys.readouterr().out == "close: 5/10 images (50%), 1 images/s, ETA 5s\n"
    bar.set(2)                                      # a share reporting less never lowers the count
    assert bar.done == 5
    clock[0] += progress.LINE_EVERY
    bar.set(99)                                     # capped at the total; done: no line
    assert bar.done == 10 and capsys.readouterr().out == ""
    bar.close()


def test_a_terminal_gets_a_bar(capsys):
    bar = progress.Progress("kanji", 4, tty=True)
    assert bar.poll == progress.POLL_TTY and bar.bar is not None
    bar.set(4)
    assert bar.bar.n == 4
    bar.close()
    assert bar.bar is None
    assert "kanji" in capsys.readouterr().err
