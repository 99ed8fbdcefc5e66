"""What a build will do, decided before any host is contacted: the fingerprint and the work items.

- The fingerprint is a digest of everything that decides the build's bytes (master files,
  project.yaml, augment.py, projects/common, the size, the framework files and the versions of the
  libraries that draw the pixels). It reads files and imports nothing heavy: an unchanged project
  is skipped as fast as `inv --list` starts.
- A work item is (carrier index, output index): output k of carrier c gets its random state from
  (seed, project, c, k) only, so items can go to any worker on any host. A script project yields
  all of a carrier's outputs from one generator, so there the carrier (index -1) is the item.
  Items are never listed: `Items` is a few spans of flat indices that split, join and go on the
  wire in O(carriers), and iterate lazily, so memory does not grow with `count`.
- A build is bounded: carriers x count above dlimgmgr.build.max_images is refused in one line.
"""
from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

# Libraries whose versions change output bytes.
LIBRARIES = ("albumentations", "albucore", "opencv-python-headless", "numpy")
# Framework files whose code decides output bytes (relative to dlimgmgr_tasks/lib).
FRAMEWORK_FILES = ("augment.py", "voc.py", "dataaug/plan.py", "dataaug/sampler.py", "dataaug/staging.py")
# The code of the masters' check (relative to dlimgmgr_tasks/lib): its verdict is stored with the build.
CHECK_FILES = ("checks.py", "images.py", "pairs.py", "projects.py", "voc.py")
_LIB = Path(__file__).resolve().parent.parent
MAX_IMAGES = 1_000_000   # default of invoke.yaml dlimgmgr.build.max_images


