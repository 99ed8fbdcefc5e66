"""Every module of the package is imported by at least one unit test module (issue 26: tests mirror
the library), so each has tests that run in-process, without sshd, Label Studio or `inv`.

The scan reads tests/unit with `ast` (nothing is imported)."""
import ast
from pathlib import Path

import dlimgmgr_tasks

PACKAGE = Path(dlimgmgr_tasks.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent


def modules() -> set[str]:
    out = set()
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        out.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def imported(test_file: Path) -> set[str]:
    """Module names a test file imports: `import a.b`, `from a.b import c` (a.b, and a.b.c when c is one)."""
    names = set()
    for node in ast.walk(ast.parse(test_file.read_bytes())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_every_module_has_a_test_that_imports_it():
    seen = set().union(*(imported(p) for p in TESTS.rglob("test_*.py")))
    missing = sorted(modules() - seen)
    assert not missing, f"{len(missing)} module(s) no test imports: {', '.join(missing)}"


def test_the_scan_sees_from_imports_of_submodules(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text("from dlimgmgr_tasks.lib import hashing\nimport dlimgmgr_tasks.lib.voc as v\n")
    assert {"dlimgmgr_tasks.lib.hashing", "dlimgmgr_tasks.lib.voc"} <= imported(probe)
    assert "dlimgmgr_tasks.lib.hostside.unpack" in modules() and "dlimgmgr_tasks" in modules()
