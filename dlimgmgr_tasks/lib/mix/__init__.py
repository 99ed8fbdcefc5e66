"""Mix: several projects' builds into one dataset, packed as a deterministic tar.gz + manifest.

`mix(ws, name, projects, train, val, test, seed, remap)` scans every `projects/P/build/` with the
pair scanner (lib/pairs), splits each project on its own by the ratio in whole master carriers
(seeded, carriers.py and split.py: all images of one carrier in one split), checks
each pair with the one annotation check while packing (inspect.py), writes the items as archive
members of each output format (voc_layout.py) into `dist/<name>.tar.gz` (archive.py), then
`dist/<name>.manifest.json` (manifest.py). The library takes data: the task layer parses flags.

Formats: VOC (voc_layout.py) and, beside it in the same archive, YOLO and COCO (other_formats.py
over lib/formats), all written from one `Dataset` (items.py).
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from .. import checks, files, pairs, text, voc
from ..errors import UserError
from . import manifest as manifest_lib
from . import carriers, other_formats, split, voc_layout
from .archive import write_tar_gz
from .inspect import Context, Inspection, Row, problems_error
from .items import Dataset, Item, Items

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
JPEG_EXTS = (".jpg", ".jpeg")
FORMATS = ("voc", "yolo", "coco")

__all__ = ["FORMATS", "Dataset", "Item", "MixResult", "check_name", "check_remap", "mix"]


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
    negatives_left_out: int = 0
    ratios: tuple = ()
    split_lines: list = field(default_factory=list)   # carriers and images per split, per project; warnings

    def summary(self) -> str:
        splits = ", ".join(f"{s} {n}" for s, n in self.counts["images"].items() if n)
        lines = [f"mixed {self.name}: {self.counts['total_images']} images ({splits}), "
                 f"classes {', '.join(self.classes)}",
                 f"wrote {self.archive} ({self.bytes / 1e6:.1f} MB, sha256 {self.sha256[:12]}...) "
                 f"and {self.manifest.name} in {self.seconds:.1f} s"]
        lines[1:1] = [f"  {line}" if not line.startswith("warning") else line for line in self.split_lines]
        if self.negatives_left_out:
            lines.append(f"left out {self.negatives_left_out} image(s) with no object (the ssd.pytorch family "
                         f"cannot train on them); --negatives keeps them")
        lines += split.empty_split_warnings(self.ratios, self.counts["images"])
        for pair in self.unused_remaps:
            lines.append(f"note: remap {pair} matched no class of the mixed projects")
        return "\n".join(lines)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise UserError(f"dataset name {name!r} is not allowed; use letters, digits, '.', '_' and '-' "
                        f"(it becomes dist/<name>.tar.gz and the archive's top folder)")
    return name


def check_remap(remap) -> dict:
    """{old: new} with every new name usable as a VOC class (a file name and a labelmap field)."""
    remap = {str(k): str(v) for k, v in (remap or {}).items()}
    for old, new in remap.items():
        why = voc.class_problem(new) or (None if voc.CLASS_RE.fullmatch(new) else
                                         f"{new!r} is not a usable class name (no spaces, ':' or '/')")
        if why:
            raise UserError(f"remap {old}={new}: {why}")
    return remap


def _pairs_of(project, root: Path, problems: list) -> list[pairs.Pair]:
    """A project's build pairs that can be mixed, sorted by id; what cannot be becomes problems."""
    found = pairs.scan(project.build_dir)
    shown = text.shown(project.build_dir, root)
    if not found.images:
        raise UserError(f"project {project.name!r} has no build ({shown}/ has no images); "
                        f"run: inv build --project {project.name}")
    rules = checks.project_rules(project, root, build=True)
    problems += checks.shared_stem_problems(found, shown, rules)
    usable = []
    for pair in found.pairs:
        named = checks.pair_problems(found, pair, shown, rules, None)
        if named:
            problems += named
        elif os.path.splitext(pair.image)[1].lower() not in JPEG_EXTS:
            problems.append(checks.Problem(f"{shown}/{pair.image}", "not-jpeg",
                                           f"is not a JPEG; {voc.JPEG_IMAGES}/ holds JPEG only", rules.rebuild_fix))
        elif not voc.ID_RE.fullmatch(pair.stem):
            problems.append(checks.Problem(f"{shown}/{pair.image}", "bad-id",
                                           "the file name has a space or slash, which ImageSets cannot hold",
                                           rules.rebuild_fix))
        else:
            usable.append(pair)
    return usable


