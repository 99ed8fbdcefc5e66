"""The build: every project's master carriers through its augmentation into projects/NAME/build/.

- Incremental: a fingerprint of the inputs (master files, project.yaml, augment.py,
  projects/common, profile, framework and library versions) is stored in the build folder; an
  unchanged project is skipped without importing anything heavy.
- Deterministic: output k of carrier c gets its random state from (seed, project, c, k) only, and
  numbering follows (carrier order, index), so any number of workers (or, later, hosts) writes the
  same bytes. Work items are pure: project files + item list in, files + records out
  (:func:`build_items`).
- Nothing lost: outputs go to a staging folder beside build/ and are swapped in with renames only
  when complete; Ctrl-C or a crash leaves the previous build as it was.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import projects
from .augment import Recipe, Sample, clip_boxes, parse_recipe, resize
from .errors import UserError

FINGERPRINT = ".fingerprint.json"
STAGING_PREFIX = ".build.tmp-"
OLD_PREFIX = ".build.old-"
LOCK = ".build.lock"
RETRIES = 10  # draws per output before an output with no box left is given up
# Libraries whose versions change output bytes.
LIBRARIES = ("albumentations", "albucore", "opencv-python-headless", "numpy")
_FRAMEWORK_FILES = ("augment.py", "build.py", "voc.py")


@dataclass
class Result:
    project: str
    status: str          # "built" or "skipped"
    images: int
    seconds: float = 0.0
    dropped: int = 0
    jobs: int = 0        # worker processes in all, when not the caller's jobs (several dataaug hosts)

    @property
    def rate(self) -> float:
        return self.images / self.seconds if self.seconds > 0 else 0.0


# ----------------------------------------------------------------------------------- fingerprint

def _lib_versions() -> list[str]:
    """Installed versions read from dist-info folder names: importlib.metadata costs ~15 ms here."""
    found = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name[:-10].partition("-")
                key = dist.lower().replace("_", "-")
                if key in LIBRARIES and key not in found:
                    found[key] = version
    return [f"{lib}={found.get(lib, '?')}" for lib in LIBRARIES]


def _hash_file(h, path: Path) -> bytes:
    data = path.read_bytes()
    h.update(f"{path.name}\0{len(data)}\0".encode())
    h.update(data)
    return data


def uses_script(project: projects.Project) -> bool:
    return bool(project.config.get("augment"))


def script_path(project: projects.Project) -> Path:
    name = project.config.get("augment")
    if not isinstance(name, str) or "/" in name or "\\" in name or not name.endswith(".py"):
        raise UserError(f"{project.yaml_path}: 'augment' must name a .py file in the project folder (e.g. augment.py)")
    return project.dir / name


def fingerprint(project: projects.Project, size: tuple[int, int], carriers) -> str:
    """A digest of everything that decides the build's bytes. Cheap: reads files, imports nothing heavy."""
    h = hashlib.sha256()
    from .. import __version__
    h.update(f"dlimgmgr {__version__}\0{project.name}\0{size[0]}x{size[1]}\0".encode())
    h.update("\0".join(_lib_versions()).encode())
    here = Path(__file__).resolve().parent
    for name in _FRAMEWORK_FILES:
        _hash_file(h, here / name)
    _hash_file(h, project.yaml_path)
    if uses_script(project) and script_path(project).is_file():
        _hash_file(h, script_path(project))
    common = projects.projects_dir(project.dir.parent.parent) / "common"
    if common.is_dir():
        for path in sorted(common.rglob("*")):
            rel = path.relative_to(common)
            if path.is_file() and rel.parts[0] != "templates" and "__pycache__" not in rel.parts \
                    and not path.name.endswith(".pyc") and ".ipynb_checkpoints" not in rel.parts:
                h.update(str(rel).encode() + b"\0")
                _hash_file(h, path)
    for image, xml in carriers:
        _hash_file(h, image)
        _hash_file(h, xml)
    return h.hexdigest()


def _stored(build_dir: Path) -> dict:
    try:
        return json.loads((build_dir / FINGERPRINT).read_text())
    except (OSError, ValueError):
        return {}


