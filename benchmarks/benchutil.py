"""What the benchmark scripts share: the convention's flags and JSON report, a best-of timer, a
throw-away copy of the repository driven through the `inv` CLI, a VOC XML writer, and the test
sshd with the `ssh | tar` floors.

The convention (every benchmarks/bench_<name>.py):
    python benchmarks/bench_<name>.py [--smoke] [--json PATH]
measures its floor in the same run, prints one line per ratio, and with --json writes
    {"name", "smoke", "figures": {k: number}, "ratios": {k: number},
     "goals": [{"ratio", "goal", "better": "higher"|"lower", "met"}]}
Timings never fail anything: a missed goal is reported, only a crash is an error.

The code under test is reached through the `inv` CLI wherever it can be. Where a library call
cannot be avoided (a tar stream over SSH), each bench keeps it in ONE adapter function, named
`adapter_...`, the one place to fix when the library moves.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COPIED = ("tasks.py", "invoke.yaml", "dlimgmgr_tasks", "projects", "requirements.txt")
IN_CI = os.environ.get("CI", "").lower() == "true"


# ------------------------------------------------------------------ flags, timer, report

def parse_args(doc: str, add=None) -> argparse.Namespace:
    """--smoke and --json PATH, plus whatever `add(parser)` adds."""
    ap = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: a few seconds, for CI")
    ap.add_argument("--json", type=Path, help="write the results here as JSON")
    if add:
        add(ap)
    return ap.parse_args()


def best_of(fn, repeat: int = 3) -> float:
    """Seconds of the fastest of `repeat` calls: the least disturbed by the rest of the machine."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@dataclass
class Report:
    """Figures, ratios and goals of one bench; prints as it goes, writes the convention's JSON."""

    name: str
    smoke: bool
    figures: dict = field(default_factory=dict)
    ratios: dict = field(default_factory=dict)
    goals: list = field(default_factory=list)

    def figure(self, key: str, value: float, text: str = "") -> None:
        self.figures[key] = round(float(value), 4)
        if text:
            print(text)

    def ratio(self, key: str, value: float, text: str, goal: float | None = None, better: str = "higher") -> None:
        """One line per ratio; with a goal, whether it was met."""
        value = float(value)
        self.ratios[key] = round(value, 4)
        verdict = ""
        if goal is not None:
            met = value >= goal if better == "higher" else value <= goal
            self.goals.append({"ratio": key, "goal": goal, "better": better, "met": met})
            verdict = f"  [goal {'>=' if better == 'higher' else '<='} {goal:g}: {'met' if met else 'MISSED'}]"
        print(f"ratio {key} = {value:.2f}: {text}{verdict}")

    def write(self, path: Path | None) -> None:
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"name": self.name, "smoke": self.smoke, "figures": self.figures,
                                    "ratios": self.ratios, "goals": self.goals}, indent=1) + "\n")


def skipped(name: str, smoke: bool, reason: str, path: Path | None) -> None:
    """A bench that cannot run here (no sshd): says why and writes a report with no ratios.
    Under CI=true it is a crash instead, as the SSH tests fail there rather than skip."""
    if IN_CI:
        raise SystemExit(f"{name}: CI=true but {reason}")
    print(f"{name}: skipped: {reason}")
    report = Report(name, smoke)
    report.figures["skipped"] = 1
    report.write(path)


# ------------------------------------------------------------------ a repository copy and inv

def _ignore(dirpath, names):
    skip = {"__pycache__", ".pytest_cache", "dist"}
    if Path(dirpath).parent.name == "projects":   # a project's generated build/
        skip.add("build")
    return [n for n in names if n in skip or n.endswith(".pyc") or n.startswith(".build.")]