def _rows(ws, loaded: list) -> list[Row]:
    """Every pair to mix, sorted by id. Empty builds, orphans and colliding ids fail here, by name
    only, before anything is packed."""
    problems, rows, owner = [], [], {}
    for project in loaded:
        found = _pairs_of(project, ws.root, problems)
        for pair in found:
            if pair.stem in owner:
                raise UserError(f"id {pair.stem!r} is in both projects/{owner[pair.stem]}/build and "
                                f"projects/{project.name}/build; ids must be unique across projects: "
                                f"rename one project's build files or mix them separately")
            owner[pair.stem] = project.name
        rows += [Row(project.name, p.stem, p.image_path, p.xml_path) for p in found]
    if problems:
        raise problems_error(problems)
    return sorted(rows, key=lambda r: r.id)


def _load(ws, names, remap: dict) -> tuple[list, list[str]]:
    """The projects to mix (named, else the profile's, else all) and the sorted classes after the remap."""
    names = list(names or [])
    if len(set(names)) != len(names):
        raise UserError(f"--projects names a project twice ({','.join(names)})")
    loaded = ws.projects(ws.default_projects(names))
    classes = sorted({remap.get(c, c) for p in loaded for c in p.classes})
    for cls in classes:
        if voc.class_problem(cls):
            raise UserError(f"{voc.class_problem(cls)} (or rename it with --remap)")
        if not voc.CLASS_RE.fullmatch(cls):
            raise UserError(f"class {cls!r} cannot be a VOC class file name (no spaces, ':' or '/'); "
                            f"rename it with --remap '{cls}=NEW'")
    return loaded, classes


def _contexts(ws, loaded: list, remap: dict, name: str) -> dict[str, Context]:
    return {p.name: Context(p.name, checks.project_rules(p, ws.root, build=True),
                            text.shown(p.build_dir, ws.root), remap, name,
                            tuple(ws.profile.size), ws.profile.name) for p in loaded}


def _split_after(items, split):
    """The items as they are checked; once the last is read, `split(all of them)` sets each one's
    split (by carrier, carriers.py): before ImageSets/ or any other format names a split."""
    seen = []
    for item in items:
        seen.append(item)
        yield item
    split(seen)


def _pack(path: Path, dataset_name: str, classes, rows, contexts, jobs: int, formats,
          leave_out, split) -> tuple[str, int, list]:
    """Check and pack in one pass: annotations are checked while the archive is written; any
    problem raises before the caller renames the file into place. The VOC part leaves images
    without objects out when `leave_out(item)` is given (called for each); YOLO and COCO, where
    an image without labels is the norm, keep every image. `split(items)` sets every item's split
    once all are read. Returns the VOC part's items."""
    inspection = Inspection(contexts, rows, jobs)

    def kept(items):
        for item in items:
            if leave_out is not None and item.negative:
                leave_out(item)
            else:
                yield item
    try:
        dataset = Dataset(dataset_name, classes, Items(_split_after(inspection.checked_items(), split)))
        voc_view = Dataset(dataset_name, classes, Items(kept(dataset.items)))
        voc_part = voc_layout.members(voc_view) if "voc" in formats else iter(())
        has_voc = "voc" in formats
        others = other_formats.members(dataset, formats, voc_view.items.seen if has_voc else [],
                                       [voc_layout.labelmap(voc_view)] if has_voc else [])
        sha256, size = write_tar_gz(path, chain(voc_part, others))
    finally:
        inspection.close()
    return sha256, size, voc_view.items.seen if "voc" in formats else dataset.items.seen