# ----------------------------------------------------------------------------------- the work

class _Worker:
    """Per-process state: the project, its carriers (decoded once) and the augmentation."""

    def __init__(self, project_dir: Path, size: tuple[int, int]):
        from . import voc
        project_dir = Path(project_dir)
        self.project = projects.load(project_dir.parent.parent, project_dir.name)
        self.size = tuple(size)
        self.carriers = self.project.labelled_carriers()
        self.recipe: Recipe = parse_recipe(self.project.config.get("recipe"), str(self.project.yaml_path))
        self.script = None
        self.runner = None
        if self.project.count > 0:
            if uses_script(self.project):
                from .augment import load_script
                self.script = load_script(script_path(self.project))
            else:
                from .augment import RecipeRunner
                self.runner = RecipeRunner(self.recipe)
        self._annotations = {}
        self._images = {}
        self._sizes = {}  # the carriers' own (width, height), before the profile's resize
        self._voc = voc

    def annotation(self, ci: int):
        if ci not in self._annotations:
            image, xml = self.carriers[ci]
            try:
                self._annotations[ci] = self._voc.read(xml)
            except self._voc.VocError as exc:
                raise UserError(f"{exc}; fix it (inv dlimgmgr.check) or relabel it") from None
        return self._annotations[ci]

    def image(self, ci: int):
        """The carrier as RGB, resized to the profile, read once per process and kept read-only."""
        if ci not in self._images:
            import cv2
            path = self.carriers[ci][0]
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if bgr is None:
                raise UserError(f"{path}: cannot read this image; replace or remove it")
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            objects = self.annotation(ci).objects
            h, w = rgb.shape[:2]
            self._sizes[ci] = (w, h)
            boxes, keep = [], []
            for i, obj in enumerate(objects):
                x0, y0, x1, y1 = obj.edges()
                x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
                if x1 - x0 >= 1 and y1 - y0 >= 1:
                    boxes.append((float(x0), float(y0), float(x1), float(y1)))
                    keep.append(i)
            sample = resize(Sample(rgb, boxes, [objects[i].name for i in keep], path.stem, 0, keep), self.size)
            # Read-only: a transform that wrote into it would change every later output of this process.
            sample.image.setflags(write=False)
            if len(self._images) > 64:  # items arrive grouped by carrier: a small cache is enough
                self._images.clear()
            self._images[ci] = sample
        return self._images[ci]

    def samples(self, ci: int, index: int) -> list[tuple[int, Sample]]:
        """Item (ci, index)'s kept outputs as (k, sample); index -1 = every output of a script project."""
        from .augment import run_script, sample_rngs
        master = self.image(ci)
        base = Sample(master.image, list(master.boxes), list(master.labels), master.name, index, list(master.ids))
        carrier = self.carriers[ci][0].name
        if self.project.count == 0:
            outs = [base]
        elif self.script is not None:
            np_rng, _ = sample_rngs(self.project.seed, self.project.name, carrier, "script")
            base.image = base.image.copy()  # the script may write into it; the cache must stay as read
            outs = [resize(s, self.size) for s in run_script(
                self.script, base, np_rng, self.project.count, str(script_path(self.project)))]
        else:
            # An output whose every box left the image, or (redraw_lost) that lost any box, is drawn
            # again from its own seeds, so a carrier still yields `count` images and no object is left
            # half in the picture without its label; after RETRIES draws it is dropped.
            outs = []
            for attempt in range(RETRIES):
                key = index if attempt == 0 else f"{index}.{attempt}"
                np_rng, py_rng = sample_rngs(self.project.seed, self.project.name, carrier, key)
                out = self.runner.run(base, np_rng, py_rng)
                kept = clip_boxes(out, self.recipe.min_visibility).boxes
                lost = len(kept) < len(base.boxes)
                if (self.recipe.negatives or kept) and not (self.recipe.redraw_lost and lost):
                    outs = [out]
                    break
        kept = []
        for k, out in enumerate(outs):
            out = clip_boxes(out, self.recipe.min_visibility)
            if out.boxes or self.recipe.negatives:
                kept.append((k, out))
        return kept

    def write(self, ci: int, index: int, out_dir: Path) -> list[dict]:
        """Write item (ci, index)'s images as temp-named JPEGs; return the records the XML needs."""
        import cv2
        import numpy as np
        records = []
        objects = self.annotation(ci).objects
        for k, out in self.samples(ci, index):
            tmp = f"i{ci:05d}_{max(index, 0):06d}_{k:06d}.jpg"
            image = np.ascontiguousarray(out.image)
            if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
                raise UserError(f"{self.project.dir}: augmentation produced a {image.dtype} image of shape "
                                f"{image.shape}; it must be H x W x 3 uint8 RGB")
            path = out_dir / tmp
            if self.project.count == 0 and self._copyable(ci):
                shutil.copyfile(self.carriers[ci][0], path)  # pass-through: the labelled master, untouched
            else:
                ok, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
                                        [cv2.IMWRITE_JPEG_QUALITY, self.recipe.jpeg_quality])
                path.write_bytes(data.tobytes())
            objs = []
            for box, label, src in zip(out.boxes, out.labels, out.ids or [None] * len(out.boxes)):
                flags = objects[src] if src is not None and src < len(objects) else None
                objs.append([str(label), *box, flags.pose if flags else "Unspecified",
                             int(flags.truncated) if flags else 0, int(flags.difficult) if flags else 0])
            records.append({"key": [ci, index, k], "tmp": tmp, "width": int(image.shape[1]),
                            "height": int(image.shape[0]), "objects": objs})
        return records

    def _copyable(self, ci: int) -> bool:
        path = self.carriers[ci][0]
        return path.suffix.lower() in (".jpg", ".jpeg") and self._sizes[ci] == self.size


