"""Transfer speed over loopback SSH: our streamed push/pull against `ssh | tar` and per-file SFTP.

Starts its own sshd (tests/helpers/sshd.py), makes N real JPEGs (~27 KB each), then times, in one run:
  pull: Host.pull_tree  vs  ssh host 'tar cf - -C DIR .' | tar xf -      (goal >= 0.8)
  push: Host.push_tree  vs  tar cf - -C DIR . | ssh host 'tar xf - -C …'  (goal >= 0.8)
  pull vs per-file SFTP get with paramiko                                 (goal >= 10x faster)
Ratios are floor_time / our_time (1.0 = as fast as the floor).

    .venv/bin/python benchmarks/bench_transfer.py [--smoke] [--json PATH] [--files 2000] [--repeat 3]
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml

from benchutil import (Report, adapter_open_ssh_host, best_of, parse_args, skipped, ssh_entry, ssh_tar_pull,
                       ssh_tar_push, start_sshd)

NAME = "transfer"


def make_jpegs(folder: Path, n: int) -> int:
    """n JPEGs of 400x400, smooth gradients + noise: about 27 KB each, like our built images."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:400, 0:400]
    base = np.stack([xx * 0.6, yy * 0.6, (xx + yy) * 0.3], axis=-1)
    total = 0
    for i in range(n):
        img = np.clip(base + rng.normal(0, 13, base.shape) + rng.integers(0, 80), 0, 255).astype("uint8")
        path = folder / f"close_{i:06d}.jpg"
        Image.fromarray(img).save(path, quality=75)
        total += path.stat().st_size
    return total


def adapter_transfer(host, direction: str, src, dest) -> None:
    """ADAPTER (library): one tree over the Host protocol, `pull` (src there) or `push` (src here)."""
    if direction == "pull":
        host.pull_tree(str(src), Path(dest))
    else:
        host.push_tree(Path(src), str(dest))


def sftp_client(server):
    """A paramiko client logged in to the test sshd (the per-file floor's own connection)."""
    import paramiko

    client = paramiko.SSHClient()
    client.load_host_keys(str(server.known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(server.hosts[0], port=server.port, username=server.user, key_filename=str(server.client_key),
                   allow_agent=False, look_for_keys=False)
    return client


def sftp_get_each(client, files: list[Path], dest: Path) -> None:
    """The per-file floor: one SFTP get per file (what a naive tool does), connection already open."""
    sftp = client.open_sftp()
    for p in files:
        sftp.get(str(p), str(dest / p.name))
    sftp.close()


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def measure(report: Report, args, server, work: Path) -> None:
    src, dst = work / "src", work / "dst"
    size = make_jpegs(src, args.files)
    report.figure("files", args.files)
    report.figure("mb", size / 1e6, f"{args.files} JPEGs, {size / 1e6:.1f} MB ({size / args.files / 1e3:.1f} KB "
                                    f"each), loopback sshd port {server.port}, best of {args.repeat}")
    hosts_yaml = work / "hosts.yaml"
    hosts_yaml.write_text(yaml.safe_dump({"known_hosts": str(server.known_hosts),
                                          "roles": {"dataaug": ssh_entry(server, work / "remote")}}))
    host = adapter_open_ssh_host(hosts_yaml, "dataaug")
    try:
        host.run("true", what="connecting")  # the connection is open before timing, as SFTP's is
        t_pull = best_of(lambda: adapter_transfer(host, "pull", src, fresh(dst) / "t"), args.repeat)
        t_push = best_of(lambda: adapter_transfer(host, "push", src, fresh(dst) / "t"), args.repeat)
    finally:
        host.close()
    f_pull = best_of(lambda: ssh_tar_pull(server, src, dst), args.repeat)
    f_push = best_of(lambda: ssh_tar_push(server, src, dst), args.repeat)
    sub = sorted(src.iterdir())[: args.sftp_files]
    client = sftp_client(server)
    try:
        t_sftp = best_of(lambda: sftp_get_each(client, sub, fresh(dst)), 1) * args.files / len(sub)
    finally:
        client.close()
    for key, value in (("pull_s", t_pull), ("push_s", t_push), ("ssh_tar_pull_s", f_pull),
                       ("tar_ssh_push_s", f_push), ("sftp_get_each_s", t_sftp)):
        report.figure(key, value)
    print(f"pull: ours {t_pull:.3f}s ({size / t_pull / 1e6:.0f} MB/s), ssh|tar {f_pull:.3f}s; push: ours "
          f"{t_push:.3f}s, tar|ssh {f_push:.3f}s; per-file SFTP get {t_sftp:.3f}s (scaled from {len(sub)} files)")
    report.ratio("pull_vs_ssh_tar", f_pull / t_pull, "ssh|tar time / our pull time", goal=0.8)
    report.ratio("push_vs_tar_ssh", f_push / t_push, "tar|ssh time / our push time", goal=0.8)
    report.ratio("pull_vs_sftp_each", t_sftp / t_pull, "per-file SFTP get time / our pull time", goal=10)


def main() -> None:
    def add(ap):
        ap.add_argument("--files", type=int, default=2000)
        ap.add_argument("--repeat", type=int, default=3)
        ap.add_argument("--sftp-files", type=int, default=300, help="files for the (slow) per-file SFTP run")
    args = parse_args(__doc__, add)
    if args.smoke:
        args.files, args.repeat, args.sftp_files = 60, 1, 20
    server, reason = start_sshd()
    if server is None:
        return skipped(NAME, args.smoke, reason, args.json)
    work = Path(tempfile.mkdtemp(prefix="bench-transfer-"))
    report = Report(NAME, args.smoke)
    try:
        measure(report, args, server, work)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    report.write(args.json)


if __name__ == "__main__":
    main()