def check_formats(formats) -> tuple[str, ...]:
    """The formats asked for, each once (`yolo,yolo` would write every member twice)."""
    formats = tuple(dict.fromkeys(formats or ()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"unknown dataset format {','.join(unknown) or 'none'}; known: {', '.join(FORMATS)}")
    if "coco" in formats and "voc" not in formats:
        # COCO's file_name points into JPEGImages/, which the VOC part carries: alone it would
        # be an archive of JSON with no image.
        raise UserError(f"--format {','.join(formats)}: COCO's file_name points into JPEGImages/, which only "
                        f"the voc format carries; use --format voc,{','.join(formats)}")
    return formats


def _check_inputs(name, train, val, test, seed, remap, formats):
    check_name(name)
    ratios = split.check_ratios(train, val, test)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UserError(f"--seed must be a whole number (got {seed!r})")
    return ratios, check_remap(remap), check_formats(formats)


def mix(ws, name: str, projects=None, train=0.8, val=0.2, test=0.0, seed: int = 0, remap: dict | None = None,
        jobs: int | None = None, formats=("voc",), negatives: bool = False) -> MixResult:
    """Mix the named projects' builds (default: the profile's, else all) into dist/<name>.tar.gz + manifest.

    `ws`: lib.workspace.Workspace (its profile's size is required of every built image);
    `projects`: a list of names; `remap`: {old: new}; `jobs`: processes that check annotations
    while the main one packs (default: all cores); `negatives`: keep images with no object (the
    ssd.pytorch family crashes on them, so they are left out unless asked). Raises UserError for
    anything the user must fix. Archive and manifest are replaced as a pair or not at all; two
    mixes of one name run one after the other.
    """
    started = time.perf_counter()
    ratios, remap, formats = _check_inputs(name, train, val, test, seed, remap, formats)
    loaded, classes = _load(ws, projects, remap)
    rows = _rows(ws, loaded)
    dist = ws.dist_dir
    dist.mkdir(exist_ok=True)
    with files.locked(dist / f".{name}.lock", f"mix of {name!r}"):
        files.remove_stale(dist, f".{name}.tar.gz.tmp-*")
        files.remove_stale(dist, f".{name}.manifest.json.tmp-*")
        return _mix_locked(ws, name, loaded, classes, rows, ratios, seed, remap, jobs, formats, negatives, started)


def _mix_locked(ws, name, loaded, classes, rows, ratios, seed, remap, jobs, formats, negatives, started):
    dist = ws.dist_dir
    archive, manifest_path = dist / f"{name}.tar.gz", dist / f"{name}.manifest.json"
    tmp = dist / f".{name}.tar.gz.tmp-{os.getpid()}"
    tmp_manifest = dist / f".{name}.manifest.json.tmp-{os.getpid()}"
    jobs = jobs if jobs and jobs > 0 else (os.cpu_count() or 1)
    left_out, split = [], []   # split: the one carriers.Grouped, once every item is read
    try:
        sha256, size, items = _pack(tmp, name, classes, rows, _contexts(ws, loaded, remap, name), jobs, formats,
                                    None if negatives else left_out.append,
                                    lambda every: split.append(carriers.group(loaded, every, ratios, seed)))
        grouped = split[0]
        counts = manifest_lib.counts(items, classes, [p.name for p in loaded])
        counts["negatives_left_out"] = len(left_out)
        manifest_lib.write(tmp_manifest, {
            "name": name, "archive": archive.name, "sha256": sha256, "bytes": size, "classes": classes,
            "counts": counts, "split": {"train": ratios[0], "val": ratios[1], "test": ratios[2], "seed": seed,
                                        "by": "carrier", "carriers": grouped.carriers},
            "formats": list(formats), "negatives": bool(negatives),
            "remap": dict(sorted(remap.items())), "provenance": manifest_lib.provenance(ws, loaded)})
        with files.no_interrupt():  # both renames or neither: a manifest always describes its archive
            os.replace(tmp, archive)
            os.replace(tmp_manifest, manifest_path)
    except OSError as exc:
        exc.filename = exc.filename or str(archive)  # a write to the open archive (a full disk) names no file
        raise
    finally:
        tmp.unlink(missing_ok=True)
        tmp_manifest.unlink(missing_ok=True)
    used = {c for p in loaded for c in p.classes}
    return MixResult(name, archive, manifest_path, sha256, size, classes, counts, time.perf_counter() - started,
                     [f"{old}={new}" for old, new in sorted(remap.items()) if old not in used], len(left_out),
                     ratios, grouped.lines)


def plan(ws, name: str, projects=None, train=0.8, val=0.2, test=0.0, seed: int = 0, remap: dict | None = None,
         jobs: int | None = None, formats=("voc",), negatives: bool = False) -> list[str]:
    """`inv --dry mix`: the run's own decision, without writing. The same input checks, the same
    pairs, every annotation checked as the run checks it while packing, the same split by carrier:
    a mix the run would refuse raises the same UserError (so the dry run's first line is the run's)."""
    ratios, remap, formats = _check_inputs(name, train, val, test, seed, remap, formats)
    loaded, classes = _load(ws, projects, remap)
    rows = _rows(ws, loaded)
    inspection = Inspection(_contexts(ws, loaded, remap, name), rows,
                            jobs if jobs and jobs > 0 else (os.cpu_count() or 1))
    try:
        items = list(inspection.checked_items())
    finally:
        inspection.close()
    grouped = carriers.group(loaded, items, ratios, seed)
    per_split, left_out = {s: 0 for s in voc.SPLITS}, 0
    for item in items:
        if item.negative and not negatives and "voc" in formats:
            left_out += 1
        else:
            per_split[item.split] += 1
    splits = ", ".join(f"{s} {n}" for s, n in per_split.items() if n)
    shown = text.shown(ws.dist_dir, ws.root)
    lines = [f"would mix {', '.join(p.name for p in loaded)}: {sum(per_split.values())} images ({splits}), "
             f"classes {', '.join(classes)}, formats {','.join(formats)}",
             f"would write {shown}/{name}.tar.gz and {name}.manifest.json, replacing them as a pair"]
    if left_out:
        lines.append(f"would leave out {left_out} image(s) with no object; --negatives keeps them")
    return lines + grouped.lines + split.empty_split_warnings(ratios, per_split)
