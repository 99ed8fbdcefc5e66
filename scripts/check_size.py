"""Fail when a Python file passes 400 lines or a function passes 60 (the house rule; run by scripts/test).

    python scripts/check_size.py [PATH ...]     (default: the project's Python, below)

Looks at every .py file under dlimgmgr_tasks/, tests/, benchmarks/, scripts/, projects/ and at
tasks.py, and at the Python scripts there without a suffix (a `#!...python` first line, such as
benchmarks/run). A function is any def or async def, methods included; a nested function is counted
on its own and also inside the function that holds it. A function's lines run from its first
decorator to its last line. Prints one line per offence and exits 1 when there is any:
    path:line: function NAME is N lines (max 60)
    path: N lines (max 400)
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("dlimgmgr_tasks", "tests", "benchmarks", "scripts", "projects")
FILES = ("tasks.py",)
MAX_FILE = 400
MAX_FUNCTION = 60


def _generated(rel: Path) -> bool:
    """Generated output, skipped: caches anywhere, a project's build/ (projects/NAME/build) and the
    top-level dist/ and virtual environments. Any other folder named build is source, and counted."""
    parts = rel.parts
    return ("__pycache__" in parts or parts[0] in ("dist", "build") or parts[0].startswith(".venv")
            or (len(parts) > 2 and parts[0] == "projects" and parts[2] == "build"))


def _is_python(path: Path) -> bool:
    if path.suffix == ".py":
        return True
    if path.suffix or not path.is_file():
        return False
    with path.open("rb") as f:
        first = f.readline(200)
    return first.startswith(b"#!") and b"python" in first


def python_files(root: Path = ROOT) -> list[Path]:
    found = [root / name for name in FILES if (root / name).is_file()]
    for folder in FOLDERS:
        found += [p for p in sorted((root / folder).rglob("*"))
                  if not _generated(p.relative_to(root)) and _is_python(p)]
    return found


def offences(path: Path, shown: str) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    problems = []
    lines = len(text.splitlines())
    if lines > MAX_FILE:
        problems.append(f"{shown}: {lines} lines (max {MAX_FILE})")
    try:
        tree = ast.parse(text, filename=shown)
    except SyntaxError as exc:
        return problems + [f"{shown}:{exc.lineno}: cannot parse ({exc.msg})"]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            length = node.end_lineno - first + 1
            if length > MAX_FUNCTION:
                problems.append(f"{shown}:{node.lineno}: function {node.name} is {length} lines (max {MAX_FUNCTION})")
    return sorted(problems, key=_line_order)


def _line_order(problem: str):
    head = problem.split(": ", 1)[0]
    _, _, line = head.rpartition(":")
    return int(line) if line.isdigit() else 0


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or python_files()
    problems = []
    for path in paths:
        try:
            shown = str(path.resolve().relative_to(ROOT))
        except ValueError:
            shown = str(path)
        problems += offences(path, shown)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
