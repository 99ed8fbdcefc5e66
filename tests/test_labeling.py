"""imglabeling push / pull / status: the labeling round trip on a local role and over a real sshd.

The labeling side is written the way the tools write it: LabelImg's tab-indented XML with an
absolute <path>, CVAT's Pascal VOC export (float coordinates, empty folder and depth, extra tags)
under Annotations/, Label Studio's hex-prefixed file names; plus a truncated file and a box
outside the image, which must be refused with the master left byte-identical.
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from dlimgmgr_tasks.lib import labeling, voc
from dlimgmgr_tasks.lib.projects import load

PROJECT = "kanji"   # four classes, four boxes per carrier: room for moves, renames, removals


def labelimg_xml(image: Path, objects, width=400, height=400) -> bytes:
    """What LabelImg's pascal_voc_io writes: no declaration, tabs, absolute path, Unknown database."""
    objs = "".join(
        f"\t<object>\n\t\t<name>{n}</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n"
        f"\t\t<difficult>0</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>{x0}</xmin>\n\t\t\t<ymin>{y0}</ymin>\n"
        f"\t\t\t<xmax>{x1}</xmax>\n\t\t\t<ymax>{y1}</ymax>\n\t\t</bndbox>\n\t</object>\n"
        for n, x0, y0, x1, y1 in objects)
    return (f"<annotation>\n\t<folder>master</folder>\n\t<filename>{image.name}</filename>\n"
            f"\t<path>{image}</path>\n\t<source>\n\t\t<database>Unknown</database>\n\t</source>\n"
            f"\t<size>\n\t\t<width>{width}</width>\n\t\t<height>{height}</height>\n\t\t<depth>3</depth>\n"
            f"\t</size>\n\t<segmented>0</segmented>\n{objs}</annotation>\n").encode()


def cvat_xml(filename: str, objects) -> bytes:
    """CVAT's Pascal VOC 1.1 export: declaration, empty folder and depth, floats, occluded, attributes."""
    objs = "".join(
        f"  <object>\n    <name>{n}</name>\n    <truncated>0</truncated>\n    <occluded>0</occluded>\n"
        f"    <difficult>0</difficult>\n    <bndbox>\n      <xmin>{x0}</xmin>\n      <ymin>{y0}</ymin>\n"
        f"      <xmax>{x1}</xmax>\n      <ymax>{y1}</ymax>\n    </bndbox>\n    <attributes>\n"
        f"      <attribute>\n        <name>rotation</name>\n        <value>0.0</value>\n      </attribute>\n"
        f"    </attributes>\n  </object>\n" for n, x0, y0, x1, y1 in objects)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<annotation>\n  <folder></folder>\n'
            f"  <filename>{filename}</filename>\n  <source>\n    <database>Unknown</database>\n"
            "    <annotation>Unknown</annotation>\n    <image>Unknown</image>\n  </source>\n"
            "  <size>\n    <width>400</width>\n    <height>400</height>\n    <depth></depth>\n  </size>\n"
            f"  <segmented>0</segmented>\n{objs}</annotation>\n").encode()


def boxes(xml: Path) -> list[tuple]:
    return [(o.name, o.xmin, o.ymin, o.xmax, o.ymax) for o in voc.read(xml).objects]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def status_row(repo, name) -> dict:
    out = repo.inv("imglabeling.status", "--project", name, check=True).stdout.splitlines()
    return dict(zip(out[0].split(), out[1].split()))


