"""lib/hostside/dataaug.py: the dataaug host-side CLI, run as the orchestrator runs it (python -m)."""
import json
import subprocess
import sys

from dlimgmgr_tasks.lib import voc
from dlimgmgr_tasks.lib.dataaug.plan import lib_versions
from dlimgmgr_tasks.lib.hostside import dataaug


def _cli(root, *args, stdin=""):
    return subprocess.run([sys.executable, "-m", dataaug.MODULE, *args], cwd=root, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_versions_prints_this_machines(checkout):
    out = _cli(checkout.root, "versions")
    assert out.returncode == 0 and out.stdout.strip() == lib_versions()


def test_compose_prints_one_json_line(checkout, png):
    pdir = checkout.projects_dir / "close"
    png(pdir / "master" / "sources" / "close.png", size=(10, 10))
    (pdir / "project.yaml").write_text("classes: [close]\ncount: 0\nseed: 1\ncompose: {count: 1}\n")
    out = _cli(checkout.root, "compose", "close", "48x40")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(info["sha256"]) == {"close_c000.jpg", "close_c000.xml", ".prelabels.json"} and info["removed"] == []


def test_items_writes_records_and_refuses_other_versions(checkout, jpeg, annotation):
    pdir = checkout.projects_dir / "close"
    (pdir / "master").mkdir(parents=True)
    (pdir / "project.yaml").write_text("classes: [close]\ncount: 0\nseed: 1\n")
    jpeg(pdir / "master" / "close_c000.jpg", size=(48, 40))
    voc.write(pdir / "master" / "close_c000.xml", annotation("close_c000.jpg", (48, 40), ("close", 2, 2, 9, 9)))
    out_dir = checkout.root / "share"
    out = _cli(checkout.root, "items", "close", "48x40", str(out_dir), "--tag", "t", "--expect", lib_versions(),
               stdin="0:0")
    assert out.returncode == 0, out.stderr
    (rec,) = [json.loads(line) for line in (out_dir / ".records-t.jsonl").read_text().splitlines()]
    assert rec["key"] == [0, 0, 0] and (out_dir / rec["tmp"]).is_file() and len(rec["sha256"]) == 64
    refused = _cli(checkout.root, "items", "close", "48x40", str(checkout.root / "other"), "--expect", "numpy 0.0",
                   stdin="0:0")
    assert refused.returncode == dataaug.VERSIONS_DIFFER and "Traceback" not in refused.stderr


def test_a_bad_command_line_is_one_line(checkout):
    out = _cli(checkout.root, "nonsense")
    assert out.returncode == 1 and out.stderr.startswith("error: ") and len(out.stderr.strip().splitlines()) == 1
