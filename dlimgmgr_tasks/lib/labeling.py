"""The labeling round trip: push carriers with their pre-labels, pull VOC labels back safely, status.

``push(project, where, home)`` sends the master carriers (image + XML) to the imglabeling role's
``home/projects/NAME/master/``, only what differs from what is there, plus a LabelImg
``predefined_classes.txt``, so ``labelImg DIR DIR/predefined_classes.txt`` shows every carrier
with its box. ``pull(project, where, home)`` fetches the changed remote XMLs in one stream,
validates each against the master image with the rules of ``inv dlimgmgr.check``, takes every
valid one normalised to our VOC writing, and refuses (and names) the rest, leaving their master
byte-identical. ``status(projects)`` counts per project. ``unchecked(project)`` lists carriers
nobody has looked at (for the build's warning).

`where` is None (``host: local``; ``home`` is a local folder) or an opened connection
(lib.connections); both go through lib.transfer (a tar stream over SSH, file copies locally)
and the same shell listing command, so local and SSH share one code path.

The push record ``master/.labeling.json`` (tracked, beside compose's ``.prelabels.json``) maps
each carrier stem to what was last in sync::

    {"close_c000": {"image": SHA, "xml": SHA,              # master files as last pushed/pulled
                    "remote": {"close_c000.xml": SHA},     # labeling-side XMLs as last seen
                    "checked": SHA,                        # image sha a person saved labels for
                    "conflict": true}}                     # STEM.remote.xml waits to be merged

It is tracked rather than git-ignored because "checked by a person" is a fact about the labels:
every clone's `status` and build warning must see it, as they see ``.prelabels.json``.

A remote XML is "changed" when its sha differs from the one last seen; a master XML is
"changed" when its sha differs from "xml". Pull takes a remote change unless the master changed
too (a conflict: the remote version is written beside it as ``STEM.remote.xml``, neither is
overwritten, until a person merges it into ``STEM.xml`` and deletes the ``.remote.xml``). Push
never overwrites a remote change that was not pulled.
"""
from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import checks, voc
from .hosts.connection import label
from .errors import UserError
from .files import atomic_write
from .hashing import sha256_bytes, sha256_file
from .projects import Project

RECORD = ".labeling.json"
REMOTE_SUFFIX = ".remote.xml"
CLASSES_FILE = "predefined_classes.txt"  # LabelImg's class list: `labelImg DIR DIR/predefined_classes.txt`
# Label Studio prefixes uploaded file names with 8 hex digits: "1a2b3c4d-close_c000.xml".
LABEL_STUDIO = re.compile(r"[0-9a-f]{8}-(.+)")
MISSING = "<missing>"
# One listing command for both sides: sha256 of every image/XML under the folder (exports may sit
# in Annotations/), dot files and folders skipped. `shasum` where coreutils is absent (macOS).
_LIST = ("d=@DIR@; if [ ! -d \"$d\" ]; then echo '" + MISSING + "'; exit 0; fi; cd \"$d\"; "
         "if command -v sha256sum >/dev/null 2>&1; then s=sha256sum; else s='shasum -a 256'; fi; "
         "find . -mindepth 1 -maxdepth 3 -name '.*' -prune -o -type f \\( -iname '*.xml' -o -iname '*.jpg' "
         "-o -iname '*.jpeg' -o -iname '*.png' -o -name " + CLASSES_FILE + " \\) -exec $s {} +")


def _file_sha(path: Path) -> str | None:
    """sha256 of a file, None when it is not there."""
    try:
        return sha256_file(path)
    except FileNotFoundError:
        return None


@contextmanager
def labeling_side(hosts):
    """(where, target_home) of the imglabeling role from a loaded hosts file; closes the connection."""
    from .hosts.connection import where as open_where

    host = hosts.one("imglabeling")
    where = open_where(host, hosts.known_hosts)
    try:
        yield where, host.target_home
    finally:
        if where is not None:
            where.close()


