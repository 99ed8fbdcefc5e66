"""Checking the builds as they are mixed: the one annotation check (lib/checks) on every pair, in
a pool of processes, reduced to the mix's items.

A pair's XML goes into the archive as its own bytes unless a class is remapped or a coordinate is
not whole: then it is rewritten in memory (voc.parse -> rename -> voc.dumps), never on disk.
"""
from __future__ import annotations

import os
import signal
import sys
import zlib
from collections import deque
from dataclasses import dataclass, replace
from typing import Iterator

from .. import checks, voc
from ..errors import UserError
from ..orphans import die_with_parent
from .items import Item

INSPECT_CHUNK = 200            # pairs checked per task by a worker process


@dataclass(frozen=True)
class Context:
    """What checking one project's files needs; plain data, so it travels to worker processes."""
    project: str
    rules: checks.Rules               # the project's classes; its build's fix
    build_shown: str                  # projects/P/build, as messages show it
    remap: dict
    top: str                          # the dataset name (a rewritten XML's <folder>)
    size: tuple | None = None         # the profile's (width, height), when one is given
    profile: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One pair to check and mix (its split is decided once every item is read)."""
    project: str
    id: str
    image: str
    xml: str


def _whole(obj: voc.VocObject) -> bool:
    return obj.xmin % 1 == obj.ymin % 1 == obj.xmax % 1 == obj.ymax % 1 == 0


def inspect(ctx: Context, row: Row) -> tuple[Item | None, list[checks.Problem]]:
    """Check one pair as `inv dlimgmgr.check` does, plus the profile's size; the item when it passes."""
    image_shown = f"{ctx.build_shown}/{os.path.basename(row.image)}"
    checked = checks.check_file(row.xml, row.image, ctx.rules, f"{ctx.build_shown}/{row.id}.xml", image_shown)
    problems = checked.problems
    size = checked.size
    if ctx.size is not None and size is not None and tuple(size) != ctx.size:
        problems.append(checks.Problem(image_shown, "profile-size",
                                       f"is {size[0]}x{size[1]} but profile {ctx.profile} is "
                                       f"{ctx.size[0]}x{ctx.size[1]}",
                                       f"build again: inv build --project {ctx.project} --profile {ctx.profile} --force"))
    if problems:
        return None, problems
    ann, data = checked.annotation, checked.data
    if any(ctx.remap.get(o.name, o.name) != o.name or not _whole(o) for o in ann.objects):
        ann.objects = [replace(o, name=ctx.remap.get(o.name, o.name)) for o in ann.objects]
        ann.folder = ctx.top
        data = voc.dumps(ann)
    return Item(row.id, row.project, "", row.image, ann, data, ann.source_image, _content(row.image)), []


def _content(path: str) -> tuple[int, int]:
    """(size, crc32) of an image: which images may be identical (carriers.py compares by sha256
    where these meet). Read here, in the worker processes, beside the check."""
    with open(path, "rb") as f:
        data = f.read()
    return len(data), zlib.crc32(data)


def _inspect_rows(job) -> list:
    """One chunk of rows, in a worker process (or inline for a small mix)."""
    contexts, rows = job
    return [inspect(contexts[row.project], row) for row in rows]


class Inspection:
    """`inspect` over every row, results in row order. A large mix checks in `jobs` processes with
    a bounded number of chunks in flight (memory stays flat) while the main process packs what is
    already checked. The workers are started (forked) on creation, before any thread exists.

    The rows are consumed: the list handed in is emptied, and each chunk is let go as it is taken,
    so a row's memory is freed once its item exists (a mix holds one or the other, not both)."""

    def __init__(self, contexts: dict, rows: list[Row], jobs: int):
        self.contexts = contexts
        n_rows = len(rows)
        self._chunks = deque(rows[i:i + INSPECT_CHUNK] for i in range(0, n_rows, INSPECT_CHUNK))
        rows.clear()
        self.chunks = self._take_chunks()
        self.pool = None
        self.pending = deque()
        if jobs > 1 and n_rows > 2 * INSPECT_CHUNK:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork: workers start in milliseconds with the modules already imported (Linux);
            # elsewhere the platform's default start method.
            mp = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
            self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp, initializer=die_with_parent,
                                            initargs=(signal.SIGKILL, os.getpid()))  # none outlives a kill
            for _ in range(2 * jobs + 2):
                if not self._submit():
                    break

    def _take_chunks(self):
        while self._chunks:
            yield self._chunks.popleft()

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

    def checked_items(self) -> Iterator[Item]:
        """The items that pass, in row order; after the last, a UserError if any row had a problem."""
        problems = []
        for item, found in self:
            problems += found
            if not problems:
                yield item
        if problems:
            raise problems_error(problems)

    def close(self) -> None:
        if self.pool is not None:
            for f in self.pending:
                f.cancel()
            self.pool.shutdown(wait=True)
            self.pool = None


def problems_error(problems: list) -> UserError:
    """One line for all the annotation problems of a mix: the first cause (lib/problem_groups: many
    files of one cause, e.g. a profile switch, are one), how many more, where to see them."""
    from ..problem_groups import Group, grouped

    causes = grouped(problems)
    first = causes[0].lines()[0] if isinstance(causes[0], Group) else causes[0].line()
    shown = len(causes[0].problems) if isinstance(causes[0], Group) else 1
    files = sorted({p.path for p in problems})
    more = (f" (+{len(problems) - shown} more in {', '.join(files[:3])}{', ...' if len(files) > 3 else ''})"
            if len(problems) > shown else "")
    # check does not know the profile: its size problems are listed by the mix alone.
    see = "" if all(p.code == "profile-size" for p in problems) else "; list them all: inv dlimgmgr.check"
    return UserError(f"the builds have {len(problems)} annotation problem(s) of {len(causes)} cause(s), nothing "
                     f"was mixed: {first}{more}{see}")
