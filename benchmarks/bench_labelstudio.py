"""`inv imglabeling.push` and `pull` of N carriers (default 1,000) against a local Label Studio.

Label Studio is the pinned one in .venv-labelstudio (scripts/setup-labelstudio), started like the
tests' fixture (tests/helpers/labelstudio_server.py: 127.0.0.1, a fresh data folder).
Push: the first push (project, uploads, pre-labels as predictions) and a second one with nothing
changed. Pull: after a person's annotation on every task (made through the API, not timed), the
pull that takes them all. The floors, in the same run against the same server: the same image
files POSTed to the import API in batches of 100 plus the predictions in one POST (push; push
itself sends one file per POST since it keeps the task id Label Studio made for each), and
one GET of the project's JSON export (pull). No goal is stated; the ratios are reported.
Measured on the 2-core machine, 1,000 carriers, when push still sent 100 files per POST: push 26.4 s (floor 16.2 s, 1.63x), push with
nothing changed 4.8 s, pull 8.0 s (floor 2.7 s, 2.96x); Label Studio starts in 73 s. With one file
per POST, 4 in flight, 200 carriers: push 10.0 s (floor 1.7 s, 5.8x), unchanged 1.0 s, pull 1.5 s.

    .venv/bin/python benchmarks/bench_labelstudio.py [--smoke] [--json PATH] [--carriers 1000]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchutil import ROOT, Repo, Report, parse_args, skipped, voc_xml

sys.path.insert(0, str(ROOT))
from tests.helpers import labelstudio_server as studio_server  # noqa: E402  (the test-support server)
from dlimgmgr_tasks.lib.labeling.studio.client import Client  # noqa: E402
from dlimgmgr_tasks.lib.labeling.studio.convert import to_result  # noqa: E402
from dlimgmgr_tasks.lib.voc import VocObject  # noqa: E402

NAME = "labelstudio"
SIZE = 400
BOXES = [("close", 301, 21, 332, 52), ("ok", 10, 10, 80, 90)]
UPLOAD_BATCH = 100   # the floor's files per import POST (push itself sends one per POST, to learn each task id)


def make_carriers(repo: Repo, n: int) -> list[Path]:
    """projects/bench/master/bench_cNNNN.{jpg,xml}: distinct 400x400 JPEGs with a two-box pre-label."""
    import numpy as np
    from PIL import Image

    pdir = repo.project("bench")
    master = pdir / "master"
    master.mkdir(parents=True)
    (pdir / "project.yaml").write_text("classes: [close, ok]\ncount: 1\nseed: 0\n")
    rng = np.random.default_rng(0)
    base = rng.integers(90, 160, (SIZE, SIZE, 3), dtype=np.uint8)
    base[20:52, 300:332] = (220, 30, 30)
    images = []
    for i in range(n):
        image = base.copy()
        image[SIZE - 8:, :24] = (i % 256, i // 256 % 256, 0)   # a corner unique to the carrier
        path = master / f"bench_c{i:04d}.jpg"
        Image.fromarray(image).save(path, quality=90)
        path.with_suffix(".xml").write_text(voc_xml(path.name, SIZE, SIZE, BOXES))
        images.append(path)
    return images


def floor_push(client: Client, images: list[Path]) -> float:
    """The same files POSTed to the import API in batches of 100, then the predictions in one POST."""
    project = client.post("/api/projects/", {"title": "floor push", "label_config": _config()})["id"]
    start = time.perf_counter()
    for i in range(0, len(images), UPLOAD_BATCH):
        client.upload(f"/api/projects/{project}/import", [(p.name, p.read_bytes()) for p in images[i:i + UPLOAD_BATCH]])
    tasks = client.get(f"/api/projects/{project}/export", exportType="JSON", download_all_tasks="true")
    result = [to_result(VocObject(*b), SIZE, SIZE, f"r{j}") for j, b in enumerate(BOXES)]
    client.post(f"/api/projects/{project}/import/predictions",
                [{"task": t["id"], "result": result, "model_version": "floor"} for t in tasks])
    return time.perf_counter() - start


def _config() -> str:
    from dlimgmgr_tasks.lib.labeling.studio.config import labeling_config
    return labeling_config(["close", "ok"])


def annotate_all(client: Client, title: str) -> int:
    """A person's annotation on every task: each pre-label accepted with its first box moved 2 px."""
    from dlimgmgr_tasks.lib.labeling.studio.remote import find_title

    remote = find_title(client, title)
    moved = [("close", 303, 21, 334, 52), BOXES[1]]
    result = [to_result(VocObject(*b), SIZE, SIZE, f"r{j}") for j, b in enumerate(moved)]
    tasks, _ = remote.listing()
    for task in tasks.values():
        client.post(f"/api/tasks/{task['id']}/annotations/", {"result": result, "was_cancelled": False})
    return remote.id