@dataclass(frozen=True)
class Items:
    """Work items, lazily: flat indices in spans [a, b); flat index i is item (i // per, i % per),
    or (i, -1) for a script project (per 1: there a carrier is the item)."""
    spans: tuple
    per: int = 1
    script: bool = False

    def __len__(self) -> int:
        return sum(b - a for a, b in self.spans)

    def __iter__(self):
        for a, b in self.spans:
            for i in range(a, b):
                yield (i, -1) if self.script else divmod(i, self.per)

    def split(self, weights: list[int]) -> list["Items"]:
        """Contiguous parts in proportion to the weights (a part may be empty)."""
        total, n = sum(weights), len(self)
        bounds, acc = [0], 0
        for w in weights:
            acc += w
            bounds.append(round(n * acc / total))
        return [self._slice(a, b) for a, b in zip(bounds, bounds[1:])]

    def _slice(self, lo: int, hi: int) -> "Items":
        spans, offset = [], 0
        for a, b in self.spans:
            s, e = max(a, a + lo - offset), min(b, a + hi - offset)
            if s < e:
                spans.append((s, e))
            offset += b - a
        return Items(tuple(spans), self.per, self.script)

    @staticmethod
    def join(parts: list["Items"]) -> "Items":
        first = parts[0]
        return Items(tuple(sp for p in parts for sp in p.spans), first.per, first.script)

    def encode(self) -> str:
        """The wire form (`CI:K0-K1 ...`, as encode_items), one word per carrier a span touches."""
        if self.script:
            return " ".join(f"{i}:-1" for a, b in self.spans for i in range(a, b))
        words = []
        for a, b in self.spans:
            for ci in range(a // self.per, (b - 1) // self.per + 1):
                k0, k1 = max(a, ci * self.per) - ci * self.per, min(b, (ci + 1) * self.per) - 1 - ci * self.per
                words.append(_word([ci, k0, k1]))
        return " ".join(words)


@dataclass(frozen=True)
class Plan:
    """The items of one project's build and how many outputs they make at most."""
    items: Items
    per_item: int     # outputs one item makes (count for a script project's carrier, else 1)

    @property
    def expected(self) -> int:
        return len(self.items) * self.per_item


def lib_versions(libraries: tuple[str, ...] = LIBRARIES) -> str:
    """`name=version,...` of LIBRARIES, read from dist-info folder names (importlib.metadata costs
    ~15 ms here). Equal strings on two hosts mean equal bytes."""
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
                if key in libraries and key not in found:
                    found[key] = version
    return ",".join(f"{lib}={found.get(lib, '?')}" for lib in libraries)


def uses_script(project) -> bool:
    return bool(project.config.get("augment"))


def script_path(project) -> Path:
    name = project.config.get("augment")
    if not isinstance(name, str) or "/" in name or "\\" in name or not name.endswith(".py"):
        raise UserError(f"{project.yaml_path}: 'augment' must name a .py file in the project folder (e.g. augment.py)")
    return project.dir / name


def _hash_file(h, path: Path) -> None:
    data = path.read_bytes()
    h.update(f"{path.name}\0{len(data)}\0".encode())
    h.update(data)


def _common_files(common: Path):
    """projects/common's files that a build can import (templates, caches and checkpoints are not)."""
    if not common.is_dir():
        return
    for path in sorted(common.rglob("*")):
        rel = path.relative_to(common)
        if path.is_file() and rel.parts[0] != "templates" and "__pycache__" not in rel.parts \
                and not path.name.endswith(".pyc") and ".ipynb_checkpoints" not in rel.parts:
            yield rel, path


def fingerprint(project, size: tuple[int, int], carriers) -> str:
    """A digest of everything that decides the build's bytes."""
    from ... import __version__
    h = hashlib.sha256()
    h.update(f"dlimgmgr {__version__}\0{project.name}\0{size[0]}x{size[1]}\0".encode())
    _hash_code(h, project)
    for image, xml in carriers:
        _hash_file(h, image)
        _hash_file(h, xml)
    return h.hexdigest()


def recipe_stamp(project) -> str:
    """A digest of what check_recipe reads (project.yaml, augment.py, projects/common, the framework
    and the library versions): a build that finished with the same stamp needs no second check."""
    h = hashlib.sha256(b"recipe\0")
    _hash_code(h, project)
    return h.hexdigest()


def masters_stamp(project, digest: str, carriers) -> str:
    """A digest of what check_masters reads: the fingerprint `digest` (it holds the labelled
    `carriers`' bytes, project.yaml and the libraries that draw pixels, so they are not read twice),
    the other files of master/ but its hidden ones (as pairs.scan), every file of its sources/,
    the checking code and Pillow's version. A build that finished with the same stamp passed the
    same check on the same bytes, so it need not run again (its first call imports OpenCV and
    numpy, 0.1-0.2 s)."""
    covered = {path for pair in carriers for path in pair}
    h = hashlib.sha256(f"masters\0{digest}\0{lib_versions(('pillow',))}\0".encode())
    for name in CHECK_FILES:
        _hash_file(h, _LIB / name)
    for folder, hidden in ((project.master, False), (project.sources_dir, True)):
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.is_file() and path not in covered and (hidden or not path.name.startswith(".")):
                _hash_file(h, path)
        h.update(b"\0folder\0")
    return h.hexdigest()


def _hash_code(h, project) -> None:
    h.update(lib_versions().replace(",", "\0").encode())
    for name in FRAMEWORK_FILES:
        _hash_file(h, _LIB / name)
    _hash_file(h, project.yaml_path)
    if uses_script(project) and script_path(project).is_file():
        _hash_file(h, script_path(project))
    for rel, path in _common_files(project.workspace.common_dir):
        h.update(str(rel).encode() + b"\0")
        _hash_file(h, path)


def plan(project, n_carriers: int) -> Plan:
    """The work items (carrier, output index) of a project with n_carriers labelled carriers."""
    if project.count > 0 and uses_script(project):
        return Plan(Items(((0, n_carriers),), 1, script=True), project.count)
    per = max(project.count, 1)
    return Plan(Items(((0, n_carriers * per),), per), 1)


def max_images(ws) -> int:
    """invoke.yaml dlimgmgr.build.max_images (default MAX_IMAGES)."""
    value = (ws.settings.get("build") or {}).get("max_images", MAX_IMAGES)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UserError(f"invoke.yaml: dlimgmgr.build.max_images must be a whole number >= 1 (got {value!r})")
    return value


def check_bounds(project, n_carriers: int) -> None:
    """Refuse, in one line, a build of more images than dlimgmgr.build.max_images allows."""
    limit = max_images(project.workspace)
    total = max(project.count, 1) * n_carriers
    if project.count > limit or total > limit:
        raise UserError(f"{project.yaml_path}: count {project.count} x {n_carriers} carrier(s) = {total:,} images, "
                        f"above the limit of {limit:,}; lower count, or raise dlimgmgr.build.max_images "
                        f"in invoke.yaml if this machine has the disk for it")


def check_masters(project) -> None:
    """Fail in one line, before any worker or host starts, on a master that check refuses (the
    engine skips it when masters_stamp is the last finished build's)."""
    from .. import checks
    checks.refuse_bad_masters(project)  # the very check `inv dlimgmgr.check` runs on masters


def check_recipe(project) -> None:
    """Fail in one line on a bad recipe or augment.py: every step is built once here. It imports
    albumentations (most of a second of CPU), so the engine runs it beside the hosts' start-up,
    and only when the recipe_stamp differs from the last finished build's."""
    from ..augment import RecipeRunner, load_script, parse_recipe
    recipe = parse_recipe(project.config.get("recipe"), str(project.yaml_path))
    if project.count > 0:
        if uses_script(project):
            load_script(script_path(project))
        else:
            RecipeRunner(recipe).check()


# ----------------------------------------------------------------------------- items on the wire

def encode_items(items) -> str:
    """[(ci, k), ...] as compact space-separated `CI:K0-K1` runs."""
    words, run = [], None
    for ci, k in items:
        if run and run[0] == ci and run[2] + 1 == k and k >= 0:
            run[2] = k
            continue
        if run:
            words.append(_word(run))
        run = [ci, k, k]
    if run:
        words.append(_word(run))
    return " ".join(words)


def _word(run) -> str:
    return f"{run[0]}:{run[1]}" if run[1] == run[2] else f"{run[0]}:{run[1]}-{run[2]}"


def _runs(text: str):
    """(ci, first k, last k) per word of the wire form."""
    for w in text.split():
        ci, _, ks = w.partition(":")
        if ks.startswith("-") or "-" not in ks:
            yield int(ci), int(ks), int(ks)
        else:
            lo, hi = ks.split("-")
            yield int(ci), int(lo), int(hi)


def iter_items(text: str):
    """The items of the wire form, one at a time."""
    for ci, lo, hi in _runs(text):
        yield from ((ci, k) for k in range(lo, hi + 1))


def count_items(text: str) -> int:
    return sum(hi - lo + 1 for _, lo, hi in _runs(text))


def decode_items(text: str) -> list[tuple[int, int]]:
    return list(iter_items(text))


def split(items: list, weights: list[int]) -> list[list]:
    """Contiguous slices in proportion to the weights (a slice may be empty)."""
    total = sum(weights)
    bounds, acc = [0], 0
    for w in weights:
        acc += w
        bounds.append(round(len(items) * acc / total))
    return [items[a:b] for a, b in zip(bounds, bounds[1:])]