def work_items(worker: "_Worker", n_carriers: int) -> tuple[list[tuple[int, int]], int]:
    """The build's work items (carrier, output index) and the outputs each item makes.

    A script project gets one generator per carrier, so there a carrier (index -1) is the unit."""
    if worker.script is not None:
        return [(ci, -1) for ci in range(n_carriers)], worker.project.count
    per = max(worker.project.count, 1)
    return [(ci, k) for ci in range(n_carriers) for k in range(per)], per


def build_items(project_dir, size, items, out_dir) -> list[dict]:
    """Pure work unit: augment items [(carrier index, output index), ...] into out_dir.

    Returns one record per written JPEG (temp name, size, boxes as 0-based edges); the caller
    numbers them and writes the XML (:func:`finish_items`). The same call on any host gives the
    same bytes.
    """
    worker = _Worker(Path(project_dir), tuple(size))
    return _run_items(worker, items, Path(out_dir))


def _run_items(worker: _Worker, items, out_dir: Path) -> list[dict]:
    records = []
    for ci, index in items:
        records.extend(worker.write(ci, index, out_dir))
    return records


def finish_items(out_dir, project: str, jobs) -> None:
    """jobs: [(record, final stem)]: write each XML, rename each JPEG to its final name."""
    from . import voc
    out_dir = Path(out_dir)
    for rec, stem in jobs:
        objects = [voc.VocObject.from_edges(o[0], *o[1:5], pose=o[5], truncated=o[6], difficult=o[7])
                   for o in rec["objects"]]
        ann = voc.Annotation(f"{stem}.jpg", rec["width"], rec["height"], 3, objects, folder=project)
        voc.write(out_dir / f"{stem}.xml", ann)
        os.rename(out_dir / rec["tmp"], out_dir / f"{stem}.jpg")


def _tune_malloc() -> None:
    """Keep image-sized buffers on the heap: glibc's default mmaps and unmaps every array over
    128 KiB, so each 400x400 image cost page faults (measured: a third less system time, ~15% more
    images/s with one job). A no-op where the C library is not glibc."""
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 64 << 20)   # M_MMAP_THRESHOLD
        libc.mallopt(-1, 128 << 20)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


# Worker-process globals (a Pool's initializer sets them once per process).
_STATE: dict = {}