def floor_pull(client: Client, project: int) -> float:
    start = time.perf_counter()
    client.get(f"/api/projects/{project}/export", exportType="JSON", download_all_tasks="true")
    return time.perf_counter() - start


def measure(server, args, report: Report, tmp: Path) -> None:
    repo = Repo.copy(tmp)
    repo.write_hosts({"dataaug": {"host": "local"},
                      "imglabeling": {"host": "local", "tool": "labelstudio", "url": server.url,
                                      "token_env": "LS_TOKEN"},
                      "pytorch": {"host": "local", "target_home": str(tmp / "pytorch")}})
    repo.env["LS_TOKEN"] = server.token
    images = make_carriers(repo, args.carriers)
    client = Client(server.url, server.token)
    n = args.carriers
    t_push = repo.inv("imglabeling.push", "bench")
    t_again = repo.inv("imglabeling.push", "bench")
    t_floor_push = floor_push(client, images)
    project = annotate_all(client, "dlimgmgr bench")
    t_pull = repo.inv("imglabeling.pull", "bench")
    t_floor_pull = floor_pull(client, project)
    t_startup = repo.inv("--list")
    per = 1000 / n
    report.figure("carriers", n)
    report.figure("push_s", t_push, f"push of {n} carriers: {t_push:.2f}s ({t_push * per:.1f}s per 1,000); "
                                    f"floor (raw import POSTs + predictions) {t_floor_push:.2f}s")
    report.figure("push_unchanged_s", t_again, f"push again, nothing changed: {t_again:.2f}s")
    report.figure("pull_s", t_pull, f"pull of {n} annotated tasks: {t_pull:.2f}s ({t_pull * per:.1f}s per 1,000); "
                                    f"floor (one JSON export GET) {t_floor_pull:.2f}s; inv start-up {t_startup:.2f}s")
    report.figure("floor_push_s", t_floor_push)
    report.figure("floor_pull_s", t_floor_pull)
    report.figure("startup_s", t_startup)
    report.figure("push_per_1000_s", t_push * per)
    report.figure("pull_per_1000_s", t_pull * per)
    report.ratio("push_vs_floor_time", t_push / t_floor_push, "push's time / the raw POSTs' time (lower is better; "
                 "no goal stated)")
    report.ratio("pull_vs_floor_time", t_pull / t_floor_pull, "pull's time / one export GET (lower is better; "
                 "no goal stated; pull also checks and writes every XML)")


def main() -> None:
    def add(ap):
        ap.add_argument("--carriers", type=int, default=1000)
    args = parse_args(__doc__, add)
    if args.smoke:
        args.carriers = 5
    venv = ROOT / studio_server.VENV
    if not (venv / "bin" / "label-studio").is_file():
        return skipped(NAME, args.smoke, f"no Label Studio in {studio_server.VENV} "
                       f"(make it with: bash scripts/setup-labelstudio)", args.json)
    report = Report(NAME, args.smoke)
    with tempfile.TemporaryDirectory(prefix="bench-labelstudio-") as tmp:
        started = time.perf_counter()
        server = studio_server.start(venv, Path(tmp) / "data")
        report.figure("server_start_s", time.perf_counter() - started,
                      f"Label Studio up in {time.perf_counter() - started:.1f}s")
        try:
            measure(server, args, report, Path(tmp))
        finally:
            server.stop()
    report.write(args.json)


if __name__ == "__main__":
    main()
