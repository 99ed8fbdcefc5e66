"""A build on a dataaug host over loopback SSH: fetching its results against `ssh | tar`.

Starts its own sshd (tests/helpers/sshd.py); the dataaug host's python is this checkout's. The sample
project `close` (8 carriers) with count 250 gives 2,000 images at the ssd profile. In one run:
  end to end: `inv build --project close --force` with dataaug local, then with dataaug over SSH
      (first run syncs everything, later runs nothing); the SSH build must be byte-identical
      (a difference ends the bench with an error: that is a broken contract, not a timing);
  fetch: the built folder placed on the host with a records file, fetched by the engine's own
      lib.dataaug.shares.fetch (one tar stream, then every JPEG's and XML's sha256 checked against
      the records) vs ssh host 'tar cf - -C DIR .' | tar xf -
      ratio = floor time / our time (goal >= 0.8).

    .venv/bin/python benchmarks/bench_remote_build.py [--smoke] [--json PATH] [--count 250] [--repeat 3]
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from benchutil import (ROOT, Repo, Report, adapter_open_ssh_host, best_of, parse_args, skipped, ssh_entry,
                       ssh_tar_pull, ssh_tar_push, start_sshd)

NAME = "remote_build"
TAG = "bench"


def adapter_fetch_share(host, remote_dir: str, staging: Path) -> None:
    """ADAPTER (library): the build engine's own fetch of a share folder (lib.dataaug.shares.fetch:
    Host.pull_tree, then every JPEG's and XML's sha256 against the records file)."""
    sys.path.insert(0, str(ROOT))
    from dlimgmgr_tasks.lib.dataaug import shares
    shares.fetch(host, remote_dir, staging, TAG)


def share_folder(folder: Path, local: dict[str, bytes]) -> None:
    """The built folder `local` as a host-side share leaves it: each JPEG and XML under the sampler's
    temp name, and the records file beside them."""
    sys.path.insert(0, str(ROOT))
    from dlimgmgr_tasks.lib import inflight
    from dlimgmgr_tasks.lib.dataaug import staging
    lines = []
    for i, jpg in enumerate(n for n in sorted(local) if n.endswith(".jpg")):
        tmp = staging.temp_name(0, i, 0)[:-4]
        jpeg, xml = local[jpg], local[jpg[:-4] + ".xml"]
        (folder / f"{tmp}.jpg").write_bytes(jpeg)
        (folder / f"{tmp}.xml").write_bytes(xml)
        lines.append(json.dumps({"key": [0, i, 0], "tmp": f"{tmp}.jpg", "sha256": hashlib.sha256(jpeg).hexdigest(),
                                 "tmp_xml": f"{tmp}.xml", "xml_sha256": hashlib.sha256(xml).hexdigest(),
                                 "xml_slot": 0}))
    (folder / inflight.RECORDS.format(TAG)).write_text("\n".join(lines) + "\n")


def set_count(repo: Repo, count: int) -> None:
    path = repo.project("close") / "project.yaml"
    conf = yaml.safe_load(path.read_text())
    conf["count"] = count
    path.write_text(yaml.safe_dump(conf, sort_keys=False))


def build_bytes(repo: Repo) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((repo.project("close") / "build").iterdir())}


def end_to_end(report: Report, repo: Repo, server, work: Path, repeat: int) -> dict[str, bytes]:
    """Local and SSH `inv build` times; the SSH build's bytes must equal the local build's.
    repeat 1 (--smoke) times the first SSH build only."""
    t_local = repo.best_inv("build", "--project", "close", "--force", repeat=repeat)
    local = build_bytes(repo)
    python = ROOT / ".venv" / "bin" / "python"
    entry = ssh_entry(server, work / "dataaug", python=str(python if python.exists() else sys.executable))
    repo.write_hosts({"dataaug": entry}, known_hosts=str(server.known_hosts))
    t_first = repo.inv("build", "--project", "close", "--force")
    t_ssh = repo.best_inv("build", "--project", "close", "--force", repeat=repeat) if repeat > 1 else t_first
    if build_bytes(repo) != local:
        raise SystemExit("the build over SSH is not byte-identical to the local build")
    images = sum(name.endswith(".jpg") for name in local)
    report.figure("images", images)
    report.figure("local_build_s", t_local)
    report.figure("ssh_build_first_s", t_first)
    report.figure("ssh_build_s", t_ssh, f"{images} images: local inv build {t_local:.2f}s; over SSH first "
                                        f"{t_first:.2f}s (syncs everything), then {t_ssh:.2f}s; byte-identical")
    report.ratio("ssh_build_vs_local_build", t_local / t_ssh, "local build time / build time over SSH (no goal)")
    return local


def fetch(report: Report, server, work: Path, local: dict[str, bytes], repeat: int) -> None:
    src = work / "built"
    src.mkdir()
    share_folder(src, local)
    share = work / "dataaug" / "projects" / "close" / "share"
    ssh_tar_push(server, src, share)
    size = sum(len(d) for d in local.values())
    staging = work / "staging"
    host = adapter_open_ssh_host(work / "hosts.yaml", "dataaug")
    try:
        host.run("true", what="connecting")  # the engine fetches over a connection it already holds

        def ours():
            shutil.rmtree(staging, ignore_errors=True)
            adapter_fetch_share(host, str(share), staging)
        t_ours = best_of(ours, repeat)
    finally:
        host.close()
    t_floor = best_of(lambda: ssh_tar_pull(server, share, staging), repeat)
    report.figure("fetch_mb", size / 1e6)
    report.figure("fetch_s", t_ours)
    report.figure("ssh_tar_fetch_s", t_floor, f"fetch {size / 1e6:.1f} MB: ours {t_ours:.3f}s "
                                              f"({size / t_ours / 1e6:.0f} MB/s), ssh|tar {t_floor:.3f}s")
    report.ratio("fetch_vs_ssh_tar", t_floor / t_ours, "ssh|tar time / our fetch time", goal=0.8)


def main() -> None:
    def add(ap):
        ap.add_argument("--count", type=int, default=250, help="outputs per carrier (8 carriers)")
        ap.add_argument("--repeat", type=int, default=3)
    args = parse_args(__doc__, add)
    if args.smoke:
        args.count, args.repeat = 1, 1
    server, reason = start_sshd()
    if server is None:
        return skipped(NAME, args.smoke, reason, args.json)
    work = Path(tempfile.mkdtemp(prefix="bench-remote-build-"))
    report = Report(NAME, args.smoke)
    try:
        repo = Repo.copy(work)
        set_count(repo, args.count)
        local = end_to_end(report, repo, server, work, args.repeat)
        shutil.copy2(repo.path / "hosts.yaml", work / "hosts.yaml")
        fetch(report, server, work, local, args.repeat)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    report.write(args.json)


if __name__ == "__main__":
    main()