def _init_pool(project_dir: str, size, out_dir: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and cleans up
    _tune_malloc()
    import cv2
    cv2.setNumThreads(1)  # one process per core already; OpenCV's own threads would fight them
    _STATE["worker"] = _Worker(Path(project_dir), tuple(size))
    _STATE["out"] = Path(out_dir)


def _pool_items(items):
    return _run_items(_STATE["worker"], items, _STATE["out"])


def _pool_finish(args):
    project, jobs = args
    finish_items(_STATE["out"], project, jobs)
    return len(jobs)


def _outputs(chunk, per: int) -> int:
    return sum(per if index == -1 else 1 for _, index in chunk)


def _chunks(seq: list, n: int) -> list[list]:
    return [seq[i:i + n] for i in range(0, len(seq), n)]


# ----------------------------------------------------------------------------------- progress

class _Progress:
    """tqdm on a terminal; otherwise a plain line every few seconds (CI logs, pipes)."""

    def __init__(self, name: str, total: int, tty: bool | None):
        self.name, self.total, self.done = name, total, 0
        self.start = self.last = time.monotonic()
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.bar = None
        if self.tty:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=name, unit="img", dynamic_ncols=True, leave=False)

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= 5 and self.done < self.total:
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0
            print(f"{self.name}: {self.done}/{self.total} images ({100 * self.done // max(self.total, 1)}%), "
                  f"{rate:.0f} images/s, ETA {eta:.0f}s", flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ----------------------------------------------------------------------------------- one project

@contextlib.contextmanager
def _lock(project: projects.Project):
    import fcntl
    path = project.dir / LOCK
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UserError(f"{project.dir}: another build of {project.name!r} is running; wait for it") from None
        yield


@contextlib.contextmanager
def _no_interrupt():
    """Hold Ctrl-C for the few microseconds of the swap, then deliver it."""
    got = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *a: got.append(a))
    except ValueError:  # not the main thread: nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if got:
            raise KeyboardInterrupt


def _recover(project: projects.Project) -> None:
    """Undo what an interrupted earlier run left: staging folders, a half-done swap."""
    olds = sorted(project.dir.glob(OLD_PREFIX + "*"))
    if not project.build_dir.exists() and olds:
        os.rename(olds[-1], project.build_dir)  # died between the swap's two renames
        olds = olds[:-1]
    for path in [*project.dir.glob(STAGING_PREFIX + "*"), *olds]:
        shutil.rmtree(path, ignore_errors=True)


def _swap(project: projects.Project, staging: Path) -> None:
    old = project.dir / f"{OLD_PREFIX}{os.getpid()}"
    with _no_interrupt():
        if project.build_dir.exists():
            os.rename(project.build_dir, old)
        os.rename(staging, project.build_dir)
    shutil.rmtree(old, ignore_errors=True)


def _mp_context():
    import multiprocessing
    # Not plain fork: a child forked from a parent whose OpenCV thread pool has run hangs in its
    # first cv2 call (seen here). A forkserver starts clean, imports the libraries once (albumentations
    # takes ~0.4 s) and forks every worker from that state.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["dlimgmgr_tasks.lib.build", "albumentations", "cv2"])
        return ctx
    return multiprocessing.get_context("spawn")


def build_project(project: projects.Project, size: tuple[int, int], jobs: int, force: bool,
                  progress: bool | None = None, log=print, rebuild=None) -> Result:
    """rebuild: what builds a changed project (default: here); lib.remote_build passes the dataaug hosts'."""
    carriers = project.labelled_carriers()
    unlabelled = len(project.carrier_images()) - len(carriers)
    with _lock(project):
        _recover(project)
        digest = fingerprint(project, size, carriers)
        stored = _stored(project.build_dir)
        if not force and stored.get("fingerprint") == digest:
            return Result(project.name, "skipped", int(stored.get("images", 0)))
        # Only when building: the skip path stays as light as `inv --list` (labeling imports a lot).
        from .labeling import unchecked
        stale = unchecked(project)
        if stale:
            shown = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
            print(f"warning: {project.name}: {len(stale)} annotation(s) are still the untouched pre-label "
                  f"({shown}); check them with imglabeling before training", file=sys.stderr)
        if unlabelled:
            print(f"warning: {project.name}: {unlabelled} carrier(s) in {project.master} have no XML and are "
                  f"left out; label them (inv imglabeling.push {project.name})", file=sys.stderr)
        if not carriers:
            raise UserError(f"{project.master}: no labelled carriers (image + XML) to build from; "
                            f"make them with: inv dataaug.compose {project.name}")
        return (rebuild or _rebuild)(project, size, jobs, carriers, digest, progress, log)


