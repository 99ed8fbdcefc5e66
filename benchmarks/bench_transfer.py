"""Transfer speed over loopback SSH: our streamed push/pull against `ssh | tar` and per-file SFTP.

Starts its own sshd (tests/sshd.py), makes N real JPEGs (~27 KB each), then times, in the same run:
  pull: transfer.pull_tree  vs  ssh host 'tar cf - -C DIR .' | tar xf -   (goal >= 0.8)
  push: transfer.push_tree  vs  tar cf - -C DIR . | ssh host 'tar xf - -C …' (goal >= 0.8)
  pull vs per-file SFTP get (goal >= 10x faster)
Ratios are floor_time / our_time (1.0 = as fast as the floor). Usage:
  .venv/bin/python benchmarks/bench_transfer.py [--files 2000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import sshd as sshd_mod  # noqa: E402

from dlimgmgr_tasks.lib.hosts import connection as connections, streams as transfer  # noqa: E402
from dlimgmgr_tasks.lib.hosts.config import HostConfig as Host  # noqa: E402
from benchutil import best_of  # noqa: E402


def make_jpegs(folder: Path, n: int) -> int:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    # Smooth gradients + noise: about 27 KB per 400x400 JPEG, like our built images.
    yy, xx = np.mgrid[0:400, 0:400]
    base = np.stack([xx * 0.6, yy * 0.6, (xx + yy) * 0.3], axis=-1)
    total = 0
    for i in range(n):
        noise = rng.normal(0, 13, base.shape)
        img = np.clip(base + noise + rng.integers(0, 80), 0, 255).astype("uint8")
        p = folder / f"close_{i:06d}.jpg"
        Image.fromarray(img).save(p, quality=75)
        total += p.stat().st_size
    return total




def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sftp-files", type=int, default=300, help="files for the (slow) per-file SFTP run")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-transfer-"))
    server = sshd_mod.start(password_user=False)
    try:
        src = work / "src"
        size = make_jpegs(src, args.files)
        print(f"{args.files} JPEGs, {size / 1e6:.1f} MB ({size / args.files / 1e3:.1f} KB each), loopback sshd "
              f"port {server.port}, best of {args.repeat}")
        host = Host(role="dataaug", host=server.hosts[0], target_home="x", port=server.port, user=server.user,
                    key_file=str(server.client_key))
        conn = connections.connect(host, server.known_hosts)
        print(f"cipher {conn.transport.local_cipher}")
        ssh = ["ssh", "-q", "-i", str(server.client_key), "-p", str(server.port), "-o", "BatchMode=yes",
               "-o", f"UserKnownHostsFile={server.known_hosts}", "-o", "StrictHostKeyChecking=yes",
               f"{server.user}@{server.hosts[0]}"]
        dst = work / "dst"

        def fresh():
            shutil.rmtree(dst, ignore_errors=True)
            dst.mkdir()

        def ours_pull():
            fresh()
            transfer.pull_tree(conn, str(src), dst / "t")

        def floor_pull():
            fresh()
            subprocess.run(" ".join([*map(str, ssh), f"'tar cf - -C {src} .'", "|", "tar", "xf", "-", "-C", str(dst)]),
                           shell=True, check=True)

        def ours_push():
            fresh()
            transfer.push_tree(conn, src, str(dst / "t"))

        def floor_push():
            fresh()
            subprocess.run(f"tar cf - -C {src} . | {' '.join(ssh)} 'tar xf - -C {dst}'", shell=True, check=True)

        sub = sorted(src.iterdir())[: args.sftp_files]

        def sftp_get():
            fresh()
            sftp = conn.sftp()
            for p in sub:
                sftp.get(str(p), str(dst / p.name))

        t_op, t_fp = best_of(ours_pull, args.repeat), best_of(floor_pull, args.repeat)
        t_os, t_fs = best_of(ours_push, args.repeat), best_of(floor_push, args.repeat)
        t_sftp = best_of(sftp_get, 1) * args.files / len(sub)   # scaled to all files
        print(f"pull: ours {t_op:.3f}s  ssh|tar {t_fp:.3f}s  ratio {t_fp / t_op:.2f} (goal >= 0.8)  "
              f"{size / t_op / 1e6:.0f} MB/s")
        print(f"push: ours {t_os:.3f}s  tar|ssh {t_fs:.3f}s  ratio {t_fs / t_os:.2f} (goal >= 0.8)  "
              f"{size / t_os / 1e6:.0f} MB/s")
        print(f"per-file SFTP get: {t_sftp:.3f}s (from {len(sub)} files, scaled): ours is "
              f"{t_sftp / t_op:.1f}x faster (goal >= 10x)")
        conn.close()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
