"""The grouped split of a mix: which master carrier each built image came from, and where each
carrier goes (the policy is split.py's).

Every built XML names its carrier in `<source><image>` (the build writes it). Carriers whose
images share bytes are one group; bytes that one project placed pin the carriers of a later
project holding the same bytes (test-only projects first, then by name), so identical bytes never
sit in two splits (content is compared by size and crc32, then sha256 where those meet). An image
that names no carrier (a build from before, a hand-made one) is a group of its own, with a warning.
"""
from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .. import voc
from ..hashing import sha256_file
from . import split as policy


@dataclass
class Grouped:
    split_of: dict = field(default_factory=dict)   # image id -> split
    carriers: dict = field(default_factory=dict)   # project -> {split: [carrier, ...]}
    lines: list = field(default_factory=list)      # shares per project, then warnings


def _identity(pair) -> tuple[str, tuple]:
    """(carrier, (size, crc32) of the image) of one built pair. crc32 runs at twice sha256's speed
    here; only images whose size and crc32 meet another's are hashed with sha256 (`_exact`).
    File reads, zlib and hashlib release the GIL, so a thread pool uses every core."""
    with open(pair.xml_path, "rb") as f:
        data = f.read()
    try:
        carrier = voc.source_image(data)
    except voc.VocError:
        carrier = ""   # the check while packing names the broken file and refuses the mix
    with open(pair.image_path, "rb") as f:
        image = f.read()
    return carrier, (len(image), zlib.crc32(image))


def _exact(pairs: list, quick: list, pool) -> list:
    """Each image's content key: its sha256 where its (size, crc32) is another's, else that pair."""
    seen = {}
    for key in quick:
        seen[key] = seen.get(key, 0) + 1
    clash = [i for i, key in enumerate(quick) if seen[key] > 1]
    keys = list(quick)
    for i, digest in zip(clash, pool.map(lambda i: sha256_file(pairs[i].image_path), clash)):
        keys[i] = digest
    return keys


def _groups(names: dict, digests: dict) -> list[tuple]:
    """Carriers joined when their images share bytes: sorted tuples, sorted."""
    parent = {c: c for c in set(names.values())}

    def root(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c
    first = {}
    for stem, carrier in names.items():
        other = first.setdefault(digests[stem], carrier)
        a, b = root(carrier), root(other)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members = {}
    for c in parent:
        members.setdefault(root(c), []).append(c)
    return sorted(tuple(sorted(m)) for m in members.values())


def _one_project(out: Grouped, project, found: list, ratios, seed: int, placed: dict, identities) -> None:
    names, digests, unnamed = {}, {}, 0
    for pair, (carrier, digest) in zip(found, identities):
        if not carrier:
            unnamed += 1
            carrier = f"?{pair.stem}"   # its own group; '?' is no file name a carrier has
        names[pair.stem], digests[pair.stem] = carrier, digest
    groups = _groups(names, digests)
    by_carrier = {}
    for stem, carrier in names.items():
        by_carrier.setdefault(carrier, []).append(digests[stem])
    pinned = {}
    for g in groups:
        hits = [placed[d] for c in g for d in by_carrier[c] if d in placed]
        if hits and not project.test_only:
            pinned[g] = hits[0]
    split_of = policy.assign_groups(project.name, groups, ratios, seed, project.test_only, pinned)
    images = {s: 0 for s in voc.SPLITS}
    for stem, carrier in names.items():
        out.split_of[stem] = split_of[carrier]
        images[split_of[carrier]] += 1
        placed.setdefault(digests[stem], split_of[carrier])
    listed = {s: sorted(c for c, v in split_of.items() if v == s and not c.startswith("?")) for s in voc.SPLITS}
    out.carriers[project.name] = {s: v for s, v in listed.items() if v}
    counts = {s: sum(v == s for v in split_of.values()) for s in voc.SPLITS}
    out.lines.append(policy.shares_line(project.name, counts, images))
    warning = None if project.test_only else policy.few_carriers_warning(project.name, ratios, counts)
    out.lines += [warning] if warning else []
    if unnamed:
        out.lines.append(f"warning: {unnamed} image(s) of projects/{project.name}/build name no master carrier "
                         f"(<source><image>), so each is split on its own and its siblings can leak into "
                         f"val; build again: inv build --project {project.name} --force")


def group(projects: list[tuple], ratios, seed: int, jobs: int = 0) -> Grouped:
    """projects: [(project, its usable pairs sorted by id)]: every image's split, by carrier."""
    out = Grouped()
    placed = {}   # image content key -> the split it went to
    order = sorted(projects, key=lambda pf: (not pf[0].test_only, pf[0].name))
    every = [pair for _, found in order for pair in found]
    with ThreadPoolExecutor(max(1, jobs or os.cpu_count() or 1)) as pool:
        carriers, quick = zip(*pool.map(_identity, every)) if every else ((), ())
        keys = _exact(every, list(quick), pool)
    start = 0
    for project, found in order:
        n = len(found)
        _one_project(out, project, found, ratios, seed, placed, zip(carriers[start:start + n], keys[start:start + n]))
        start += n
    out.lines.sort(key=lambda line: (line.startswith("warning"), line))   # by project name
    return out
