"""Compose and build on remote dataaug hosts over SSH: sync, run a share there, stream results back.

The orchestrator keeps every decision: fingerprints and skips (lib.build: an unforced unchanged
build never connects), the work items and their numbering, verification and the atomic swap. A
dataaug host only runs a pure share of the work:

  1. sync: the project (minus build/), projects/common/ and the framework (dlimgmgr_tasks/,
     tasks.py, invoke.yaml, requirements.txt) go to the host's target_home. The host lists the
     sha256 of what it has (one command); only files that differ travel (one tar stream, push_tree),
     and files gone here are removed there, so the host builds from exactly our inputs.
  2. `python -m dlimgmgr_tasks.lib.remote_build items ...` runs there with the host's python and
     its cores, writing temp-named JPEGs plus a records file (boxes, sizes, sha256 per JPEG) into
     a staging folder in target_home; it refuses to run when its library versions differ from ours
     (they decide the bytes).
  3. pull_tree streams that folder into the local staging folder; every JPEG is checked against
     its sha256; all hosts' records are numbered by (carrier, index, k) -- never by which host did
     what -- the XML is written here and the build swapped in exactly as a local build does.

Shares are contiguous slices of the item list in proportion to each host's cores (hosts.yaml
`jobs:`, else `nproc` there; `--jobs` overrides both), run concurrently, one thread per host. A
host that fails (unreachable, wrong python, killed, a bad transfer) has its share redone by the
hosts that succeeded, with a warning naming it; when none succeeded the build fails with one line
naming role and host and the previous build stays as it was.

  build_projects(root, names, profile, hosts, known_hosts, jobs=0, force=False) -> [build.Result]
  compose(root, project, size, host, known_hosts) -> compose summary line
  prepare(root, host, known_hosts, base_python="python3", pip_args="") -> message
"""
from __future__ import annotations

import json
import os
import posixpath
import secrets
import shlex
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .files import atomic_write
from .hashing import sha256_file

FRAMEWORK_FILES = ("tasks.py", "invoke.yaml", "requirements.txt")
FRAMEWORK_DIRS = ("dlimgmgr_tasks",)
COMMON = "projects/common"
# Never synced: caches, and generated or in-flight folders (build/, .build.*, *.incoming.*).
SKIP_NAMES = ("__pycache__", ".ipynb_checkpoints", ".pytest_cache")
REMOTE_STAGING = ".build.tmp-remote-"
RECORDS = ".records-{}.json"
RM_BATCH = 200
STALE_MINUTES = 120  # a remote staging folder this old was left by an interrupted run


# ---------------------------------------------------------------------------------------- sync

def sync_scope(root: Path, names) -> list[str]:
    """The paths (relative to root) a dataaug host needs for these projects."""
    root = Path(root)
    tops = [f for f in FRAMEWORK_FILES if (root / f).is_file()] + list(FRAMEWORK_DIRS)
    if (root / COMMON).is_dir():
        tops.append(COMMON)
    return tops + [f"projects/{n}" for n in names]


def _skip_dir(rel: str, name: str, project_tops: set[str]) -> bool:
    return (name in SKIP_NAMES or name.startswith(".build.") or ".incoming." in name
            or (name == "build" and posixpath.dirname(rel) in project_tops))


def _skip_file(name: str) -> bool:
    return name.endswith(".pyc") or name.startswith(".build.") or ".incoming." in name


def local_manifest(root: Path, scope) -> dict[str, str]:
    """{relative posix path: sha256} of the files under the scope's paths."""
    root = Path(root)
    projects_in_scope = {t for t in scope if t.startswith("projects/") and t != COMMON}
    out: dict[str, str] = {}
    for top in scope:
        path = root / top
        if path.is_file():
            out[top] = sha256_file(path)
            continue
        for dirpath, dirs, files in os.walk(path):
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            dirs[:] = sorted(d for d in dirs if not _skip_dir(f"{rel_dir}/{d}", d, projects_in_scope))
            for f in sorted(files):
                full = Path(dirpath, f)
                if not _skip_file(f) and full.is_file() and not full.is_symlink():
                    out[f"{rel_dir}/{f}"] = sha256_file(full)
    return out


