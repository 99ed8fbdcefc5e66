"""Problems grouped by cause, for people: when many annotations share one cause (a class the
project no longer lists, one size mismatch after a profile switch), one line says the cause, how
many and the fix, then a few examples, instead of a hundred lines that each say "build again".

A cause is a problem's `cause` (set where the check knows it, e.g. the unknown class) or, for
the rest, its code with the same message and fix (a size mismatch reads alike in every file).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .checks import Problem

GROUP_AT = 4      # this many problems of one cause become one line
EXAMPLES = 3      # shown under a cause's line


@dataclass
class Group:
    key: tuple
    problems: list = field(default_factory=list)

    def lines(self) -> list[str]:
        n = len(self.problems)
        files = len({p.path for p in self.problems})
        folders = sorted({os.path.dirname(p.path) for p in self.problems})
        where = ", ".join(folders[:3]) + (", ..." if len(folders) > 3 else "")
        what, fix = _cause_text(self)
        out = [f"{where}: {n} problem(s) in {files} file(s): {what}; {fix}"]
        return out + [f"  e.g. {p.line()}" for p in self.problems[:EXAMPLES]]


def _cause_text(group: Group) -> tuple[str, str]:
    first = group.problems[0]
    if first.cause and first.cause[0] == "unknown-class":
        _, yaml_hint, name, listed = first.cause
        fixes = {p.fix for p in group.problems}
        in_master = any("/build" not in os.path.dirname(p.path) for p in group.problems)
        if in_master or len(fixes) > 1:
            # Building again cannot help while the masters use the class too: the list is the cause.
            return (f"objects of class {name!r}, which {yaml_hint} does not list (it lists {listed})",
                    f"add {name!r} to classes in {yaml_hint} if it is right, else rename those objects in "
                    f"master/ (then build again)")
        return f"objects of class {name!r}, which {yaml_hint} does not list (it lists {listed})", first.fix
    return first.what, first.fix


def _key(problem: Problem) -> tuple:
    return problem.cause[:3] if problem.cause else (problem.code, problem.what, problem.fix)


def grouped(problems: list[Problem]) -> list:
    """The problems in their order, those of a cause shared by GROUP_AT or more replaced by one
    Group (at the place of the first)."""
    groups: dict[tuple, Group] = {}
    for p in problems:
        groups.setdefault(_key(p), Group(_key(p))).problems.append(p)
    out, shown = [], set()
    for p in problems:
        group = groups[_key(p)]
        if len(group.problems) < GROUP_AT:
            out.append(p)
        elif group.key not in shown:
            shown.add(group.key)
            out.append(group)
    return out


def lines(problems: list[Problem]) -> list[str]:
    """What `inv dlimgmgr.check` prints: one line per problem, or per shared cause with examples."""
    out = []
    for entry in grouped(problems):
        out += entry.lines() if isinstance(entry, Group) else [entry.line()]
    return out


def causes(problems: list[Problem]) -> int:
    return len(grouped(problems))
