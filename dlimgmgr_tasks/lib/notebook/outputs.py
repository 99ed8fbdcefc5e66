"""Notebooks committed with their outputs: `inv dlimgmgr.check` warns about each, by name.

Git keeps notebooks without outputs (.gitattributes sends *.ipynb through nbstripout, which
scripts/setup configures): embedded images bloat the history (the original team's notebook
carried 350 KB of them) and every run shows as a change. A notebook committed before the filter
was set up, or from a clone without it, still holds them: this finds it. In a git checkout the
committed blobs (HEAD) are read; elsewhere the files on disk.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path


def output_cells(data: bytes) -> int:
    """How many code cells of a notebook hold outputs (0 for a file that is not a notebook)."""
    try:
        nb = json.loads(data)
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
    except (ValueError, UnicodeDecodeError):
        return 0
    return sum(1 for c in cells if isinstance(c, dict) and c.get("cell_type") == "code" and c.get("outputs"))


def _committed(root: Path) -> dict[str, bytes] | None:
    """{path: bytes} of the *.ipynb in HEAD, or None outside a git checkout (or before a commit)."""
    def git(*args, data=None):
        return subprocess.run(["git", "-C", str(root), *args], input=data, capture_output=True, timeout=60)
    try:
        listing = git("ls-tree", "-r", "-z", "HEAD")
    except (OSError, subprocess.TimeoutExpired):
        return None
    if listing.returncode != 0:
        return None
    entries = []
    for line in listing.stdout.split(b"\0"):
        meta, _, path = line.partition(b"\t")
        if path.endswith(b".ipynb") and meta.split()[1:2] == [b"blob"]:
            entries.append((path.decode(errors="replace"), meta.split()[2]))
    if not entries:
        return {}
    out = git("cat-file", "--batch", data=b"".join(sha + b"\n" for _, sha in entries)).stdout
    found, pos = {}, 0
    for path, _ in entries:     # each: "<sha> blob <size>\n<bytes>\n"
        end = out.index(b"\n", pos)
        size = int(out[pos:end].split()[2])
        found[path] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return found


def notebooks_with_outputs(root) -> list[tuple[str, int]]:
    """(path relative to root, cells with outputs) of each committed notebook holding outputs."""
    root = Path(root)
    files = _committed(root)
    if files is None:
        files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.glob("projects/**/*.ipynb"))
                 if ".ipynb_checkpoints" not in p.parts}
    return [(path, n) for path, data in sorted(files.items()) if (n := output_cells(data))]


def warnings(root, projects=None) -> list[str]:
    """One line per committed notebook that holds outputs (of these projects: all when None):
    the file, how many cells, and the fix."""
    if isinstance(projects, str):
        projects = [projects]
    found = [(path, n) for path, n in notebooks_with_outputs(root)
             if not projects or any(path.startswith(f"projects/{p}/") for p in projects)]
    return [f"warning: {path}: committed with outputs in {n} cell(s); run scripts/setup (git then strips "
            f"them through nbstripout), then: git add --renormalize {path} && git commit"
            for path, n in found]
