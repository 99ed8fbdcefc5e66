"""The grouped split of a mix: which master carrier each built image came from, and where each
carrier goes (the policy is split.py's).

Every built XML names its carrier in `<source><image>` (the build writes it). The mix's check
reads it, and each image's size and crc32, in its worker processes while the archive is written;
the split is decided here once every item is read, before any member that names a split. Carriers
whose images share bytes are one group (compared by size and crc32, then sha256 where those
meet); bytes that one project placed pin the carriers of a later project holding the same bytes
(test-only projects first, then by name), so identical bytes never sit in two splits. An image
that names no carrier (a build from before, a hand-made one) is a group of its own, with a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import voc
from ..hashing import sha256_file
from . import split as policy


@dataclass
class Grouped:
    split_of: dict = field(default_factory=dict)   # image id -> split
    carriers: dict = field(default_factory=dict)   # project -> {split: [carrier, ...]}
    lines: list = field(default_factory=list)      # shares per project, then warnings


def _exact(items: list) -> list:
    """Each item's content key: the sha256 of its image where its (size, crc32) is another's,
    else that pair (no other image can have its bytes)."""
    seen = {}
    for it in items:
        seen[it.content] = seen.get(it.content, 0) + 1
    return [sha256_file(it.image) if seen[it.content] > 1 else it.content for it in items]


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


def _one_project(out: Grouped, project, items: list, keys: list, ratios, seed: int, placed: dict) -> None:
    names, digests, unnamed = {}, {}, 0
    for it, key in zip(items, keys):
        carrier = it.carrier
        if not carrier:
            unnamed += 1
            carrier = f"?{it.id}"   # its own group; '?' is no file name a carrier has
        names[it.id], digests[it.id] = carrier, key
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


def group(projects: list, items: list, ratios, seed: int) -> Grouped:
    """Set every item's split, by carrier; projects: the mixed projects (loaded); items: every
    item read (each with its carrier and content)."""
    out = Grouped()
    placed = {}   # image content key -> the split it went to
    keys = dict(zip((it.id for it in items), _exact(items)))
    mine = {}
    for it in items:
        mine.setdefault(it.project, []).append(it)
    for project in sorted(projects, key=lambda p: (not p.test_only, p.name)):
        found = mine.get(project.name, [])
        _one_project(out, project, found, [keys[it.id] for it in found], ratios, seed, placed)
    for it in items:
        it.split = out.split_of[it.id]
    out.lines.sort(key=lambda line: (line.startswith("warning"), line))   # by project name
    return out
