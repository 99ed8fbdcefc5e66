"""lib/mix/manifest.py: counts, recipe hashes, git state and the manifest file."""
import json
import subprocess

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.hashing import sha256_file
from dlimgmgr_tasks.lib.mix import manifest
from dlimgmgr_tasks.lib.projects import BUILD_RECORD
from dlimgmgr_tasks.lib.mix.items import Item


def _item(id_, project, split, *names):
    ann = voc.Annotation(f"{id_}.jpg", 10, 10, 3, [voc.VocObject(n, 1, 1, 5, 5) for n in names])
    return Item(id_, project, split, "", ann, b"")


def test_counts_per_split_class_and_project():
    items = [_item("a", "p", "train", "close", "close"), _item("b", "q", "val", "open"), _item("c", "p", "train")]
    got = manifest.counts(items, ["close", "open"], ["p", "q"])
    assert got == {"total_images": 3, "images": {"train": 2, "val": 1},
                   "objects": {"close": {"train": 2, "val": 0}, "open": {"train": 0, "val": 1}},
                   "projects": {"p": {"train": 2, "val": 0}, "q": {"train": 0, "val": 1}}}
    with_test = manifest.counts(items + [_item("t", "q", "test", "open")], ["close", "open"], ["p", "q"])
    assert with_test["images"] == {"train": 2, "val": 1, "test": 1}


def test_recipe_hashes(make_project):
    project = make_project()
    hashes = manifest.recipe_hashes(project)
    assert hashes == {"project.yaml": sha256_file(project.yaml_path), "build_fingerprint": None}
    (project.dir / "augment.py").write_text("def augment(sample, rng):\n    yield sample\n")
    project.build_dir.mkdir()
    (project.build_dir / BUILD_RECORD).write_text(json.dumps({"fingerprint": "abc"}))
    hashes = manifest.recipe_hashes(project)
    assert hashes["augment.py"] == sha256_file(project.dir / "augment.py") and hashes["build_fingerprint"] == "abc"
    (project.build_dir / BUILD_RECORD).write_text("not json")
    assert manifest.recipe_hashes(project)["build_fingerprint"] is None


def test_git_state(tmp_path):
    assert manifest.git_state(tmp_path) == {"commit": None, "dirty": None}   # not a checkout
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["commit", "-q", "--allow-empty", "-m", "x"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, env=env, timeout=60)
    state = manifest.git_state(tmp_path)
    assert len(state["commit"]) == 40 and state["dirty"] is False
    (tmp_path / "new").write_text("x")
    assert manifest.git_state(tmp_path)["dirty"] is True


def test_provenance_and_write(ws, make_project, tmp_path):
    project = make_project("kanji", classes=["a", "b"], test_only=True)
    prov = manifest.provenance(ws, [project])
    assert prov["projects"]["kanji"]["classes"] == ["a", "b"] and prov["projects"]["kanji"]["test_only"] is True
    assert prov["profile"] == {"name": "ssd", "size": [400, 400]} and prov["tool"].startswith("dlimgmgr ")
    path = tmp_path / "m.manifest.json"
    manifest.write(path, {"b": 1, "a": [1]})
    assert path.read_text().endswith("}\n") and json.loads(path.read_text()) == {"b": 1, "a": [1]}
