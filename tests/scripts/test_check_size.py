"""scripts/check_size.py skips only generated folders: a package folder that happens to be named
build is counted like any other source."""
from __future__ import annotations

import sys

from tests.helpers.repo import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import check_size  # noqa: E402

LONG = "x = 1\n" * (check_size.MAX_FILE + 1)


def test_only_generated_folders_are_skipped(tmp_path):
    for rel in ("dlimgmgr_tasks/lib/build/engine.py", "projects/close/build/gen.py", "projects/common/helper.py",
                "dlimgmgr_tasks/__pycache__/x.py", "tests/ok.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(LONG if "ok" not in rel else "x = 1\n")
    found = {p.relative_to(tmp_path).as_posix() for p in check_size.python_files(tmp_path)}
    assert found == {"dlimgmgr_tasks/lib/build/engine.py", "projects/common/helper.py", "tests/ok.py"}
    assert check_size.offences(tmp_path / "dlimgmgr_tasks/lib/build/engine.py", "engine.py") == [
        f"engine.py: {check_size.MAX_FILE + 1} lines (max {check_size.MAX_FILE})"]
