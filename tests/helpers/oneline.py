"""The house rule for an expected problem, as tests check it: exactly one `error: ...` line on stderr."""
from __future__ import annotations


def one_line_error(proc) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]
