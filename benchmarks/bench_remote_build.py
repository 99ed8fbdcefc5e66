"""A build on a dataaug host over loopback SSH: fetching its results against `ssh | tar`.

Starts its own sshd (tests/sshd.py) and uses this checkout's python as the "remote" python. The
sample project `close` (8 carriers) with count 250 gives 2,000 images at the ssd profile. Prints,
in one run:
  sync: first (everything) and second (nothing changed) sync of the inputs
  build there: the host-side share (python -m dlimgmgr_tasks.lib.remote_build items ...)
  fetch: remote_build.fetch_share (one tar stream + sha256 of every JPEG) vs
         ssh host 'tar cf - -C DIR .' | tar xf -     ratio = floor / ours (goal >= 0.8)
  end to end: inv build's remote path vs the local build, same jobs (info)
Usage: .venv/bin/python benchmarks/bench_remote_build.py [--count 250] [--repeat 3] [--no-end-to-end]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import sshd as sshd_mod  # noqa: E402

from dlimgmgr_tasks.lib import build, projects, remote_build  # noqa: E402
from dlimgmgr_tasks.lib.hosts import connection as connections, streams as transfer  # noqa: E402
from dlimgmgr_tasks.lib.hosts.config import HostConfig as Host  # noqa: E402
from benchutil import best_of  # noqa: E402

SIZE = (400, 400)


def make_root(dest: Path, count: int) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "build", ".build.*")
    for name in ("tasks.py", "invoke.yaml", "requirements.txt"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "dlimgmgr_tasks", dest / "dlimgmgr_tasks", ignore=ignore)
    for name in ("common", "close"):
        shutil.copytree(ROOT / "projects" / name, dest / "projects" / name, ignore=ignore)
    conf_path = dest / "projects" / "close" / "project.yaml"
    conf = yaml.safe_load(conf_path.read_text())
    conf["count"] = count
    conf_path.write_text(yaml.safe_dump(conf, sort_keys=False))




def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=250, help="outputs per carrier (8 carriers)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-end-to-end", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-remote-build-"))
    server = sshd_mod.start(password_user=False)
    jobs = os.cpu_count() or 1
    try:
        root = work / "root"
        (root / "projects").mkdir(parents=True)
        make_root(root, args.count)
        python = str(ROOT / ".venv" / "bin" / "python")
        host = Host(role="dataaug", host=server.hosts[0], target_home=str(work / "remote"), port=server.port,
                    user=server.user, key_file=str(server.client_key), python=python if os.path.exists(python)
                    else sys.executable)
        conn = connections.connect(host, server.known_hosts)
        print(f"loopback sshd port {server.port}, cipher {conn.transport.local_cipher}, {jobs} job(s), "
              f"best of {args.repeat}")

        t = time.perf_counter()
        _, sent, _ = remote_build.sync(conn, host.target_home, root, ["close"])
        t_sync1 = time.perf_counter() - t
        t = time.perf_counter()
        _, sent2, _ = remote_build.sync(conn, host.target_home, root, ["close"])
        t_sync2 = time.perf_counter() - t
        print(f"sync: first {len(sent)} files {t_sync1:.2f}s, second {len(sent2)} files {t_sync2:.2f}s")

        project = projects.load(root, "close")
        worker = build._Worker(project.dir, SIZE)
        items, per = remote_build.work_items(worker, len(project.labelled_carriers()))
        versions = ",".join(build._lib_versions())
        rel = "projects/close/.build.tmp-remote-bench"
        remote_dir = f"{host.target_home}/{rel}"
        t = time.perf_counter()
        transfer.run_remote(conn, f"cd {transfer.qpath(host.target_home)} && mkdir -p {rel} && exec "
                                  f"{remote_build.python_word(host)} -m dlimgmgr_tasks.lib.remote_build items "
                                  f"projects/close {SIZE[0]}x{SIZE[1]} {rel} --jobs {jobs} --tag 0 "
                                  f"--expect {versions} " + " ".join(remote_build.encode_items(items)))
        t_build = time.perf_counter() - t
        files = list(Path(remote_dir).glob("*.jpg"))
        size = sum(p.stat().st_size for p in files)
        print(f"build there: {len(files)} images, {size / 1e6:.1f} MB in {t_build:.2f}s "
              f"({len(files) / t_build:.0f} images/s)")
        assert len(files) >= 2000 or args.count < 250, "fewer than 2,000 images: raise --count"

        dst = work / "dst"
        # fetch_share removes the records file from staging once read: keep a copy to put back.
        records = Path(remote_dir, remote_build.RECORDS.format(0)).read_bytes()

        def ours():
            shutil.rmtree(dst, ignore_errors=True)
            Path(remote_dir, remote_build.RECORDS.format(0)).write_bytes(records)
            got = remote_build.fetch_share(conn, remote_dir, dst / "staging", "0", host.label)
            assert len(got) == len(files)

        ssh = ["ssh", "-q", "-i", str(server.client_key), "-p", str(server.port), "-o", "BatchMode=yes",
               "-o", f"UserKnownHostsFile={server.known_hosts}", "-o", "StrictHostKeyChecking=yes",
               f"{server.user}@{server.hosts[0]}"]

        def floor(cipher=None):
            shutil.rmtree(dst, ignore_errors=True)
            (dst / "staging").mkdir(parents=True)
            opt = f"-c {cipher} " if cipher else ""
            subprocess.run(f"{' '.join(ssh[:1])} {opt}{' '.join(ssh[1:])} 'tar cf - -C {remote_dir} .' "
                           f"| tar xf - -C {dst / 'staging'}", shell=True, check=True)

        t_ours, t_floor = best_of(ours, args.repeat), best_of(floor, args.repeat)
        gcm = conn.transport.local_cipher
        t_gcm = best_of(lambda: floor(gcm), args.repeat)
        print(f"fetch: ours {t_ours:.3f}s  ssh|tar {t_floor:.3f}s  ratio {t_floor / t_ours:.2f} (goal >= 0.8)  "
              f"{size / t_ours / 1e6:.0f} MB/s")
        print(f"fetch: ssh -c {gcm} | tar {t_gcm:.3f}s  ratio {t_gcm / t_ours:.2f} (same cipher as ours)")
        conn.close()

        if not args.no_end_to_end:
            from dlimgmgr_tasks.settings import Profile
            prof = Profile("ssd", *SIZE)
            t = time.perf_counter()
            build.build_projects(root, ["close"], prof, jobs, force=True, progress=False, log=lambda *a: None)
            t_local = time.perf_counter() - t
            local = {p.name: p.read_bytes() for p in (root / "projects/close/build").iterdir()}
            t = time.perf_counter()
            remote_build.build_projects(root, ["close"], prof, [host], server.known_hosts, jobs=jobs, force=True,
                                        progress=False, log=lambda *a: None)
            t_remote = time.perf_counter() - t
            same = local == {p.name: p.read_bytes() for p in (root / "projects/close/build").iterdir()}
            print(f"end to end, {len(local) // 2} images: local build {t_local:.2f}s, on the host over SSH "
                  f"{t_remote:.2f}s (ratio {t_local / t_remote:.2f}), byte-identical: {same}")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