def _probe_script(home: str, scope, names) -> str:
    """Prints nproc, then NUL-separated `sha256  path` of what the host has in the scope."""
    from .hosts.streams import qpath
    prune = " -o ".join([*(f"-name {n}" for n in SKIP_NAMES), "-name '.build.*'", "-name '*.incoming.*'",
                         *(f"-path {shlex.quote(f'projects/{n}/build')}" for n in names)])
    stale = "".join(f"find {shlex.quote(f'projects/{n}')} -maxdepth 1 -name '{REMOTE_STAGING}*' "
                    f"-mmin +{STALE_MINUTES} -exec rm -rf {{}} + 2>/dev/null; " for n in names)
    tops = " ".join(shlex.quote(t) for t in scope)
    return (f"printf '%s\\0' \"$(nproc 2>/dev/null || echo 1)\"; cd {qpath(home)} 2>/dev/null || exit 0; {stale}"
            f"find {tops} \\( {prune} \\) -prune -o -type f ! -name '*.pyc' -print0 2>/dev/null "
            "| xargs -0 -r sha256sum -z; exit 0")


def sync(where, home: str, root: Path, names) -> tuple[int, list[str], list[str]]:
    """Make target_home hold exactly our copy of the scope; return (host's cores, sent, removed)."""
    from .hosts.streams import push_tree, qpath, run_remote
    scope = sync_scope(root, names)
    mine = local_manifest(root, scope)
    out = run_remote(where, _probe_script(home, scope, names), what="listing target_home")
    fields = out.split("\0")
    try:
        cores = max(1, int(fields[0].strip()))
    except ValueError:
        cores = 1
    theirs = {}
    for entry in fields[1:]:
        digest, sep, name = entry.partition("  ")
        if sep:
            theirs[name[2:] if name.startswith("./") else name] = digest.lstrip("\\")
    send = sorted(p for p, d in mine.items() if theirs.get(p) != d)
    gone = sorted(set(theirs) - set(mine))
    if send:
        push_tree(where, root, home, paths=send)
    for i in range(0, len(gone), RM_BATCH):
        run_remote(where, f"cd {qpath(home)} && rm -f -- " + " ".join(shlex.quote(p) for p in gone[i:i + RM_BATCH]),
                   what="removing files deleted here")
    return cores, send, gone


# ---------------------------------------------------------------------------------------- items

def encode_items(items) -> list[str]:
    """[(ci, k), ...] as compact `CI:K0-K1` runs (one command-line word per run)."""
    words, run = [], None
    for ci, k in items:
        if run and run[0] == ci and run[2] + 1 == k and k >= 0:
            run[2] = k
        else:
            if run:
                words.append(f"{run[0]}:{run[1]}" if run[1] == run[2] else f"{run[0]}:{run[1]}-{run[2]}")
            run = [ci, k, k]
    if run:
        words.append(f"{run[0]}:{run[1]}" if run[1] == run[2] else f"{run[0]}:{run[1]}-{run[2]}")
    return words


def decode_items(words) -> list[tuple[int, int]]:
    items = []
    for w in words:
        ci, _, ks = w.partition(":")
        if ks.startswith("-") or "-" not in ks:
            items.append((int(ci), int(ks)))
        else:
            lo, hi = ks.split("-")
            items.extend((int(ci), k) for k in range(int(lo), int(hi) + 1))
    return items


def split(items: list, weights: list[int]) -> list[list]:
    """Contiguous slices in proportion to the weights (a slice may be empty)."""
    total = sum(weights)
    bounds, acc = [0], 0
    for w in weights:
        acc += w
        bounds.append(round(len(items) * acc / total))
    return [items[a:b] for a, b in zip(bounds, bounds[1:])]


def fetch_share(where, remote_dir, staging: Path, tag: str, label: str) -> list[dict]:
    """Stream a host's share folder into staging (one tar stream) and check every JPEG's sha256.

    remote_dir None: the share was written straight into staging (a local host)."""
    from .hosts.streams import pull_tree
    if remote_dir is not None:
        pull_tree(where, remote_dir, staging)
    records_path = staging / RECORDS.format(tag)
    try:
        records = json.loads(records_path.read_text())
    except (OSError, ValueError):
        raise UserError(f"{label}: the build sent no records file; run it again") from None
    records_path.unlink()
    for rec in records:
        path = staging / rec["tmp"]
        if not path.is_file() or sha256_file(path) != rec["sha256"]:
            raise UserError(f"{label}: {rec['tmp']} arrived damaged (sha256 differs); run it again")
    return records


# ---------------------------------------------------------------------------------------- hosts

@dataclass
class _Host:
    host: object            # lib.hosts.Host
    where: object = None    # an opened connection, or None for this machine
    cores: int = 1
    error: str | None = None
    warned: bool = False
    stats: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.host.label

    @property
    def home(self) -> str:
        return self.host.target_home