def _rebuild(project, size, jobs, carriers, digest, progress, log) -> Result:
    # Check the recipe/script here, in one process, so a mistake is one line before any worker starts.
    worker = _Worker(project.dir, size)
    if worker.runner is not None:
        worker.runner.check()
    items, per = work_items(worker, len(carriers))
    jobs = max(1, min(jobs, len(items)))
    staging = project.dir / f"{STAGING_PREFIX}{os.getpid()}"
    staging.mkdir()
    start = time.monotonic()
    bar = _Progress(project.name, len(items) * (per if items[0][1] == -1 else 1), progress)
    pool = None
    try:
        if jobs == 1:
            import cv2
            threads = cv2.getNumThreads()
            cv2.setNumThreads(1)  # one job = one core, as each pool worker runs
            _tune_malloc()
            try:
                records = []
                for chunk in _chunks(items, 16):
                    records.extend(_run_items(worker, chunk, staging))
                    bar.update(_outputs(chunk, per))
            finally:
                cv2.setNumThreads(threads)
        else:
            pool = _mp_context().Pool(jobs, _init_pool, (str(project.dir), size, str(staging)))
            size_chunk = max(1, min(32, len(items) // (jobs * 8) or 1))
            chunks = _chunks(items, size_chunk)
            records = []
            for chunk_records, chunk in zip(pool.imap(_pool_items, chunks), chunks):
                records.extend(chunk_records)
                bar.update(_outputs(chunk, per))
        # Number by (carrier, index, k): never by which worker finished first.
        records.sort(key=lambda r: r["key"])
        named = [(rec, f"{project.name}_{n:06d}") for n, rec in enumerate(records, 1)]
        if pool is not None:
            for _ in pool.imap_unordered(_pool_finish, [(project.name, c) for c in _chunks(named, 64)]):
                pass
            pool.close()
            pool.join()
            pool = None
        else:
            finish_items(staging, project.name, named)
        (staging / FINGERPRINT).write_text(json.dumps(
            {"fingerprint": digest, "images": len(records), "size": list(size)}, indent=1) + "\n")
        bar.close()
        _swap(project, staging)
    except BaseException:
        bar.close()
        if pool is not None:
            pool.terminate()
            pool.join()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    seconds = time.monotonic() - start
    dropped = bar.total - len(records)
    if not records:
        print(f"warning: {project.name}: every output lost its boxes (min_visibility "
              f"{worker.recipe.min_visibility}); soften the geometric steps or lower min_visibility",
              file=sys.stderr)
    return Result(project.name, "built", len(records), seconds, dropped)


def build_projects(root, names, profile, jobs: int, force: bool = False, progress: bool | None = None,
                   log=print, rebuild=None) -> list[Result]:
    """Build the named projects (the profile's list, or all, when none is named) at the profile's size."""
    names = list(names or []) or list(getattr(profile, "projects", ()) or ()) or projects.list_names(Path(root))
    if not names:
        raise UserError(f"{projects.projects_dir(Path(root))}: no projects yet; create one with: inv dlimgmgr.new NAME")
    loaded = projects.load_many(Path(root), names)
    size = (int(profile.width), int(profile.height))
    results = []
    for project in loaded:
        result = build_project(project, size, jobs, force, progress, log, rebuild)
        if result.status == "skipped":
            log(f"{project.name}: up to date ({result.images} images), skipped; --force rebuilds it")
        else:
            extra = f", {result.dropped} dropped (no box left)" if result.dropped else ""
            log(f"{project.name}: built {result.images} images at {size[0]}x{size[1]} in {result.seconds:.1f}s "
                f"({result.rate:.0f} images/s, {result.jobs or jobs} job(s)){extra} -> {project.build_dir}")
        results.append(result)
    return results

