"""The fingerprint's file lists (lib/dataaug/plan.py FRAMEWORK_FILES, CHECK_FILES) cannot drift
from the code: every listed file exists, and every library module the listed ones import (at
the top or inside a function) is listed too, or is declared here as deciding no output byte."""
from __future__ import annotations

import ast
from pathlib import Path

from dlimgmgr_tasks.lib.dataaug import plan

LIB = Path(plan.__file__).resolve().parent.parent
# Imported by the byte-deciding code, and why their bytes do not matter to a build's output.
NO_BYTES = {"errors.py": "the exception a refusal raises",
            "files.py": "locks and atomic writes: where bytes go, not what they are",
            "inflight.py": "the temp names a build writes under before the swap",
            "text.py": "how a problem's path is shown, not whether there is a problem"}


def _imports(path: Path) -> set[str]:
    """The library modules path imports with a relative import, as paths relative to LIB."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.ImportFrom) and node.level):
            continue
        base = path.parent
        for _ in range(node.level - 1):
            base = base.parent
        mod = base.joinpath(*node.module.split(".")) if node.module else base
        for cand in ([mod] if node.module else []) + [mod / a.name for a in node.names]:
            for f in (cand.with_suffix(".py"), cand / "__init__.py"):
                if f.is_file() and LIB in f.parents and f.name != "__init__.py":
                    found.add(f.relative_to(LIB).as_posix())
    return found


def _closure(names) -> set[str]:
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += _imports(LIB / name)
    return seen


def test_every_listed_file_exists():
    for name in (*plan.FRAMEWORK_FILES, *plan.CHECK_FILES):
        assert (LIB / name).is_file(), f"plan.py lists {name}, which is gone: list the file that took its place"


def test_the_writers_of_a_build_are_listed():
    assert {"dataaug/sampler.py", "dataaug/staging.py", "dataaug/plan.py"} <= set(plan.FRAMEWORK_FILES)


def test_what_the_listed_code_imports_is_listed_or_declared():
    covered = set(plan.FRAMEWORK_FILES) | set(plan.CHECK_FILES) | set(NO_BYTES)
    assert _closure(plan.FRAMEWORK_FILES) - covered == set(), \
        "a module the build's code imports now: add it to plan.FRAMEWORK_FILES, or to NO_BYTES here with why"
    assert _closure(plan.CHECK_FILES) - set(plan.CHECK_FILES) - set(NO_BYTES) == set(), \
        "a module the masters' check imports now: add it to plan.CHECK_FILES"