def remote_master(home: str, name: str) -> str:
    """The project's master folder on the labeling side (posix; a relative home is the login dir)."""
    return posixpath.join(str(home).rstrip("/") or "/", "projects", name, "master")


# ---------------------------------------------------------------- records

def record_path(project: Project) -> Path:
    return project.master / RECORD


def read_record(project: Project) -> dict[str, dict]:
    path = record_path(project)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise UserError(f"{path}: not a valid push record; restore it from git, or delete it (the next push "
                        f"then sends every carrier whose copy on the labeling side differs)")
    return data


def write_record(project: Project, record: dict[str, dict]) -> None:
    data = (json.dumps(dict(sorted(record.items())), indent=1, sort_keys=True) + "\n").encode()
    path = record_path(project)
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)


def _prelabels(project: Project) -> dict[str, str]:
    from .compose import read_prelabels
    try:
        return read_prelabels(project)
    except UserError:   # a damaged record: `inv dataaug.compose` reports it; status counts nothing as pre-label
        return {}


# ---------------------------------------------------------------- the labeling side

def remote_listing(where, folder: str) -> dict[str, str] | None:
    """{relative path: sha256} of the images/XMLs under `folder` there; None when it does not exist."""
    from .hosts.streams import qpath, run_remote

    out = run_remote(where, _LIST.replace("@DIR@", qpath(folder)), what=f"listing {folder}")
    if out.strip() == MISSING:
        return None
    listing = {}
    for line in out.splitlines():
        if line.startswith("\\") or len(line) < 67:   # an escaped (odd) file name: not ours
            continue
        digest, name = line[:64], line[66:]
        listing[name[2:] if name.startswith("./") else name] = digest
    return listing


def _stem_of(path: str, stems) -> str | None:
    """The carrier stem a labeling-side XML belongs to: its own stem, or a Label Studio prefixed one."""
    base = posixpath.basename(path)
    if not base.lower().endswith(".xml") or base.endswith(REMOTE_SUFFIX):
        return None
    base = base[:-4]
    if base in stems:
        return base
    m = LABEL_STUDIO.fullmatch(base)
    return m.group(1) if m and m.group(1) in stems else None


def _candidates(listing: dict[str, str], stems) -> tuple[dict[str, list[str]], list[str]]:
    """XML paths there by carrier stem (top-level first), and the XML paths matching no carrier."""
    by_stem: dict[str, list[str]] = {}
    ignored = []
    for path in sorted(listing, key=lambda p: (p.count("/"), p)):
        if not path.lower().endswith(".xml") or path.endswith(REMOTE_SUFFIX):
            continue
        stem = _stem_of(path, stems)
        if stem is None:
            ignored.append(path)
        else:
            by_stem.setdefault(stem, []).append(path)
    return by_stem, ignored


def classes_text(project: Project) -> bytes:
    return "".join(f"{c}\n" for c in project.classes).encode()


# ---------------------------------------------------------------- push

@dataclass
class PushResult:
    project: str
    target: str
    sent: list[str] = field(default_factory=list)
    in_sync: int = 0
    classes_sent: bool = False
    held: list[tuple[str, str]] = field(default_factory=list)   # (stem, why)

    def lines(self) -> list[str]:
        out = []
        if self.sent:
            images = sum(1 for n in self.sent if not n.endswith((".xml", ".txt")))
            xmls = sum(1 for n in self.sent if n.endswith(".xml"))
            out.append(f"{self.project}: sent {images} image(s) and {xmls} annotation(s) to {self.target} "
                       f"({self.in_sync} carrier(s) already there)")
        elif self.classes_sent:
            out.append(f"{self.project}: sent the class list ({CLASSES_FILE}) to {self.target}; carriers up to date")
        else:
            out.append(f"{self.project}: nothing changed since the last push; {self.target} is up to date")
        for stem, why in self.held:
            out.append(f"warning: {self.project}: {stem} not sent: {why}")
        return out


