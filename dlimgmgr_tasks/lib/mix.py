"""Mix: several projects' builds into one Pascal VOC dataset, packed as a deterministic tar.gz.

`mix(root, name, projects, train, val, test, seed, remap, profile)` reads every
`projects/P/build/P_NNNNNN.jpg` + `.xml`, checks each pair (lib/checks), splits each project on
its own by the ratio (stratified, seeded), and streams the files straight from the build folders
into `dist/<name>.tar.gz` (one top folder `<name>/`: Annotations/, ImageSets/Main/, JPEGImages/,
labelmap.txt), then writes `dist/<name>.manifest.json` (sha256, classes, counts, provenance).

The archive is a standard single-member .tar.gz in GNU tar format (PAX adds ~1 KB per member),
with sorted members, mtime 0, uid/gid 0, no user names and a gzip header with mtime 0: the same
builds and settings give a byte-identical file. Memory holds a few hundred bytes per image, never
image data: every file is read and written in bounded chunks.
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import random
import re
import struct
import subprocess
import sys
import tarfile
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import projects as projects_lib
from . import voc
from .errors import UserError
from .files import atomic_write
from .hashing import sha256_file

SPLITS = ("train", "val", "test")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# A class name becomes a file name (<class>_<split>.txt) and a labelmap.txt field (':'-separated).
CLASS_RE = re.compile(r"[^\s:/\\]+")
ID_RE = re.compile(r"[^\s/\\]+")
MTIME = 0                      # fixed member mtime: a re-mix of the same builds is byte-identical
CHUNK = 1 << 20                # bounded reads keep memory flat whatever the file sizes
INSPECT_CHUNK = 200            # pairs checked per task by a worker process
# JPEG payloads are already entropy-coded: deflate at level 1 runs at ~45 MB/s on them and saves
# ~1-2%, so they go in as deflate *stored* blocks (copied, CRC'd, no compression). Everything
# else (tar headers, padding, XML, ImageSets, labelmap) is ~90% redundant and is deflated at
# level 6; together that keeps nearly all of gzip's saving (~9% here) at close to `tar cf` speed.
TEXT_LEVEL = 6
STORED = 0
LABELMAP_HEADER = "# label:color_rgb:parts:actions\n"


# --- the gzip stream -------------------------------------------------------------------------

class _MixedDeflate:
    """One standard gzip member whose deflate stream switches level between stretches of data.

    Each stretch gets a fresh raw-deflate compressor that ends with Z_SYNC_FLUSH (byte-aligned,
    not final), so the stretches concatenate into one valid deflate stream (as zlib's gzjoin
    does); a fresh compressor never refers back into data it did not see. Any gunzip, `tar xzf`
    and Python's streaming `tarfile` mode read it: it is a single member, not concatenated ones.
    """

    def __init__(self, raw):
        self.sha256 = hashlib.sha256()
        self.crc = 0
        self.isize = 0
        self.written = 0
        self.offset = 0            # uncompressed bytes so far (the tar offset)
        self._co = None
        self._level = None
        self.closed = False
        self._buf = []
        self._buffered = 0
        # Hashing and writing the output run in a thread (both release the GIL), so they use the
        # second core while this one reads, checksums and frames the next files.
        self._queue = queue.Queue(maxsize=8)
        self._error = None
        self._thread = threading.Thread(target=self._drain, args=(raw,), daemon=True)
        self._thread.start()
        # gzip header: magic, deflate, no flags, mtime 0, no extra flags, OS 255 (unknown),
        # as gzip.compress(mtime=0) writes it.
        self._out(b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x00\xff")

    def _drain(self, raw) -> None:
        while True:
            block = self._queue.get()
            if block is None:
                return
            if self._error is None:
                try:
                    self.sha256.update(block)
                    raw.write(block)
                except BaseException as exc:  # handed to the main thread in close()
                    self._error = exc

    def _out(self, data: bytes) -> None:
        if data:
            self._buf.append(data)
            self._buffered += len(data)
            self.written += len(data)
            if self._buffered >= CHUNK:
                self._hand_off()

    def _hand_off(self) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(b"".join(self._buf))
        self._buf, self._buffered = [], 0

    def write(self, data, level: int = TEXT_LEVEL) -> None:
        if not data:
            return
        if level != self._level:
            if self._co is not None:
                self._out(self._co.flush(zlib.Z_SYNC_FLUSH))
            self._co = zlib.compressobj(level, zlib.DEFLATED, -15, 9 if level else 8)
            self._level = level
        self.crc = zlib.crc32(data, self.crc)
        self.isize += len(data)
        self.offset += len(data)
        self._out(self._co.compress(data))

    def close(self) -> None:
        co = self._co or zlib.compressobj(TEXT_LEVEL, zlib.DEFLATED, -15)
        self._out(co.flush(zlib.Z_FINISH))
        self._out(struct.pack("<II", self.crc & 0xFFFFFFFF, self.isize & 0xFFFFFFFF))
        self._hand_off()
        self.stop()
        if self._error is not None:
            raise self._error
        self.closed = True

    def stop(self) -> None:
        """End the writer thread (also on an error path, so it never outlives the file)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


