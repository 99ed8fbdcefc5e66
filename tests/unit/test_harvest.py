"""harvest: new captured images go into a project (or one new project each); known ones are skipped
by content, other files ignored, an unreadable image refused by name; nothing is ever overwritten."""
from __future__ import annotations

import pytest

from dlimgmgr_tasks.lib import harvest
from dlimgmgr_tasks.lib.errors import UserError


def _statuses(outcomes):
    return [(o.file.name, o.status) for o in outcomes]


def test_import_into_a_project_skips_known_content_and_ignores_other_files(target, tmp_path, jpeg):
    pdir = target.projects_dir / "close"
    (pdir / "master/sources").mkdir(parents=True)
    (pdir / "project.yaml").write_text("classes: [close]\ncount: 2\nseed: 1\n")
    jpeg(pdir / "master/sources/close.jpg", color=(1, 2, 3))
    inbox = tmp_path / "inbox"
    jpeg(inbox / "a_copy.jpg", color=(1, 2, 3))        # same content as the known source
    jpeg(inbox / "image.jpg", color=(90, 90, 90))       # generic name, one-class project: its class
    (inbox / "notes.txt").write_text("x")
    (inbox / ".hidden.jpg").write_bytes(b"x")
    (inbox / "broken.jpg").write_bytes(b"not a jpeg")
    out = harvest.import_dir(target, inbox, project="close")
    assert _statuses(out) == [("a_copy.jpg", "skipped"), ("broken.jpg", "refused"), ("image.jpg", "added"),
                              ("notes.txt", "ignored")]
    assert "known as projects/close/master/sources/close.jpg" in out[0].line()
    assert out[1].detail.startswith("not a readable image")
    assert sorted(p.name for p in (pdir / "master/sources").iterdir()) == ["close.jpg", "close_2.jpg"]
    assert (pdir / "master/sources/close_2.jpg").read_bytes() == (inbox / "image.jpg").read_bytes()
    again = harvest.import_dir(target, inbox, project="close")
    assert ("image.jpg", "skipped") in _statuses(again)


def test_each_makes_one_project_per_new_image_with_free_names(target, tmp_path, jpeg):
    (target.projects_dir / "close").mkdir()
    inbox = tmp_path / "inbox"
    jpeg(inbox / "Close.jpg", color=(10, 10, 10))
    jpeg(inbox / "far.jpg", color=(200, 10, 10))
    out = harvest.import_dir(target, inbox, each=True)
    assert _statuses(out) == [("Close.jpg", "added"), ("far.jpg", "added")]
    assert (target.projects_dir / "close-2/master/sources/close.jpg").is_file()
    assert (target.projects_dir / "far/master/sources/far.jpg").is_file()


def test_where_the_images_go_must_be_said_once(target, tmp_path):
    (tmp_path / "inbox").mkdir()
    for kw in ({}, {"project": "close", "each": True}):
        with pytest.raises(UserError, match="--project NAME .* or --each"):
            harvest.import_dir(target, tmp_path / "inbox", **kw)
    with pytest.raises(UserError, match="nope: not a folder"):
        harvest.candidates(tmp_path / "nope")


def test_known_sources_reads_every_project_even_without_a_valid_yaml(ws, jpeg):
    path = jpeg(ws.projects_dir / "broken/master/sources/x.jpg")
    (ws.projects_dir / "broken/project.yaml").write_text("{{{")
    assert list(harvest.known_sources(ws).values()) == [path]