def push(project: Project, where, home: str) -> PushResult:
    """Send carriers + XML that differ from the labeling side's copy; never overwrite a remote change."""
    folder = remote_master(home, project.name)
    result = PushResult(project.name, _place(where, folder))
    images = project.carrier_images()
    if not images:
        raise UserError(f"{project.master}: no carrier images to send; make them with: "
                        f"inv dataaug.compose {project.name}")
    record = read_record(project)
    listing = remote_listing(where, folder) or {}
    stems = {p.stem for p in images}
    cands, _ = _candidates(listing, stems)
    send: list[str] = []
    new_record = {}
    for image in images:
        stem = image.stem
        entry = dict(record.get(stem, {}))
        xml = image.with_suffix(".xml")
        img_sha, xml_sha = _file_sha(image), _file_sha(xml)
        there = {p: listing[p] for p in cands.get(stem, [])}
        seen = entry.get("remote", {})
        if entry.get("conflict") and (project.master / f"{stem}{REMOTE_SUFFIX}").exists():
            result.held.append((stem, f"conflict not resolved: merge {stem}{REMOTE_SUFFIX} into {stem}.xml, "
                                      f"delete {stem}{REMOTE_SUFFIX}, then push again"))
            new_record[stem] = entry
            continue
        # A labeling-side XML we have not seen (and that differs from ours) is a person's work.
        if any(seen.get(p) != s and s != xml_sha for p, s in there.items()):
            result.held.append((stem, f"its XML changed on the labeling side since the last push; "
                                      f"take it first: inv imglabeling.pull {project.name}"))
            new_record[stem] = entry
            continue
        files = []
        if listing.get(image.name) != img_sha:
            files.append(image.name)
        top = there.get(xml.name)
        # A pulled XML stays as the person saved it there (same boxes); only a master change goes out,
        # or one that came from an export in a subfolder (LabelImg reads the file beside the image).
        synced = (entry.get("xml") == xml_sha and xml.name in seen and seen[xml.name] == top
                  and not entry.get("push"))
        if xml_sha is not None and top != xml_sha and not synced:
            files.append(xml.name)
        send += files
        if not files:
            result.in_sync += 1
        if xml.name in files:
            there[xml.name] = xml_sha
        entry.update(image=img_sha, xml=xml_sha, remote=there)
        entry.pop("conflict", None)
        entry.pop("push", None)
        new_record[stem] = entry
    classes = classes_text(project)
    classes = None if listing.get(CLASSES_FILE) == sha256_bytes(classes) else classes
    if send or classes is not None:
        _send(project, where, folder, send, classes)
    result.sent, result.classes_sent = send, classes is not None
    write_record(project, new_record)
    return result


def _send(project: Project, where, folder: str, names: list[str], classes: bytes | None) -> None:
    """One transfer of the named master files + the class list (staged by hard links: no copy)."""
    from .hosts.streams import push_tree

    stage = Path(tempfile.mkdtemp(prefix="dlimgmgr-push."))
    try:
        for name in names:
            try:
                os.link(project.master / name, stage / name)
            except OSError:   # another file system
                shutil.copy2(project.master / name, stage / name)
        if classes is not None:
            (stage / CLASSES_FILE).write_bytes(classes)
        push_tree(where, stage, folder)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


# ---------------------------------------------------------------- what changed in a file

def _box(o: voc.VocObject) -> tuple:
    return (int(o.xmin), int(o.ymin), int(o.xmax), int(o.ymax))


def _iou(a: tuple, b: tuple) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0]) + 1
    h = min(a[3], b[3]) - max(a[1], b[1]) + 1
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (_area(a) + _area(b) - inter)


def _area(r: tuple) -> int:
    return (r[2] - r[0] + 1) * (r[3] - r[1] + 1)   # VOC boxes are inclusive


def _fmt(o: voc.VocObject) -> str:
    x0, y0, x1, y1 = _box(o)
    return f"{o.name} {x0},{y0}-{x1},{y1}"