class _TarWriter:
    """GNU-format tar members written through `_MixedDeflate`, headers made by `tarfile` itself."""

    def __init__(self, gz: _MixedDeflate):
        self.gz = gz

    @staticmethod
    def _info(name: str, size: int = 0, directory: bool = False) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
        info.mode = 0o755 if directory else 0o644
        info.size = 0 if directory else size
        info.mtime = MTIME
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    def _header(self, info: tarfile.TarInfo) -> None:
        self.gz.write(info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape"))

    def _pad(self, size: int) -> None:
        rest = size % tarfile.BLOCKSIZE
        if rest:
            self.gz.write(tarfile.NUL * (tarfile.BLOCKSIZE - rest))

    def add_dir(self, name: str) -> None:
        self._header(self._info(name.rstrip("/") + "/", directory=True))

    def add_bytes(self, name: str, data: bytes) -> None:
        self._header(self._info(name, len(data)))
        self.gz.write(data)
        self._pad(len(data))

    def add_file(self, name: str, path: Path, level: int) -> None:
        """Stream a file from disk in bounded chunks (no copy of the dataset anywhere)."""
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            self._header(self._info(name, size))
            left = size
            while left:
                chunk = f.read(min(CHUNK, left))
                if not chunk:
                    raise UserError(f"{path}: the file shrank while it was being packed; run the mix again")
                self.gz.write(chunk, level)
                left -= len(chunk)
        self._pad(size)

    def close(self) -> None:
        # Two zero blocks end the archive; pad to tar's 10 KiB record as tar and tarfile do.
        self.gz.write(tarfile.NUL * (2 * tarfile.BLOCKSIZE))
        rest = self.gz.offset % tarfile.RECORDSIZE
        if rest:
            self.gz.write(tarfile.NUL * (tarfile.RECORDSIZE - rest))
        self.gz.close()


# --- what goes in --------------------------------------------------------------------------

@dataclass
class Item:
    """One image of the dataset as the mix keeps it: a few hundred bytes, never its data."""
    id: str
    project: str
    image: str
    split: str
    positive: frozenset     # classes with a non-difficult object (1 in <class>_<split>.txt)
    difficult: frozenset    # classes with only difficult objects (0)
    objects: dict           # class -> number of objects (after remap)


@dataclass(frozen=True)
class _Context:
    """What checking one project's files needs; plain data, so it travels to worker processes."""
    project: str
    classes: tuple
    yaml_hint: str                    # projects/P/project.yaml, as messages show it
    remap: dict
    top: str                          # the dataset name (a rewritten XML's <folder>)
    size: tuple | None = None         # the profile's (width, height), when one is given
    profile: str | None = None


@dataclass
class MixResult:
    name: str
    archive: Path
    manifest: Path
    sha256: str
    bytes: int
    classes: list
    counts: dict
    seconds: float
    unused_remaps: list = field(default_factory=list)

    def summary(self) -> str:
        splits = ", ".join(f"{s} {n}" for s, n in self.counts["images"].items() if n)
        lines = [f"mixed {self.name}: {self.counts['total_images']} images ({splits}), "
                 f"classes {', '.join(self.classes)}",
                 f"wrote {self.archive} ({self.bytes / 1e6:.1f} MB, sha256 {self.sha256[:12]}...) "
                 f"and {self.manifest.name} in {self.seconds:.1f} s"]
        for pair in self.unused_remaps:
            lines.append(f"note: remap {pair} matched no class of the mixed projects")
        return "\n".join(lines)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise UserError(f"dataset name {name!r} is not allowed; use letters, digits, '.', '_' and '-' "
                        f"(it becomes dist/<name>.tar.gz and the archive's top folder)")
    return name


def parse_remap(text) -> dict:
    """`old=new,old2=new2` (CLI) or a mapping (invoke.yaml) -> {old: new}."""
    if text is None or text == "":
        return {}
    if isinstance(text, dict) or hasattr(text, "items"):
        pairs = [(str(k), str(v)) for k, v in text.items()]
    else:
        pairs = []
        for part in str(text).split(","):
            part = part.strip()
            if not part:
                continue
            old, sep, new = part.partition("=")
            if not sep or not old.strip() or not new.strip():
                raise UserError(f"--remap {part!r} is not old=new; write e.g. --remap closebcow=close,closegb=close")
            pairs.append((old.strip(), new.strip()))
    remap = {}
    for old, new in pairs:
        if not CLASS_RE.fullmatch(new):
            raise UserError(f"remap {old}={new}: {new!r} is not a usable class name (no spaces, ':' or '/')")
        if remap.get(old, new) != new:
            raise UserError(f"remap maps {old!r} twice ({remap[old]} and {new}); keep one")
        remap[old] = new
    return remap


def check_ratios(train, val, test) -> tuple[float, float, float]:
    try:
        ratios = tuple(float(r) for r in (train, val, test))
    except (TypeError, ValueError):
        raise UserError(f"split ratios must be numbers (got train={train!r} val={val!r} test={test!r})") from None
    if any(not 0 <= r <= 1 for r in ratios):
        raise UserError(f"split ratios must lie between 0 and 1 (got train={train} val={val} test={test})")
    if abs(sum(ratios) - 1) > 1e-6:
        raise UserError(f"split ratios train {ratios[0]:g} + val {ratios[1]:g} + test {ratios[2]:g} = "
                        f"{sum(ratios):g}, not 1; e.g. --train 0.8 --val 0.2 --test 0")
    return ratios


def allocate(n: int, ratios) -> list[int]:
    """Split n images by ratio: whole numbers adding up to n, each within one of ratio * n."""
    exact = [n * r for r in ratios]
    counts = [int(x) for x in exact]
    # Largest remainder first; ties go to the earlier split (train, then val) for stability.
    order = sorted(range(len(ratios)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _shown(path, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


def _scan_build(project, root: Path, problems: list) -> list[tuple[str, str, str]]:
    """(id, image, xml) of a project's build, sorted by id; orphans become problems."""
    from . import checks

    images, xmls = {}, {}
    try:
        entries = list(os.scandir(project.build_dir))
    except FileNotFoundError:
        entries = []
    for e in entries:
        if e.name.startswith(".") or not e.is_file():
            continue
        stem, ext = os.path.splitext(e.name)
        if ext.lower() in (".jpg", ".jpeg"):
            images[stem] = e.path
        elif ext.lower() == ".xml":
            xmls[stem] = e.path
    shown = _shown(project.build_dir, root)
    if not images:
        raise UserError(f"project {project.name!r} has no build ({shown}/ has no images); "
                        f"run: inv build --project {project.name}")
    fix = f"build again: inv build --project {project.name} --force"
    pairs = []
    for stem in sorted(set(images) | set(xmls)):
        image, xml = images.get(stem), xmls.get(stem)
        if xml is None:
            problems.append(checks.Problem(f"{shown}/{os.path.basename(image)}", "unlabelled",
                                           "image has no annotation", fix))
        elif image is None:
            problems.append(checks.Problem(f"{shown}/{stem}.xml", "missing-image",
                                           f"annotation whose image ({stem}.jpg) is missing", fix))
        elif not ID_RE.fullmatch(stem):
            problems.append(checks.Problem(f"{shown}/{os.path.basename(image)}", "bad-id",
                                           "the file name has a space or slash, which ImageSets cannot hold", fix))
        else:
            pairs.append((stem, image, xml))
    return pairs


def _inspect(ctx: _Context, stem: str, image: str, xml: str):
    """Check one pair as `inv dlimgmgr.check` does (lib/checks) and reduce it to what the mix needs.

    Returns (id, XML bytes for the archive, positive, difficult, objects, problems). The bytes are
    the file's own unless a class is remapped or a coordinate is not whole: then the annotation
    is rewritten in memory (voc.parse -> rename -> voc.dumps), never on disk.
    """
    from . import checks

    build = os.path.dirname(ctx.yaml_hint) + "/build"
    shown = f"{build}/{stem}.xml"
    image_shown = f"{build}/{os.path.basename(image)}"
    fix = f"build again: inv build --project {ctx.project} --force"
    try:
        with open(xml, "rb") as f:
            data = f.read()
        ann = voc.parse(data)
    except OSError as exc:
        return stem, None, (), (), {}, [checks.Problem(shown, "unreadable-xml", f"cannot be read ({exc.strerror})",
                                                       "check the file's permissions")]
    except voc.VocError as exc:
        return stem, None, (), (), {}, [checks.Problem(shown, "invalid-xml", str(exc), fix)]
    try:
        size = checks.image_size(image)
    except ValueError as exc:
        return stem, None, (), (), {}, [checks.Problem(image_shown, "unreadable-image", f"the image {exc}", fix)]
    problems = checks.check_annotation(ann, size, ctx.classes, shown, ctx.yaml_hint)
    if ctx.size is not None and tuple(size) != ctx.size:
        problems.append(checks.Problem(image_shown, "profile-size",
                                       f"is {size[0]}x{size[1]} but profile {ctx.profile} is "
                                       f"{ctx.size[0]}x{ctx.size[1]}",
                                       f"build again: inv build --project {ctx.project} --profile {ctx.profile} --force"))
    if problems:
        return stem, None, (), (), {}, problems
    positive, difficult, objects = set(), set(), {}
    rewrite = False
    for obj in ann.objects:
        name = ctx.remap.get(obj.name, obj.name)
        if name != obj.name or not (obj.xmin % 1 == obj.ymin % 1 == obj.xmax % 1 == obj.ymax % 1 == 0):
            rewrite = True
        objects[name] = objects.get(name, 0) + 1
        (difficult if obj.difficult else positive).add(name)
    if rewrite:
        ann.objects = [replace(o, name=ctx.remap.get(o.name, o.name)) for o in ann.objects]
        ann.folder = ctx.top
        data = voc.dumps(ann)
    return stem, data, tuple(sorted(positive)), tuple(sorted(difficult - positive)), objects, []


def _inspect_rows(job) -> list:
    """One chunk of pairs, in a worker process (or inline for a small mix)."""
    contexts, rows = job
    return [_inspect(contexts[project], stem, image, xml) for project, stem, image, xml in rows]


class _Inspection:
    """_inspect over every row, results in row order. A large mix checks in `jobs` processes with
    a bounded number of chunks in flight (memory stays flat) while the main process packs what is
    already checked. The workers are started (forked) on creation, before any thread exists."""

    def __init__(self, contexts: dict, rows: list, jobs: int):
        self.contexts = contexts
        self.chunks = iter([rows[i:i + INSPECT_CHUNK] for i in range(0, len(rows), INSPECT_CHUNK)])
        self.pool = None
        self.pending = deque()
        if jobs > 1 and len(rows) > 2 * INSPECT_CHUNK:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork: workers start in milliseconds with the modules already imported (Linux);
            # elsewhere the platform's default start method.
            mp = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
            self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp)
            for _ in range(2 * jobs + 2):
                if not self._submit():
                    break

    def _submit(self) -> bool:
        chunk = next(self.chunks, None)
        if chunk is None:
            return False
        self.pending.append(self.pool.submit(_inspect_rows, (self.contexts, chunk)))
        return True

    def __iter__(self):
        if self.pool is None:
            for chunk in self.chunks:
                yield from _inspect_rows((self.contexts, chunk))
            return
        while self.pending:
            done = self.pending.popleft().result()
            self._submit()
            yield from done

    def close(self) -> None:
        if self.pool is not None:
            for f in self.pending:
                f.cancel()
            self.pool.shutdown(wait=True)
            self.pool = None


BUILD_FINGERPRINT = ".fingerprint.json"   # written by lib/build.py: the hash of everything a build used


def _recipe_hashes(project) -> dict:
    """What the build was made from: the build's own fingerprint (inputs, recipe, size) when it
    wrote one, and sha256 of project.yaml and augment.py."""
    hashes = {"project.yaml": sha256_file(project.yaml_path)}
    augment = project.dir / "augment.py"
    if augment.is_file():
        hashes["augment.py"] = sha256_file(augment)
    try:
        value = json.loads((project.build_dir / BUILD_FINGERPRINT).read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        value = None
    hashes["build_fingerprint"] = value if isinstance(value, str) else None
    return hashes


def _git(root: Path) -> dict:
    def run(*args):
        try:
            proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None
    commit = run("rev-parse", "HEAD")
    status = run("status", "--porcelain") if commit else None
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def _per_class_lines(items: list[Item], cls: str) -> str:
    # VOC's own layout ("%s %2d"): 1 = present, 0 = only difficult objects, -1 = absent.
    out = []
    for it in items:
        flag = 1 if cls in it.positive else 0 if cls in it.difficult else -1
        out.append(f"{it.id} {flag:2d}\n")
    return "".join(out)


def _problems_error(problems: list) -> UserError:
    files = sorted({p.path for p in problems})
    more = (f" (+{len(problems) - 1} more in {', '.join(files[:3])}{', ...' if len(files) > 3 else ''})"
            if len(problems) > 1 else "")
    return UserError(f"the builds have {len(problems)} annotation problem(s), nothing was mixed: "
                     f"{problems[0].line()}{more}; list them all: inv dlimgmgr.check")


def _write_archive(path: Path, name: str, classes: list[str], rows: list, contexts: dict, split_of: dict,
                   jobs: int) -> tuple[str, int, list[Item]]:
    """Pack the dataset into `path`. Annotations are checked as they are packed, so the check
    runs in parallel with the packing; any problem raises before the caller renames the file."""
    items = []
    inspection = _Inspection(contexts, rows, jobs)
    try:
        with open(path, "wb") as raw:
            gz = _MixedDeflate(raw)
            try:
                _pack(gz, name, classes, rows, split_of, inspection, items)
            finally:
                gz.stop()
            if not gz.closed:
                raise RuntimeError("the archive was not finished")  # never rename a truncated file
            raw.flush()
            os.fsync(raw.fileno())
    finally:
        inspection.close()
    return gz.sha256.hexdigest(), gz.written, items


def _pack(gz, name: str, classes: list[str], rows: list, split_of: dict, inspection, items: list) -> None:
    """The members in sorted order: <name>/, Annotations/, ImageSets/Main/, JPEGImages/, labelmap.txt."""
    tar = _TarWriter(gz)
    tar.add_dir(name)
    tar.add_dir(f"{name}/Annotations")
    where = {stem: (project, image) for project, stem, image, _ in rows}
    problems = []
    for stem, data, positive, difficult, objects, found in inspection:
        if found or problems:
            problems += found
            continue
        tar.add_bytes(f"{name}/Annotations/{stem}.xml", data)
        project, image = where[stem]
        items.append(Item(stem, project, image, split_of[stem], frozenset(positive), frozenset(difficult), objects))
    if problems:
        raise _problems_error(problems)
    tar.add_dir(f"{name}/ImageSets")
    tar.add_dir(f"{name}/ImageSets/Main")
    splits = {s: [it for it in items if it.split == s] for s in SPLITS}
    splits["trainval"] = [it for it in items if it.split in ("train", "val")]
    if not splits["test"]:
        del splits["test"]
    files = {}
    for split, members in splits.items():
        files[f"{split}.txt"] = "".join(f"{it.id}\n" for it in members)
        for cls in classes:
            files[f"{cls}_{split}.txt"] = _per_class_lines(members, cls)
    for fname in sorted(files):
        tar.add_bytes(f"{name}/ImageSets/Main/{fname}", files[fname].encode())
    tar.add_dir(f"{name}/JPEGImages")
    for it in items:
        tar.add_file(f"{name}/JPEGImages/{it.id}.jpg", it.image, STORED)
    tar.add_bytes(f"{name}/labelmap.txt", (LABELMAP_HEADER + "".join(f"{c}:::\n" for c in classes)).encode())
    tar.close()


def _write_json(path: Path, data: dict) -> None:
    atomic_write(path, (json.dumps(data, indent=2) + "\n").encode())


def mix(root, name: str, projects=None, train=0.8, val=0.2, test=0.0, seed=0, remap=None, profile=None,
        jobs: int | None = None) -> MixResult:
    """Mix the named projects' builds (all projects when none) into dist/<name>.tar.gz + manifest.

    `projects`: names (list or "a,b"); `remap`: {old: new} or "old=new,..."; `profile`
    (settings.Profile or None) is recorded and, when given, every built image must have its size;
    `jobs`: processes that check annotations while the main one packs (default: all cores).
    Raises UserError for anything the user must fix; a failed mix leaves dist/ as it was.
    """
    started = time.perf_counter()
    root = Path(root)
    check_name(name)
    ratios = check_ratios(train, val, test)
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise UserError(f"--seed must be a whole number (got {seed!r})") from None
    remap = parse_remap(remap)
    names = [n.strip() for n in (projects.split(",") if isinstance(projects, str) else projects or []) if n.strip()]
    if len(set(names)) != len(names):
        raise UserError(f"--projects names a project twice ({','.join(names)})")
    if not names and not projects_lib.list_names(root):
        raise UserError(f"{projects_lib.projects_dir(root)}: no projects; create one with: inv dlimgmgr.new NAME")
    loaded = projects_lib.load_many(root, names)
    classes = sorted({remap.get(c, c) for p in loaded for c in p.classes})
    for cls in classes:
        if not CLASS_RE.fullmatch(cls):
            raise UserError(f"class {cls!r} cannot be a VOC class file name (no spaces, ':' or '/'); "
                            f"rename it with --remap '{cls}=NEW'")

    # 1. What is there, by name only: empty builds, orphans and colliding ids fail before packing.
    problems, rows, owner, split_of = [], [], {}, {}
    for project in loaded:
        pairs = _scan_build(project, root, problems)
        for stem, image, xml in pairs:
            if stem in owner:
                raise UserError(f"id {stem!r} is in both projects/{owner[stem]}/build and "
                                f"projects/{project.name}/build; ids must be unique across projects: "
                                f"rename one project's build files or mix them separately")
            owner[stem] = project.name
            rows.append((project.name, stem, image, xml))
        # 2. The split depends on ids only: each project on its own, deterministic by seed.
        ids = [stem for stem, _, _ in pairs]
        if project.test_only:
            split_of.update((stem, "test") for stem in ids)
            continue
        random.Random(f"{seed}/{project.name}").shuffle(ids)
        start = 0
        for split, n in zip(SPLITS, allocate(len(ids), ratios)):
            split_of.update((stem, split) for stem in ids[start:start + n])
            start += n
    if problems:
        raise _problems_error(problems)
    rows.sort(key=lambda r: r[1])
    contexts = {p.name: _Context(p.name, tuple(p.classes), _shown(p.yaml_path, root), remap, name,
                                 tuple(profile.size) if profile is not None else None,
                                 profile.name if profile is not None else None) for p in loaded}

    # 3. Check and pack in one pass, into a temp file in dist/, then rename into place.
    dist = root / "dist"
    dist.mkdir(exist_ok=True)
    archive = dist / f"{name}.tar.gz"
    manifest_path = dist / f"{name}.manifest.json"
    tmp = dist / f".{name}.tar.gz.tmp-{os.getpid()}"
    jobs = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    try:
        sha256, size, items = _write_archive(tmp, name, classes, rows, contexts, split_of, jobs)
        os.replace(tmp, archive)
    finally:
        tmp.unlink(missing_ok=True)

    from .. import __version__
    counts = _counts(items, classes, loaded)
    manifest = {
        "name": name,
        "archive": archive.name,
        "sha256": sha256,
        "bytes": size,
        "classes": classes,
        "counts": counts,
        "split": {"train": ratios[0], "val": ratios[1], "test": ratios[2], "seed": seed},
        "remap": dict(sorted(remap.items())),
        "provenance": {
            "git": _git(root),
            "projects": {p.name: {"seed": p.seed, "count": p.count, "test_only": p.test_only,
                                  "classes": p.classes, "recipe": _recipe_hashes(p)} for p in loaded},
            "profile": ({"name": profile.name, "size": [profile.width, profile.height]}
                        if profile is not None else None),
            "tool": f"dlimgmgr {__version__}",
        },
    }
    _write_json(manifest_path, manifest)
    used = {c for p in loaded for c in p.classes}
    return MixResult(name, archive, manifest_path, sha256, size, classes, counts,
                     time.perf_counter() - started,
                     [f"{old}={new}" for old, new in sorted(remap.items()) if old not in used])


def _counts(items: list[Item], classes: list[str], loaded) -> dict:
    """Images per split, objects per class and split, images per project and split."""
    split_names = [s for s in SPLITS if s != "test" or any(it.split == "test" for it in items)]
    images = {s: 0 for s in split_names}
    objects = {c: {s: 0 for s in split_names} for c in classes}
    per_project = {p.name: {s: 0 for s in split_names} for p in loaded}
    for it in items:
        images[it.split] += 1
        per_project[it.project][it.split] += 1
        for cls, n in it.objects.items():
            objects[cls][it.split] += n
    return {"total_images": len(items), "images": images, "objects": objects, "projects": per_project}
