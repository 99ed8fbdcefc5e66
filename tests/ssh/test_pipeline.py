"""The whole pipeline as users run it: the README's main job on the default hosts.yaml, and every
step over real SSH with DLIMGMGR_HOSTS_FILE naming three loopback hosts (two of them dataaug)."""
from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from tests.helpers import sshd as sshd_mod
from tests.helpers.repo import ROOT
from tests.helpers.buildkit import snapshot
from tests.helpers.labelingdata import labelimg_xml
from tests.helpers.voc_consumer import check_dataset

VENV_PYTHON = str(ROOT / ".venv" / "bin" / "python")


def images_with_objects(build: Path) -> int:
    """Built images whose XML has an object (a default mix leaves the others out of VOC)."""
    return sum(ET.parse(x).find("object") is not None for x in build.glob("*.xml"))


def test_main_job_on_the_default_hosts_file(repo):
    """`inv all` with the committed hosts.yaml (every role local; pytorch's home in the checkout)."""
    shutil.copy2(ROOT / "hosts.yaml", repo.path / "hosts.yaml")
    out = repo.inv("all", check=True).stdout
    dataset = repo.path / ".dlimgmgr" / "pytorch" / "datasets" / "voc"     # per checkout, not shared via ~
    assert "built" in out and "mixed voc" in out and f"deployed voc into {dataset}" in out, out
    assert " again" not in out
    seen = check_dataset(dataset)
    assert seen["classes"] == ["close", "hi", "kawa", "ki", "yama"]
    # two projects, 8 carriers, count 20; the images without an object are left out of VOC
    assert len(seen["objects"]) == sum(images_with_objects(repo.project(p) / "build") for p in ("close", "kanji"))
    assert images_with_objects(repo.project("close") / "build") < 8 * 20 == len(list((repo.project("close") / "build").glob("*.jpg")))
    # Run again: nothing changed, so the build is skipped and the re-mix is byte-identical.
    archive = (repo.path / "dist" / "voc.tar.gz").read_bytes()
    again = repo.inv("all", check=True).stdout
    assert "skipped" in again
    assert (repo.path / "dist" / "voc.tar.gz").read_bytes() == archive


def test_every_step_over_ssh_matches_a_local_build(repo, sshd, tmp_path):
    python = VENV_PYTHON if Path(VENV_PYTHON).exists() else sys.executable

    def host(i, **kw):
        return {"host": sshd.hosts[i], "port": sshd.port, "user": sshd.user, "key_file": str(sshd.client_key),
                "target_home": str(tmp_path / f"home{i}"), **kw}

    hosts_file = tmp_path / "three-hosts.yaml"          # outside the repo: found through the variable
    hosts_file.write_text(yaml.safe_dump({"known_hosts": str(sshd.known_hosts), "roles": {
        "dataaug": [host(0, python=python), host(1, python=python)],
        "imglabeling": host(2),
        "pytorch": host(2, dataset_dir=str(tmp_path / "home2" / "VOCdevkit" / "VOC")),
    }}))
    repo.env["DLIMGMGR_HOSTS_FILE"] = str(hosts_file)

    report = repo.inv("dlimgmgr.hosts", check=True).stdout
    rows = [line.split() for line in report.splitlines()[1:]]
    assert [(r[0], r[1].split("@")[1].split(":")[0]) for r in rows] == [
        ("dataaug", sshd.hosts[0]), ("dataaug", sshd.hosts[1]), ("imglabeling", sshd.hosts[2]), ("pytorch", sshd.hosts[2])]
    assert all(r[2:6] == ["ok"] * 4 for r in rows) and [r[6] for r in rows][2] == "-", report
    repo.inv("dataaug.compose", "close", check=True)
    repo.inv("imglabeling.push", "close", check=True)
    # A person corrects one box in LabelImg on the labeling host.
    side = tmp_path / "home2" / "projects" / "close" / "master"
    master = repo.project("close") / "master"
    xml = master / "close_c000.xml"
    before = xml.read_bytes()
    box = ET.fromstring(before).find("object/bndbox")
    x0, y0, x1, y1 = (int(box.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
    (side / "close_c000.xml").write_bytes(labelimg_xml(side / "close_c000.jpg", [("close", x0, y0, x1 + 1, y1)]))
    pulled = repo.inv("imglabeling.pull", "close", check=True).stdout
    assert "close_c000" in pulled and xml.read_bytes() != before

    repo.inv("build", "--project", "close", check=True)
    remote_build = snapshot(repo.project("close") / "build")
    repo.inv("mix", "--projects", "close", check=True)
    repo.inv("deploy", check=True)
    seen = check_dataset(tmp_path / "home2" / "VOCdevkit" / "VOC")
    assert seen["classes"] == ["close"] and len(seen["objects"]) == images_with_objects(repo.project("close") / "build")

    # The same build on this machine alone gives the same bytes.
    local = tmp_path / "local.yaml"
    local.write_text(yaml.safe_dump({"roles": {"dataaug": {"host": "local"}}}))
    repo.env["DLIMGMGR_HOSTS_FILE"] = str(local)
    repo.inv("build", "--project", "close", "--force", "--jobs", "1", check=True)
    assert snapshot(repo.project("close") / "build") == remote_build


def test_a_stopped_sshd_is_one_clear_line(repo, sshd, tmp_path):
    """A server that was there and is gone: one line naming role and host, exit 1."""
    other = sshd_mod.start(password_user=False)
    entry = {"host": other.hosts[0], "port": other.port, "user": sshd.user, "key_file": str(sshd.client_key),
             "target_home": str(tmp_path / "gone")}
    other.stop()
    repo.write_hosts({"dataaug": {"host": "local"}, "imglabeling": entry, "pytorch": {"host": "local",
                      "target_home": str(tmp_path / "pt")}}, known_hosts=str(sshd.known_hosts))
    proc = repo.inv("imglabeling.push", "close", check=False)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "imglabeling" in lines[0] and other.hosts[0] in lines[0], proc.stderr
    assert not other.alive()