def describe_changes(old: list[voc.VocObject], new: list[voc.VocObject]) -> dict[str, list[str]]:
    """Boxes added, moved, removed, renamed (and other fields changed) between two object lists."""
    old, new = list(old), list(new)
    out: dict[str, list[str]] = {"added": [], "moved": [], "removed": [], "renamed": [], "edited": []}

    def pair(test, score):
        pairs = sorted(((score(a, b), i, j) for i, a in enumerate(old) for j, b in enumerate(new) if test(a, b)),
                       key=lambda t: -t[0])
        used_i, used_j, got = set(), set(), []
        for _, i, j in pairs:
            if i not in used_i and j not in used_j:
                used_i.add(i)
                used_j.add(j)
                got.append((old[i], new[j]))
        for i in sorted(used_i, reverse=True):
            del old[i]
        for j in sorted(used_j, reverse=True):
            del new[j]
        return got

    same_box = lambda a, b: _box(a) == _box(b)  # noqa: E731
    for a, b in pair(lambda a, b: a.name == b.name and same_box(a, b), lambda a, b: 1.0):
        if (a.pose, a.truncated, a.difficult) != (b.pose, b.truncated, b.difficult):
            out["edited"].append(f"{_fmt(b)} (pose/truncated/difficult)")
    for a, b in pair(lambda a, b: a.name == b.name and _iou(_box(a), _box(b)) > 0, lambda a, b: _iou(_box(a), _box(b))):
        out["moved"].append(f"{_fmt(a)} -> {_fmt(b).split(' ', 1)[1]}")
    for a, b in pair(lambda a, b: a.name != b.name and _iou(_box(a), _box(b)) >= 0.5,
                     lambda a, b: _iou(_box(a), _box(b))):
        out["renamed"].append(f"{a.name} -> {b.name} at {_fmt(b).split(' ', 1)[1]}"
                              + ("" if same_box(a, b) else f" (was {_fmt(a).split(' ', 1)[1]})"))
    for a, b in pair(lambda a, b: a.name == b.name, lambda a, b: -abs(a.xmin - b.xmin) - abs(a.ymin - b.ymin)):
        out["moved"].append(f"{_fmt(a)} -> {_fmt(b).split(' ', 1)[1]}")
    out["added"] = [_fmt(b) for b in new]
    out["removed"] = [_fmt(a) for a in old]
    return out


def changes_text(changes: dict[str, list[str]]) -> str:
    parts = [f"{len(v)} {k} ({'; '.join(v)})" for k, v in changes.items() if v]
    return ", ".join(parts) if parts else "no box changes"


# ---------------------------------------------------------------- pull

def normalise(data: bytes, image: Path) -> voc.Annotation:
    """A valid labeling-side annotation as we write it: our filename/folder, the image's real size,
    integer 1-based coordinates inside the image, every field."""
    from PIL import Image

    ann = voc.parse(data)
    with Image.open(image) as im:
        (width, height), bands = im.size, len(im.getbands())
    objects = [o.as_ints(width, height) for o in ann.objects]
    return voc.Annotation(filename=image.name, width=width, height=height, depth=1 if bands == 1 else 3,
                          objects=objects, folder="master")


