"""lib/fitness/heldout.py: the held-out scenes, at sizes compose never makes, following the mix's
remap, each box the pasted pixels."""
from __future__ import annotations

from pathlib import Path

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.fitness import heldout
from dlimgmgr_tasks.lib.workspace import Workspace


def _manifest(size=(400, 400), remap=None) -> dict:
    return {"remap": remap or {}, "provenance": {"profile": {"size": list(size)}, "projects": {
        "close": {"test_only": False}, "kanji": {"test_only": False}}}}


def _longer_sides(folder: Path, prefix: str, truncated_too: bool = True) -> list[int]:
    out = []
    for xml in sorted(folder.glob(f"{prefix}*.xml")):
        for o in voc.read(xml).objects:
            if truncated_too or not o.truncated:
                out.append(max(o.xmax - o.xmin + 1, o.ymax - o.ymin + 1))
    return out


def test_heldout_scenes_use_sizes_compose_never_makes_and_are_deterministic(repo, tmp_path):
    ws = Workspace.at(repo.path)
    made = heldout.write_scenes(ws, _manifest(), tmp_path / "a", 12)
    assert made == {"close": 12, "kanji": 12}
    # compose's own boxes in the committed carriers (whole ones: an edge box is cut short)
    master = _longer_sides(repo.project("close") / "master", "close_c", truncated_too=False)
    held = _longer_sides(tmp_path / "a" / "Annotations", "heldout_close_")
    assert held and master
    assert all(s < min(master) or s > max(master) for s in held), (sorted(held), min(master), max(master))
    assert any(s < min(master) for s in held) and any(s > max(master) for s in held)
    for xml in (tmp_path / "a" / "Annotations").glob("*.xml"):
        ann = voc.read(xml)
        assert (ann.width, ann.height) == (400, 400) and ann.objects
        assert all(1 <= o.xmin <= o.xmax <= 400 and 1 <= o.ymin <= o.ymax <= 400 for o in ann.objects)
    assert {o.name for x in (tmp_path / "a" / "Annotations").glob("heldout_kanji_*.xml") for o in voc.read(x).objects} \
        <= {"hi", "kawa", "ki", "yama"}
    heldout.write_scenes(ws, _manifest(), tmp_path / "b", 12)
    for path in sorted((tmp_path / "a").rglob("*.*")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path.name


def test_heldout_scenes_follow_the_mix_remap_and_skip_test_only_projects(repo, tmp_path):
    ws = Workspace.at(repo.path)
    manifest = _manifest(size=(200, 120), remap={"close": "button"})
    manifest["provenance"]["projects"]["kanji"]["test_only"] = True
    assert heldout.write_scenes(ws, manifest, tmp_path / "h", 3) == {"close": 3}
    for xml in (tmp_path / "h" / "Annotations").glob("*.xml"):
        ann = voc.read(xml)
        assert (ann.width, ann.height) == (200, 120) and {o.name for o in ann.objects} == {"button"}


def test_a_box_is_the_pasted_pixels(repo, tmp_path):
    """A fully opaque 2:1 source: every box keeps its aspect (the source resized whole, never cut
    off by the frame, and its box its opaque pixels)."""
    from PIL import Image

    ws = Workspace.at(repo.path)
    src = repo.project("close") / "master" / "sources" / "close.png"
    Image.new("RGBA", (20, 10), (255, 0, 0, 255)).save(src)
    heldout.write_scenes(ws, {"remap": {}, "provenance": {"profile": {"size": [300, 300]},
                                                          "projects": {"close": {}}}}, tmp_path / "h", 6)
    for xml in (tmp_path / "h" / "Annotations").glob("*.xml"):
        for o in voc.read(xml).objects:
            w, h = o.xmax - o.xmin + 1, o.ymax - o.ymin + 1
            assert abs(w - 2 * h) <= 2, (w, h)   # the 2:1 source, resized whole