@dataclass
class Repo:
    """A copy of the repository with its own HOME and an all-local hosts.yaml (as tests/helpers/repo.py)."""

    path: Path
    env: dict

    @classmethod
    def copy(cls, base: Path) -> "Repo":
        dest = base / "repo"
        dest.mkdir(parents=True)
        for name in COPIED:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=_ignore)
            elif src.exists():
                shutil.copy2(src, dest / name)
        home = base / "home"
        home.mkdir()
        env = {**os.environ, "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("DLIMGMGR_HOSTS_FILE", None)
        repo = cls(dest, env)
        repo.write_hosts({"dataaug": {"host": "local"},
                          "imglabeling": {"host": "local", "target_home": str(base / "labeling")},
                          "pytorch": {"host": "local", "target_home": str(base / "pytorch")}})
        return repo

    def write_hosts(self, roles: dict, **extra) -> None:
        import yaml
        (self.path / "hosts.yaml").write_text(yaml.safe_dump({**extra, "roles": roles}, sort_keys=False))

    def project(self, name: str) -> Path:
        return self.path / "projects" / name

    def command(self, *args: str) -> list[str]:
        return [PYTHON, "-m", "invoke", *args]

    def inv(self, *args: str) -> float:
        """Run `inv ARGS` in the copy; its seconds. A failure ends the bench with inv's output."""
        start = time.perf_counter()
        proc = subprocess.run(self.command(*args), cwd=self.path, env=self.env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"inv {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return seconds

    def best_inv(self, *args: str, repeat: int = 3) -> float:
        return min(self.inv(*args) for _ in range(max(1, repeat)))


# ------------------------------------------------------------------ VOC files written by hand

def voc_xml(filename: str, width: int, height: int, boxes) -> str:
    """A Pascal VOC annotation as LabelImg writes it; boxes are (name, xmin, ymin, xmax, ymax),
    1-based inclusive. Written here, not by the library, so the inputs never depend on it."""
    objects = "".join(
        f"<object><name>{n}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>"
        f"<bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin><xmax>{x1}</xmax><ymax>{y1}</ymax></bndbox></object>"
        for n, x0, y0, x1, y1 in boxes)
    return (f"<annotation><folder>master</folder><filename>{filename}</filename><size><width>{width}</width>"
            f"<height>{height}</height><depth>3</depth></size><segmented>0</segmented>{objects}</annotation>\n")


def box_carriers(master: Path, name: str, carriers: int, size: int, box: int, margin: int) -> list[tuple[Path, tuple]]:
    """`carriers` size x size JPEG carriers NAME_cNNN.jpg in master (a noisy gradient, one box x box
    red square at least `margin` from the edges) with their VOC XML; [(jpg, 0-based box edges)]."""
    import cv2
    import numpy as np

    master.mkdir(parents=True)
    rng = np.random.default_rng(0)
    made = []
    for i in range(carriers):
        img = np.clip(np.linspace(40, 220, size)[None, :, None] + rng.normal(0, 15, (size, size, 3)), 0, 255)
        img = img.astype(np.uint8)
        x, y = int(rng.integers(margin, size - box - margin)), int(rng.integers(margin, size - box - margin))
        img[y:y + box, x:x + box] = (40, 40, 220)
        stem = f"{name}_c{i:03d}"
        cv2.imwrite(str(master / f"{stem}.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        voc_box = ("close", x + 1, y + 1, x + box, y + box)  # VOC: 1-based, inclusive
        (master / f"{stem}.xml").write_text(voc_xml(f"{stem}.jpg", size, size, [voc_box]))
        made.append((master / f"{stem}.jpg", (x, y, x + box, y + box)))
    return made


# ------------------------------------------------------------------ the test sshd and ssh | tar

def start_sshd():
    """(the running tests/helpers/sshd.py server, None) or (None, the reason none can start here)."""
    sys.path.insert(0, str(ROOT))
    from tests.helpers import sshd
    reason = sshd.available()
    if reason:
        return None, reason
    return sshd.start(password_user=False), None


def ssh_entry(server, target_home: Path, **extra) -> dict:
    """A hosts.yaml entry for the test sshd's first host, logging in with its client key."""
    return {"host": server.hosts[0], "port": server.port, "user": server.user,
            "key_file": str(server.client_key), "target_home": str(target_home), **extra}


def ssh_words(server) -> str:
    """`ssh ... user@host` for the test sshd, as a shell fragment (OpenSSH's default cipher)."""
    q = shlex.quote
    return (f"ssh -q -i {q(str(server.client_key))} -p {server.port} -o BatchMode=yes "
            f"-o UserKnownHostsFile={q(str(server.known_hosts))} -o StrictHostKeyChecking=yes "
            f"{server.user}@{server.hosts[0]}")


def ssh_tar_pull(server, remote_dir: Path, local_dir: Path) -> None:
    """The pull floor: ssh host 'tar cf - -C DIR .' | tar xf - -C LOCAL."""
    shutil.rmtree(local_dir, ignore_errors=True)
    local_dir.mkdir(parents=True)
    there = shlex.quote(f"tar cf - -C {shlex.quote(str(remote_dir))} .")
    subprocess.run(f"{ssh_words(server)} {there} | tar xf - -C {shlex.quote(str(local_dir))}",
                   shell=True, check=True)


def ssh_tar_push(server, local_dir: Path, remote_dir: Path) -> None:
    """The push floor: tar cf - -C LOCAL . | ssh host 'tar xf - -C DIR'."""
    shutil.rmtree(remote_dir, ignore_errors=True)
    remote_dir.mkdir(parents=True)
    there = shlex.quote(f"tar xf - -C {shlex.quote(str(remote_dir))}")
    subprocess.run(f"tar cf - -C {shlex.quote(str(local_dir))} . | {ssh_words(server)} {there}",
                   shell=True, check=True)


def adapter_open_ssh_host(hosts_yaml: Path, role: str):
    """ADAPTER (library): the lib.hosts `Host` for a role of a hosts.yaml file. The benches only
    call the Host protocol on it (pull_tree, push_tree, close)."""
    sys.path.insert(0, str(ROOT))
    from dlimgmgr_tasks.lib.hosts import load_hosts, open_host
    hosts = load_hosts(hosts_yaml)
    return open_host(hosts.one(role), hosts)