@dataclass
class PullResult:
    project: str
    source: str
    taken: list[str] = field(default_factory=list)          # "STEM.xml: what changed"
    confirmed: list[str] = field(default_factory=list)      # saved by a person, boxes as they were
    refused: list[str] = field(default_factory=list)        # problem lines, naming the file
    refused_files: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)        # XMLs there that match no carrier

    @property
    def ok(self) -> bool:
        return not self.refused and not self.conflicts

    @property
    def changed(self) -> bool:
        return bool(self.taken or self.confirmed or self.refused or self.conflicts)

    def lines(self) -> list[str]:
        out = [f"{self.project}: {line}" for line in self.taken]
        out += [f"{self.project}: {line}" for line in self.confirmed]
        out += [f"{self.project}: conflict: {line}" for line in self.conflicts]
        out += [f"{self.project}: refused: {line}" for line in self.refused]
        if self.ignored:
            shown = ", ".join(self.ignored[:5]) + (f" and {len(self.ignored) - 5} more" if len(self.ignored) > 5 else "")
            out.append(f"{self.project}: ignored {len(self.ignored)} XML(s) there that match no carrier: {shown}")
        if not self.changed:
            out.append(f"{self.project}: no changes on the labeling side ({self.source}); nothing taken")
        else:
            out.append(f"{self.project}: {len(self.taken)} taken, {len(self.confirmed)} confirmed unchanged, "
                       f"{len(self.conflicts)} conflict(s), {len(self.refused_files)} refused")
        return out


def pull(project: Project, where, home: str) -> PullResult:
    """Take every valid changed labeling-side XML into master; refuse broken ones; keep conflicts beside."""
    from .hosts.streams import pull_tree

    folder = remote_master(home, project.name)
    result = PullResult(project.name, _place(where, folder))
    listing = remote_listing(where, folder)
    if listing is None:
        raise UserError(f"{result.source}: not found; nothing was pushed there yet; send the carriers first: "
                        f"inv imglabeling.push {project.name}")
    images = {p.stem: p for p in project.carrier_images()}
    record = read_record(project)
    cands, result.ignored = _candidates(listing, images)
    wanted: dict[str, list[str]] = {}
    for stem, paths in cands.items():
        seen = record.get(stem, {}).get("remote", {})
        changed = [p for p in paths if listing[p] != seen.get(p)]
        if changed:
            wanted[stem] = changed
    new_record = {k: dict(v) for k, v in record.items()}
    fetched: dict[str, bytes] = {}
    if wanted:
        with tempfile.TemporaryDirectory(prefix="dlimgmgr-pull.") as tmp:
            dest = Path(tmp) / "in"
            pull_tree(where, folder, dest, paths=sorted(p for ps in wanted.values() for p in ps))  # one stream
            for paths in wanted.values():
                for p in paths:
                    fetched[p] = (dest / p).read_bytes()
    for stem in sorted(images):
        entry = new_record.setdefault(stem, {})
        remote_copy = project.master / f"{stem}{REMOTE_SUFFIX}"
        if stem not in wanted:
            if entry.get("conflict"):
                if remote_copy.exists():
                    result.conflicts.append(f"{stem}.xml still waits: merge {remote_copy.name} into {stem}.xml, "
                                            f"delete {remote_copy.name}, then push")
                else:
                    entry.pop("conflict")   # resolved by the person; the next push sends the master
            continue
        _take(project, stem, images[stem], cands[stem], wanted[stem], fetched, listing, entry, result,
              lambda p: _place(where, posixpath.join(folder, p)))
    if result.changed or new_record != record:
        write_record(project, {k: v for k, v in new_record.items() if v})
    return result


def _place(where, path: str) -> str:
    """How a message names a file on the labeling side: a plain path here, `role ... host ...:path` there."""
    return path if where is None else f"{label(where)}:{path}"