def python_word(host) -> str:
    """The host's python as a shell word, valid after `cd target_home`."""
    from .hosts.streams import qpath
    if host.is_local:
        return shlex.quote(host.python_path or sys.executable)
    return qpath(host.python or "python3")


def _parallel(fn, args) -> list:
    """fn(a) for each a in its own daemon thread; a list of results or the exceptions raised."""
    results: list = [None] * len(args)

    def run(i, a):
        try:
            results[i] = fn(a)
        except BaseException as exc:  # noqa: BLE001 -- handed back to the caller
            results[i] = exc
    threads = [threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(args)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _message(exc: BaseException, h: _Host) -> str:
    text = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
    return text if h.label in text else f"{h.label}: {text}"


class RemoteBuilder:
    """The `rebuild` step of lib.build.build_project, run on the dataaug hosts."""

    def __init__(self, hosts, known_hosts, jobs: int = 0, log=print):
        self.hosts = [_Host(h) for h in hosts]
        self.known_hosts = Path(known_hosts)
        self.jobs = int(jobs or 0)
        self.log = log
        self.versions = None

    def close(self) -> None:
        for h in self.hosts:
            if h.where is not None:
                h.where.close()
                h.where = None

    # -- per host steps (each runs in that host's thread)

    def _prepare(self, h: _Host, root: Path, name: str) -> None:
        from .hosts import connection as connections
        if h.host.is_local:
            h.cores = h.host.jobs or os.cpu_count() or 1
        else:
            if h.where is None:
                h.where = connections.connect(h.host, self.known_hosts)
            cores, sent, gone = sync(h.where, h.home, root, [name])
            h.cores = h.host.jobs or cores
            self.log(f"{name}: {h.label}: synced, {len(sent)} file(s) sent, {len(gone)} removed")
        if self.jobs:
            h.cores = self.jobs

    def _run_share(self, h: _Host, root: Path, project, size, items, staging: Path, tag: str) -> list[dict]:
        from .hosts.streams import qpath, run_remote
        start = time.monotonic()
        local = h.host.is_local
        rel = f"projects/{project.name}/{REMOTE_STAGING}{tag}"
        out_dir = str(staging) if local else rel
        cmd = (f"cd {shlex.quote(str(root)) if local else qpath(h.home)} && {'' if local else 'mkdir -p ' + shlex.quote(rel) + ' && '}"
               f"exec {python_word(h.host)} -m dlimgmgr_tasks.lib.remote_build items {shlex.quote('projects/' + project.name)} "
               f"{size[0]}x{size[1]} {shlex.quote(out_dir)} --jobs {h.cores} --tag {tag} "
               f"--expect {shlex.quote(self.versions)} " + " ".join(encode_items(items)))
        try:
            run_remote(h.where, cmd, what="the build")
            records = fetch_share(h.where, None if local else f"{h.home.rstrip('/')}/{rel}", staging, tag, h.label)
        finally:
            if not local and h.where is not None:
                try:
                    run_remote(h.where, f"cd {qpath(h.home)} && rm -rf {shlex.quote(rel)}", what="cleaning up")
                except Exception:  # noqa: BLE001 -- best effort; a stale folder is removed on a later sync
                    pass
        h.stats.append((len(records), time.monotonic() - start))
        return records

    def _failed(self, h: _Host, exc: BaseException) -> None:
        h.error = _message(exc, h)
        if h.where is not None:  # a later project reconnects afresh
            h.where.close()
            h.where = None

    # -- the rebuild

    def __call__(self, project, size, jobs, carriers, digest, progress, log):
        from . import build
        root = project.dir.parent.parent
        worker = build._Worker(project.dir, size)
        if worker.runner is not None:
            worker.runner.check()  # a recipe mistake is one line before any host is contacted
        items, per = build.work_items(worker, len(carriers))
        expected = len(items) * (per if items and items[0][1] == -1 else 1)
        if self.versions is None:
            self.versions = ",".join(build._lib_versions())
        staging = project.dir / f"{build.STAGING_PREFIX}{os.getpid()}"
        staging.mkdir()
        start = time.monotonic()
        try:
            records = self._distribute(root, project, size, items, staging)
            # Number by (carrier, index, k): never by which host finished first.
            records.sort(key=lambda r: r["key"])
            named = [(rec, f"{project.name}_{n:06d}") for n, rec in enumerate(records, 1)]
            build.finish_items(staging, project.name, named)
            keep = {f"{stem}{ext}" for _, stem in named for ext in (".jpg", ".xml")}
            for p in staging.iterdir():  # shares a failed host left half-done
                if p.name not in keep:
                    shutil.rmtree(p) if p.is_dir() else p.unlink()
            (staging / build.FINGERPRINT).write_text(json.dumps(
                {"fingerprint": digest, "images": len(records), "size": list(size)}, indent=1) + "\n")
            build._swap(project, staging)
        except BaseException:
            self.close()  # stops the other hosts' transfers at once
            shutil.rmtree(staging, ignore_errors=True)
            raise
        cores = 0
        for h in self.hosts:
            if h.stats:
                n = sum(s[0] for s in h.stats)
                cores += h.cores
                log(f"{project.name}: {h.label}: {n} images, {h.cores} job(s), {max(s[1] for s in h.stats):.1f}s")
            h.stats.clear()
        return build.Result(project.name, "built", len(records), time.monotonic() - start, expected - len(records),
                            jobs=cores)

    def _distribute(self, root, project, size, items, staging) -> list[dict]:
        def prepare(h):
            self._prepare(h, root, project.name)
        for h in self.hosts:
            h.error, h.warned = None, False
        alive = []
        for h, res in zip(self.hosts, _parallel(prepare, self.hosts)):
            if isinstance(res, KeyboardInterrupt):
                raise res
            if isinstance(res, BaseException):
                self._failed(h, res)
            else:
                alive.append(h)
        failed = [h for h in self.hosts if h.error]
        todo = [items]
        records: list[dict] = []
        while True:
            if not alive:
                first = failed[0]
                more = f" ({len(failed) - 1} more dataaug host(s) failed too)" if len(failed) > 1 else ""
                raise UserError(f"{first.error}{more}; the previous build is untouched")
            pending = [it for part in todo for it in part]
            shares = split(pending, [h.cores for h in alive])
            jobs = [(h, share, f"{h.host.index}-{secrets.token_hex(4)}") for h, share in zip(alive, shares) if share]
            results = _parallel(lambda a: self._run_share(a[0], root, project, size, a[1], staging, a[2]), jobs)
            todo, next_alive = [], []
            for (h, share, _), res in zip(jobs, results):
                if isinstance(res, KeyboardInterrupt):
                    raise res
                if isinstance(res, BaseException):
                    self._failed(h, res)
                    failed.append(h)
                    todo.append(share)
                else:
                    records.extend(res)
                    next_alive.append(h)
            next_alive += [h for h in alive if h not in next_alive and h not in failed]
            alive = next_alive
            if not todo:
                break
            if alive:
                redo = sum(len(s) for s in todo)
                for h in failed:
                    if not h.warned:
                        print(f"warning: {h.error}; its share ({redo} item(s)) is redone on the other dataaug host(s)",
                              file=sys.stderr)
                        h.warned = True
        for h in failed:
            if not h.warned:
                print(f"warning: {h.error}; it was left out of this build", file=sys.stderr)
                h.warned = True
        return records


def build_projects(root, names, profile, hosts, known_hosts, jobs: int = 0, force: bool = False,
                   progress=None, log=print):
    """lib.build.build_projects with the rebuild step run on the dataaug hosts (skips stay local)."""
    from . import build
    builder = RemoteBuilder(hosts, known_hosts, jobs=jobs, log=log)
    try:
        return build.build_projects(root, names, profile, jobs or 1, force=force, progress=progress, log=log,
                                    rebuild=builder)
    finally:
        builder.close()


# ---------------------------------------------------------------------------------------- compose

def compose(root, project, size, host, known_hosts) -> str:
    """Compose on a remote dataaug host and bring the carriers, their XML and .prelabels.json back."""
    from .hosts import connection as connections
    from .hosts.streams import pull_tree, run_remote
    root = Path(root)
    conn = connections.connect(host, known_hosts)
    try:
        sync(conn, host.target_home, root, [project.name])
        out = run_remote(conn, f"cd {_q(host.target_home)} && exec {python_word(host)} -m dlimgmgr_tasks.lib.remote_build "
                               f"compose {shlex.quote(project.name)} {int(size[0])}x{int(size[1])}", what="compose")
        info = json.loads(out.strip().splitlines()[-1])
        remote_master = f"{host.target_home.rstrip('/')}/projects/{project.name}/master"
        pull_tree(conn, remote_master, project.master, paths=sorted(info["sha256"]))
        for name, digest in info["sha256"].items():
            if sha256_file(project.master / name) != digest:
                raise UserError(f"{host.label}: {name} arrived damaged (sha256 differs); run compose again")
        for name in info["removed"]:
            (project.master / name).unlink(missing_ok=True)
        return info["summary"]
    finally:
        conn.close()


def _q(path: str) -> str:
    from .hosts.streams import qpath
    return qpath(path)


# ---------------------------------------------------------------------------------------- prepare

def prepare(root, host, known_hosts, base_python: str = "python3", pip_args: str = "") -> str:
    """Sync the framework to a dataaug host; without python: configured, make target_home/.venv from
    requirements.txt. Checks the host's library versions match ours either way."""
    from . import build
    from .hosts import connection as connections
    from .hosts.streams import run_remote
    if host.is_local:
        return f"{host.label}: local, nothing to prepare"
    conn = connections.connect(host, known_hosts)
    try:
        sync(conn, host.target_home, Path(root), [])
        home = _q(host.target_home)
        made = not host.python
        if made:
            run_remote(conn, f"cd {home} && {_q(base_python)} -m venv .venv && .venv/bin/python -m pip install -q "
                             f"--disable-pip-version-check -r requirements.txt {pip_args}",
                       what="making .venv from requirements.txt", timeout=3600)
            py = ".venv/bin/python"
        else:
            py = host.python
        theirs = run_remote(conn, f"cd {home} && exec {_q(py)} -m dlimgmgr_tasks.lib.remote_build versions",
                            what=f"{py}").strip()
        mine = ",".join(build._lib_versions())
        if theirs != mine:
            raise UserError(f"{host.label}: {py} has {theirs}, this machine {mine}; the builds would differ: "
                            f"install the same versions there (requirements.txt)")
        if made:
            return (f"{host.label}: made {host.target_home}/.venv ({theirs}); add `python: .venv/bin/python` to "
                    f"this host's entry in the hosts file")
        return f"{host.label}: python {py} is ready ({theirs})"
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------- the host side

def _items_main(args) -> int:
    from . import build
    mine = ",".join(build._lib_versions())
    if args.expect and args.expect != mine:
        print(f"error: this host has {mine}, the orchestrator {args.expect}; outputs would differ: "
              "install the same versions (inv dataaug.prepare, requirements.txt)", file=sys.stderr)
        return 2
    size = tuple(int(v) for v in args.size.lower().split("x"))
    items = decode_items(args.items)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(args.jobs, len(items)))
    if jobs == 1:
        records = build.build_items(args.project_dir, size, items, out)
    else:
        pool = build._mp_context().Pool(jobs, build._init_pool, (str(args.project_dir), size, str(out)))
        try:
            chunk = max(1, min(32, len(items) // (jobs * 8) or 1))
            records = [r for part in pool.imap(build._pool_items, build._chunks(items, chunk)) for r in part]
            pool.close()
        finally:
            pool.terminate()
            pool.join()
    for rec in records:
        rec["sha256"] = sha256_file(out / rec["tmp"])
    atomic_write(out / RECORDS.format(args.tag), json.dumps(records).encode())
    print(json.dumps({"images": len(records)}))
    return 0


def _compose_main(args) -> int:
    from . import compose as lib_compose, projects
    size = tuple(int(v) for v in args.size.lower().split("x"))
    project = projects.load(Path.cwd(), args.name)
    result = lib_compose.compose(project, size)
    names = [p.name for p in result.written] + [p.with_suffix(".xml").name for p in result.written]
    names.append(lib_compose.PRELABELS)
    info = {"summary": result.summary(),
            "sha256": {n: sha256_file(project.master / n) for n in names},
            "removed": [n for p in result.removed for n in (p.name, p.with_suffix(".xml").name)]}
    print(json.dumps(info))
    return 0


def main(argv=None) -> int:
    """The dataaug host's side: `python -m dlimgmgr_tasks.lib.remote_build items|compose|versions ...`."""
    import argparse
    parser = argparse.ArgumentParser(prog="python -m dlimgmgr_tasks.lib.remote_build")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("items", help="augment a share of a project's items into OUT_DIR with a records file")
    p.add_argument("project_dir")
    p.add_argument("size", help="WIDTHxHEIGHT")
    p.add_argument("out_dir")
    p.add_argument("items", nargs="+", help="CARRIER:K or CARRIER:K0-K1")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--tag", default="0")
    p.add_argument("--expect", default="", help="the orchestrator's library versions")
    c = sub.add_parser("compose", help="compose a project's carriers here; print what changed as JSON")
    c.add_argument("name")
    c.add_argument("size", help="WIDTHxHEIGHT")
    sub.add_parser("versions", help="print the library versions that decide the build's bytes")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "items":
            return _items_main(args)
        if args.cmd == "compose":
            return _compose_main(args)
        from . import build
        print(",".join(build._lib_versions()))
        return 0
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
