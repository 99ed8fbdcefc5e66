"""trainer.__main__ without torch: its arguments, the sets it evaluates, the input side, and the
one `error:` line it leaves for the orchestrator. (main() installs signal handlers and a stdout
watcher for a process of its own: tests/ssh/test_fitness.py runs it whole.)"""
from __future__ import annotations

import pytest
from PIL import Image

from dlimgmgr_tasks.trainer import __main__ as trainer


def _args(*extra):
    return trainer._parser().parse_args(["--dataset", "d", "--out", "o", "--run", "r", "--classes", "[]", *extra])


def test_the_parser_defaults_and_refuses_an_unknown_device(capsys):
    args = _args()
    assert (args.device, args.seed, args.steps, args.heldout) == ("auto", 0, None, None)
    with pytest.raises(SystemExit):
        _args("--device", "tpu")
    assert "invalid choice" in capsys.readouterr().err


def test_sets_are_val_test_and_heldout_when_they_hold_images(tmp_path):
    ds, held = tmp_path / "ds", tmp_path / "held"
    (ds / "ImageSets/Main").mkdir(parents=True)
    (ds / "Annotations").mkdir()
    (held / "Annotations").mkdir(parents=True)
    (ds / "ImageSets/Main/val.txt").write_text("a\n")
    (ds / "Annotations/a.xml").write_text("<annotation></annotation>")
    args = _args("--heldout", str(held))
    args.dataset = str(ds)
    assert [s.name for s in trainer._sets(args)] == ["val"]   # the empty held-out folder is left out


def test_the_input_side_is_capped_on_cpu(tmp_path):
    (tmp_path / "JPEGImages").mkdir()
    Image.new("RGB", (500, 400)).save(tmp_path / "JPEGImages/a.jpg")
    assert trainer._side(str(tmp_path), ["a"], "cuda") == 500
    assert trainer._side(str(tmp_path), ["a"], "cpu") == 320


def test_a_failure_is_one_error_line_on_stdout_and_in_the_error_file(tmp_path, capsys):
    args = _args()
    args.out = str(tmp_path)
    assert trainer._fail(args, "no CUDA\ndevice") == 1
    assert capsys.readouterr().out == "error: no CUDA device\n"
    assert (tmp_path / "r.error").read_text() == "error: no CUDA device\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.error"]   # no .part- temp left