def _take(project, stem, image, all_paths, paths, fetched, listing, entry, result, shown) -> None:
    """One carrier whose labeling-side XML changed: refuse, confirm, keep beside (conflict) or take."""
    xml = image.with_suffix(".xml")
    remote_copy = project.master / f"{stem}{REMOTE_SUFFIX}"
    if len({sha256_bytes(fetched[p]) for p in paths}) > 1:
        result.refused.append(f"{shown(paths[0])}: {len(paths)} different changed annotations for {stem} "
                              f"({', '.join(paths)}); delete all but one there and pull again")
        result.refused_files.append(xml.name)
        return
    path = paths[-1]   # an export in a subfolder (Annotations/) over the LabelImg file beside the image
    data = fetched[path]
    problems = checks.check_xml_bytes(data, image, project.classes, xml_name=shown(path))
    if problems:
        result.refused += [p.line() for p in problems]   # the master stays byte-identical
        result.refused_files.append(xml.name)
        return
    new = normalise(data, image)
    new_bytes = voc.dumps(new)
    local = xml.read_bytes() if xml.is_file() else None
    seen = {p: listing[p] for p in all_paths}
    seen.update({p: sha256_bytes(fetched[p]) for p in paths})
    if new_bytes == local:
        result.confirmed.append(f"{xml.name}: saved by a person with the boxes as they were (from {path})")
    elif local is not None and sha256_bytes(local) != entry.get("xml"):
        atomic_write(remote_copy, new_bytes)
        result.conflicts.append(f"{xml.name} changed here since the push and {path} changed there; neither "
                                f"overwritten; the labeling side's version is in {remote_copy.name}: merge it "
                                f"into {xml.name}, delete {remote_copy.name}, then push")
        entry.update(remote=seen, conflict=True)
        return
    else:
        try:
            old = voc.parse(local).objects if local is not None else []
        except voc.VocError:
            old = []
        atomic_write(xml, new_bytes)
        result.taken.append(f"{xml.name}: {changes_text(describe_changes(old, new.objects))} (from {path})")
    entry.pop("conflict", None)
    entry.update(image=entry.get("image") or _file_sha(image), xml=sha256_bytes(new_bytes), remote=seen,
                 checked=_file_sha(image))
    if path != xml.name and seen.get(xml.name) != entry["xml"]:
        entry["push"] = True   # taken from an export: the next push puts it beside the image for LabelImg


# ---------------------------------------------------------------- status

@dataclass
class Status:
    project: str
    carriers: int = 0
    prelabelled: int = 0      # XML still exactly as compose wrote it, and no person saved it
    checked: int = 0          # a person wrote or saved the XML (for this image)
    unlabelled: int = 0       # no XML at all
    changed: int = 0          # image or XML differs from what was last pushed (or never pushed)
    pushed: bool = False
    conflicts: list[str] = field(default_factory=list)

    def row(self) -> list[str]:
        changed = f"{self.changed}" + ("" if self.pushed else " (never pushed)")
        return [self.project, str(self.carriers), str(self.prelabelled), str(self.checked), str(self.unlabelled),
                changed, str(len(self.conflicts))]


HEADER = ["project", "carriers", "pre-labelled", "checked", "unlabelled", "changed-since-push", "conflicts"]


def _unchecked(project: Project, record: dict, prelabels: dict) -> tuple[list[str], Status]:
    st = Status(project.name, pushed=bool(record))
    stale = []
    for image in project.carrier_images():
        st.carriers += 1
        stem = image.stem
        entry = record.get(stem, {})
        xml = image.with_suffix(".xml")
        img_sha, xml_sha = _file_sha(image), _file_sha(xml)
        if xml_sha is None:
            st.unlabelled += 1
        elif prelabels.get(stem) == xml_sha and entry.get("checked") != img_sha:
            st.prelabelled += 1
            stale.append(xml.name)
        else:
            st.checked += 1
        if entry.get("image") != img_sha or entry.get("xml") != xml_sha:
            st.changed += 1
        if entry.get("conflict") and (project.master / f"{stem}{REMOTE_SUFFIX}").exists():
            st.conflicts.append(stem)
    return stale, st


def status(projects) -> list[Status]:
    """Per project: carriers, pre-labelled only, checked by a person, changed since push, conflicts."""
    return [_unchecked(p, read_record(p), _prelabels(p))[1] for p in projects]


def unchecked(project: Project) -> list[str]:
    """XML names of carriers still carrying the untouched pre-label that no person has saved.

    For the build's warning; unlike comparing with .prelabels.json alone it counts a pre-label a
    person confirmed in LabelImg (saved unchanged, then pulled) as checked."""
    try:
        record = read_record(project)
    except UserError:
        record = {}
    return _unchecked(project, record, _prelabels(project))[0]
