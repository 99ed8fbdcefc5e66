"""Legacy notebooks brought over without their outputs (nbstripout), as `git` will keep them."""
from __future__ import annotations

from pathlib import Path


def strip(data: bytes) -> bytes | None:
    """The notebook without outputs and execution counts; None when it is not a readable notebook."""
    import nbformat
    from nbstripout import strip_output

    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=nbformat.NO_CONVERT)
        stripped = strip_output(nb, keep_output=False, keep_count=False, keep_id=True)
        text = nbformat.writes(stripped, version=nbformat.NO_CONVERT)
    except Exception:  # nbformat raises many types (JSON, schema, encoding) for a damaged file
        return None
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def target_names(members, notebooks_of) -> list[tuple[Path, str]]:
    """(legacy notebook, file name in notebooks/): the base project's keep their names, a twin's get its prefix."""
    out, taken = [], set()
    for index, member in enumerate(members):
        for path in notebooks_of(member):
            name = path.name if index == 0 else f"{member.name}-{path.name}"
            stem, n = name[:-len(".ipynb")], 2
            while name in taken:
                name, n = f"{stem}_{n}.ipynb", n + 1
            taken.add(name)
            out.append((path, name))
    return out