def round_trip(repo, side: Path):
    """Push kanji, label on `side` (the labeling role's master folder), pull; assert everything."""
    master = repo.project(PROJECT) / "master"
    out = repo.inv("imglabeling.push", PROJECT, check=True).stdout
    assert "sent 8 image(s) and 8 annotation(s)" in out
    # LabelImg opened there finds every carrier with its pre-label beside it, and the class list.
    for image in sorted(master.glob("*.jpg")):
        assert (side / image.name).read_bytes() == image.read_bytes()
        assert (side / image.with_suffix(".xml").name).read_bytes() == image.with_suffix(".xml").read_bytes()
    assert (side / "predefined_classes.txt").read_text().split() == ["yama", "kawa", "hi", "ki"]
    assert not (side / "sources").exists() and not list(side.glob(".*"))
    assert "nothing changed since the last push" in repo.inv("imglabeling.push", PROJECT, check=True).stdout

    pre = {i: boxes(master / f"kanji_c00{i}.xml") for i in range(6)}
    before = snapshot(master)
    # c000: LabelImg, first box moved, second renamed, fourth removed.
    (n0, a, b, c_, d), (n1, *k1), (n2, *k2), _ = pre[0]
    (side / "kanji_c000.xml").write_bytes(labelimg_xml(
        side / "kanji_c000.jpg",
        [(n0, a + 3, b + 2, c_ + 3, d + 2), ("ki" if n1 != "ki" else "hi", *k1), (n2, *k2)]))
    # c001: a CVAT export dropped in Annotations/, float coordinates, one box added.
    (side / "Annotations").mkdir()
    cvat = [(n, x0 - 0.4, y0 + 0.3, x1 + 0.2, y1) for n, x0, y0, x1, y1 in pre[1]] + [("hi", 5.6, 6.2, 30.4, 31.0)]
    (side / "Annotations" / "kanji_c001.xml").write_bytes(cvat_xml("kanji_c001.jpg", cvat))
    # c002: truncated (the tool died while saving); c003: a box outside the 400x400 image.
    full = labelimg_xml(side / "kanji_c002.jpg", pre[2])
    (side / "kanji_c002.xml").write_bytes(full[: len(full) // 2])
    (side / "kanji_c003.xml").write_bytes(labelimg_xml(side / "kanji_c003.jpg", pre[3][:3] + [("ki", 350, 350, 420, 380)]))
    # c004: opened and saved in LabelImg without a change: checked by a person, boxes as they were.
    (side / "kanji_c004.xml").write_bytes(labelimg_xml(side / "kanji_c004.jpg", pre[4]))
    # c005: a Label Studio export, its file name prefixed with 8 hex digits, one box removed.
    (side / "Annotations" / "0a1b2c3d-kanji_c005.xml").write_bytes(cvat_xml("0a1b2c3d-kanji_c005.jpg", pre[5][1:]))

    proc = repo.inv("imglabeling.pull", PROJECT, check=False)
    out = proc.stdout
    # Refused files are named; their masters are byte-identical.
    assert "refused: " in out and "kanji_c002.xml: not well-formed XML" in out
    assert "kanji_c003.xml: object 4 (ki) box (350, 350, 420, 380) reaches outside the 400x400 image" in out
    assert "2 file(s) refused" in proc.stderr
    for name in ("kanji_c002.xml", "kanji_c003.xml", "kanji_c006.xml", "kanji_c007.xml",
                 "kanji_c004.xml", "kanji_c002.jpg", "kanji_c000.jpg"):
        assert (master / name).read_bytes() == before[name], name
    # Every valid change was taken, normalised to our VOC (integers, our filename and folder).
    assert boxes(master / "kanji_c000.xml") == [(n0, a + 3, b + 2, c_ + 3, d + 2), ("ki" if n1 != "ki" else "hi", *k1),
                                                (n2, *k2)]
    line0 = next(ln for ln in out.splitlines() if "kanji_c000.xml:" in ln)
    assert "1 moved" in line0 and "1 renamed" in line0 and "1 removed" in line0 and "added" not in line0
    line1 = next(ln for ln in out.splitlines() if "kanji_c001.xml:" in ln)
    assert "1 added (hi 6,6-30,31)" in line1 and "from Annotations/kanji_c001.xml" in line1
    line5 = next(ln for ln in out.splitlines() if "kanji_c005.xml:" in ln)
    assert "1 removed" in line5 and " moved" not in line5
    assert "kanji_c004.xml: saved by a person with the boxes as they were" in out
    ann = voc.read(master / "kanji_c001.xml")
    assert (ann.filename, ann.folder, ann.depth) == ("kanji_c001.jpg", "master", 3)
    text = (master / "kanji_c001.xml").read_text()
    assert "." not in "".join(ln for ln in text.splitlines() if "min>" in ln or "max>" in ln)
    assert "<pose>Unspecified</pose>" in text and "<occluded>" not in text
    assert "<path>" not in (master / "kanji_c000.xml").read_text()

    # status: c000, c001, c004, c005 checked by a person; c002, c003, c006, c007 still pre-labels.
    row = status_row(repo, PROJECT)
    assert (row["carriers"], row["pre-labelled"], row["checked"], row["conflicts"]) == ("8", "4", "4", "0")
    assert row["changed-since-push"] == "0"
    lib_project = load(repo.path, PROJECT)
    assert labeling.unchecked(lib_project) == [f"kanji_c00{i}.xml" for i in (2, 3, 6, 7)]

    # Still broken there: refused again, nothing else happens.
    proc = repo.inv("imglabeling.pull", PROJECT, check=False)
    assert "2 file(s) refused" in proc.stderr and "taken" in proc.stdout and "0 taken" in proc.stdout
    # Fixed there: taken; then an unchanged pull is a no-op that says so.
    (side / "kanji_c002.xml").write_bytes(full)
    (side / "kanji_c003.xml").write_bytes(labelimg_xml(side / "kanji_c003.jpg", pre[3][:3] + [("ki", 350, 350, 400, 380)]))
    out = repo.inv("imglabeling.pull", PROJECT, check=True).stdout
    assert "kanji_c003.xml: 1 added (ki 350,350-400,380)" in out
    assert "kanji_c002.xml: saved by a person with the boxes as they were" in out
    settled = snapshot(master)
    out = repo.inv("imglabeling.pull", PROJECT, check=True).stdout
    assert "no changes on the labeling side" in out and "nothing taken" in out
    assert snapshot(master) == settled
    # The export's labels go beside the image for LabelImg; nothing else is sent again.
    out = repo.inv("imglabeling.push", PROJECT, check=True).stdout
    assert "sent 0 image(s) and 2 annotation(s)" in out
    assert (side / "kanji_c001.xml").read_bytes() == (master / "kanji_c001.xml").read_bytes()
    assert (side / "kanji_c000.xml").read_bytes() != (master / "kanji_c000.xml").read_bytes()  # LabelImg's own file
    assert "nothing changed" in repo.inv("imglabeling.push", PROJECT, check=True).stdout
    assert "no changes on the labeling side" in repo.inv("imglabeling.pull", PROJECT, check=True).stdout
    assert status_row(repo, PROJECT)["pre-labelled"] == "2"


def conflict(repo, side: Path):
    """Changed here and there: neither overwritten, the remote kept beside, push holds it back."""
    master = repo.project("close") / "master"
    repo.inv("imglabeling.push", "close", check=True)
    (name, x0, y0, x1, y1), = boxes(master / "close_c000.xml")
    here = voc.read(master / "close_c000.xml")
    here.objects = [voc.VocObject(name, x0 - 1, y0, x1, y1)]
    voc.write(master / "close_c000.xml", here)
    mine = (master / "close_c000.xml").read_bytes()
    theirs = labelimg_xml(side / "close_c000.jpg", [(name, x0 + 2, y0, x1, y1)])
    (side / "close_c000.xml").write_bytes(theirs)
    proc = repo.inv("imglabeling.pull", "close", check=False)
    assert "conflict: close_c000.xml changed here since the push" in proc.stdout and "1 conflict(s)" in proc.stderr
    assert (master / "close_c000.xml").read_bytes() == mine
    assert (side / "close_c000.xml").read_bytes() == theirs
    assert boxes(master / "close_c000.remote.xml") == [(name, x0 + 2, y0, x1, y1)]
    assert status_row(repo, "close")["conflicts"] == "1"
    check = repo.inv("dlimgmgr.check", "--project", "close", check=False)
    assert "close_c000.remote.xml: unresolved labeling conflict over close_c000.xml" in check.stdout + check.stderr
    out = repo.inv("imglabeling.push", "close", check=True).stdout
    assert "close_c000 not sent: conflict not resolved" in out
    assert (side / "close_c000.xml").read_bytes() == theirs
    proc = repo.inv("imglabeling.pull", "close", check=False)          # still waiting, still exit 1
    assert "still waits" in proc.stdout
    # The person merges (keeps ours) and deletes the .remote.xml: resolved, the next push sends ours.
    (master / "close_c000.remote.xml").unlink()
    assert "no changes on the labeling side" in repo.inv("imglabeling.pull", "close", check=True).stdout
    assert status_row(repo, "close")["conflicts"] == "0"
    assert "sent 0 image(s) and 1 annotation(s)" in repo.inv("imglabeling.push", "close", check=True).stdout
    assert (side / "close_c000.xml").read_bytes() == mine


# ------------------------------------------------------------------ local role


def test_round_trip_local(repo, tmp_path):
    round_trip(repo, tmp_path / "labeling" / "projects" / PROJECT / "master")


def test_conflict_local(repo, tmp_path):
    conflict(repo, tmp_path / "labeling" / "projects" / "close" / "master")


def test_compose_push_chain_and_only_changed_push(repo, tmp_path):
    side = tmp_path / "labeling" / "projects" / "close" / "master"
    out = repo.inv("dataaug.compose", "close", "imglabeling.push", "close", check=True).stdout
    assert "sent 8 image(s) and 8 annotation(s)" in out
    assert len(list(side.glob("*.jpg"))) == 8
    record = json.loads((repo.project("close") / "master" / ".labeling.json").read_text())
    assert sorted(record) == [f"close_c00{i}" for i in range(8)]
    row = status_row(repo, "close")
    assert (row["carriers"], row["pre-labelled"], row["checked"], row["changed-since-push"]) == ("8", "8", "0", "0")
    # One master XML edited here: only it goes out.
    xml = repo.project("close") / "master" / "close_c003.xml"
    ann = voc.read(xml)
    ann.objects = [voc.VocObject(o.name, o.xmin + 1, o.ymin, o.xmax, o.ymax) for o in ann.objects]
    voc.write(xml, ann)
    assert status_row(repo, "close")["changed-since-push"] == "1"
    mtimes = {p.name: p.stat().st_mtime_ns for p in side.iterdir()}
    assert "sent 0 image(s) and 1 annotation(s)" in repo.inv("imglabeling.push", "close", check=True).stdout
    assert [p.name for p in side.iterdir() if p.stat().st_mtime_ns != mtimes.get(p.name)] == ["close_c003.xml"]
    assert (side / "close_c003.xml").read_bytes() == xml.read_bytes()
    # A person's unpulled change there is never overwritten by a push.
    (side / "close_c005.xml").write_bytes(labelimg_xml(side / "close_c005.jpg", [("close", 10, 10, 40, 40)]))
    out = repo.inv("imglabeling.push", "close", check=True).stdout
    assert "close_c005 not sent: its XML changed on the labeling side" in out
    assert boxes(side / "close_c005.xml") == [("close", 10, 10, 40, 40)]


def test_pull_before_push_and_bad_project_fail_cleanly(repo):
    proc = repo.inv("imglabeling.pull", "close", check=False)
    assert "nothing was pushed there yet" in proc.stderr and "inv imglabeling.push close" in proc.stderr
    proc = repo.inv("imglabeling.push", "nope", check=False)
    assert "project 'nope' not found" in proc.stderr


def test_unreachable_labeling_host_is_one_line(repo):
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    repo.write_hosts({"imglabeling": {"host": "127.0.0.1", "port": 9, "target_home": "labeling"}})
    master = snapshot(repo.project("close") / "master")
    for task in ("imglabeling.push", "imglabeling.pull"):
        proc = repo.inv(task, "close", check=False)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "role imglabeling host 127.0.0.1:9: connection refused" in lines[0], proc.stderr
    assert snapshot(repo.project("close") / "master") == master


def test_describe_changes():
    O = voc.VocObject
    old = [O("a", 1, 1, 10, 10), O("b", 50, 50, 60, 60), O("c", 100, 100, 120, 120), O("a", 200, 200, 210, 210)]
    new = [O("a", 2, 1, 11, 10), O("d", 50, 50, 60, 60), O("a", 200, 200, 210, 210), O("c", 300, 300, 310, 310),
           O("b", 150, 150, 160, 160)]
    got = labeling.describe_changes(old, new)
    assert got["moved"] == ["a 1,1-10,10 -> 2,1-11,10", "c 100,100-120,120 -> 300,300-310,310"]
    assert got["renamed"] == ["b -> d at 50,50-60,60"]
    assert got["added"] == ["b 150,150-160,160"] and got["removed"] == []
    assert labeling.changes_text(labeling.describe_changes(old, old)) == "no box changes"


# ------------------------------------------------------------------ SSH role (real sshd)


def test_round_trip_and_conflict_over_ssh(ssh_repo, sshd, ssh_entry):
    # The labeling role on 127.0.0.4 over SSH; the rest local, so only this feature's path is remote.
    home = ssh_repo.path.parent / "labeling-ssh"
    data = yaml.safe_load((ssh_repo.path / "hosts.yaml").read_text())
    ssh_repo.write_hosts({"dataaug": {"host": "local"}, "imglabeling": ssh_entry(2, target_home=str(home)),
                          "pytorch": {"host": "local", "target_home": str(ssh_repo.path.parent / "pytorch")}},
                         known_hosts=data["known_hosts"])
    round_trip(ssh_repo, home / "projects" / PROJECT / "master")
    conflict(ssh_repo, home / "projects" / "close" / "master")
