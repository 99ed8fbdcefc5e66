"""lib/labeling/folder/listing.py: which labeling-side files count, and whose carrier each XML is."""
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost
from dlimgmgr_tasks.lib.labeling.folder import listing


def test_counts():
    assert listing.counts("a.jpg") and listing.counts("x/y/a.PNG") and not listing.counts("x/y/z/a.jpg")
    assert listing.counts("deep/er/still/more/a.xml") and listing.counts("labels.json")
    assert listing.counts(listing.CLASSES_FILE) and not listing.counts("notes.md")


def test_stem_of():
    stems = {"close_c000", "close_c001"}
    assert listing.stem_of("close_c000.xml", stems) == "close_c000"
    assert listing.stem_of("export/Annotations/1a2b3c4d-close_c001.xml", stems) == "close_c001"
    assert listing.stem_of("1a2b3c4d__close_c001.xml", stems) == "close_c001"
    assert listing.stem_of("close_c000.remote.xml", stems) is None
    assert listing.stem_of("other.xml", stems) is None and listing.stem_of("close_c000.jpg", stems) is None


def test_candidates_top_level_first_and_untaken_named():
    files = {"sub/close_c000.xml": "1", "close_c000.xml": "2", "close_c000.jpg": "3", "stray.xml": "4",
             "close_c000.txt": "5", "export.json": "6", listing.CLASSES_FILE: "7"}
    by_stem, untaken = listing.candidates(files, {"close_c000"})
    assert by_stem == {"close_c000": ["close_c000.xml", "sub/close_c000.xml"]}
    why = dict(untaken)
    assert set(why) == {"stray.xml", "close_c000.txt", "export.json"}
    assert "matches no carrier" in why["stray.xml"] and "PascalVOC" in why["close_c000.txt"]


def test_listing_on_a_local_host(tmp_path, make_project):
    host = LocalHost(HostConfig(role="imglabeling", host="local", target_home=str(tmp_path / "lab")))
    folder = listing.labeling_master(host, "close")
    assert folder == str(tmp_path / "lab" / "projects" / "close" / "master")
    assert listing.labeling_listing(host, folder) is None          # nothing pushed yet
    (tmp_path / "lab" / "projects" / "close" / "master").mkdir(parents=True)
    (tmp_path / "lab" / "projects" / "close" / "master" / "a.xml").write_text("x")
    (tmp_path / "lab" / "projects" / "close" / "master" / "notes.md").write_text("x")
    assert list(listing.labeling_listing(host, folder)) == ["a.xml"]
    assert listing.place(host, "p") == f"{host.label}:p"
    assert listing.classes_text(make_project(classes=["b", "a"])) == b"b\na\n"
