"""A dl_image_manager checkout, read: its projects, projects_store lists and per-network sizes.

Layout (github.com/miyakz1192/dl_image_manager)::

    projects/NAME/master/image.jpg               the hand-cut icon (32x32 up to 300x100)
    projects/NAME/master/image_extended.xml      a LabelImg template (its <size> often the icon's)
    projects/NAME/master/image_extended.jpg      sometimes: a carrier
    projects/NAME/data_augmentation/daug.py      Keras steps (lib/data_aug.py)
    projects/NAME/jupyer_notebook/*.ipynb        trial and error (the folder's name is spelt so)
    projects_store/{common,ssd,resnet34}/NAME/   project sets; change_projects.sh copied common + one
    config/dl_image_manager_config_NET.py        DL_IMAGE_MANAGER_FORCING_GLOBAL_BASE_IMAGE_SIZE per net

Nothing here is executed: Python files are read with `ast`, XML with the lenient VOC reader.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from .. import voc
from ..errors import UserError
from ..hashing import sha256_file

SIZE_CONSTANT = "DL_IMAGE_MANAGER_FORCING_GLOBAL_BASE_IMAGE_SIZE"
MERGE_CONSTANT = "DL_IMAGE_MANAGER_MERGE_CONFIG"


@dataclass
class LegacyProject:
    name: str
    dir: Path
    shown: str                      # the folder relative to the checkout, for reports
    icon: Path | None = None
    xml: Path | None = None
    carrier: Path | None = None
    daug: Path | None = None
    notebooks: list[Path] = field(default_factory=list)
    readme: Path | None = None
    classes: list[str] = field(default_factory=list)   # object names in the XML, in order
    problems: list[str] = field(default_factory=list)

    @property
    def icon_sha(self) -> str | None:
        return sha256_file(self.icon) if self.icon else None


@dataclass
class LegacyRepo:
    root: Path
    projects: dict[str, LegacyProject]
    stores: dict[str, list[str]]                       # projects_store/STORE -> project names
    sizes: dict[str, tuple[int, int] | None]           # network -> base size (None: the icon's own)
    merge: tuple[list[str], str] | None = None         # bin/merge_project.py: (sources, destination)


def _file(path: Path) -> Path | None:
    return path if path.is_file() else None


def read_project(folder: Path, root: Path) -> LegacyProject:
    master = folder / "master"
    project = LegacyProject(folder.name, folder, str(folder.relative_to(root)),
                            icon=_file(master / "image.jpg"), xml=_file(master / "image_extended.xml"),
                            carrier=_file(master / "image_extended.jpg"),
                            daug=_file(folder / "data_augmentation" / "daug.py"),
                            readme=_file(folder / "README.md"))
    project.notebooks = sorted(p for p in folder.rglob("*.ipynb")
                               if ".ipynb_checkpoints" not in p.parts and p.is_file())
    if project.icon is None:
        project.problems.append(f"{project.shown}/master/image.jpg: missing; the project gets no source")
    if project.xml is not None:
        try:
            ann = voc.read(project.xml)
        except (voc.VocError, OSError) as exc:
            project.problems.append(f"{project.shown}/master/image_extended.xml: not readable ({exc}); "
                                    f"its classes come from the project name")
        else:
            project.classes = list(dict.fromkeys(o.name.strip() for o in ann.objects if o.name.strip()))
    return project


def _project_dirs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and ((p / "master").is_dir() or (p / "data_augmentation").is_dir()))


def read_repo(path) -> LegacyRepo:
    """Read a checkout; UserError when PATH is not one."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise UserError(f"{root}: not a folder; give the path of a dl_image_manager checkout")
    active, store_dir = root / "projects", root / "projects_store"
    if not _project_dirs(active) and not store_dir.is_dir():
        raise UserError(f"{root}: no projects/NAME/master/ nor projects_store/ here; give the root of a "
                        f"dl_image_manager checkout (the folder holding projects/ and lib/data_aug.py)")
    projects = {p.name: read_project(p, root) for p in _project_dirs(active)}
    stores = {}
    for store in sorted(p for p in store_dir.iterdir() if p.is_dir()) if store_dir.is_dir() else []:
        found = _project_dirs(store)
        stores[store.name] = [p.name for p in found]
        for p in found:  # projects/ is what change_projects.sh copied from here: the same project
            projects.setdefault(p.name, read_project(p, root))
    sizes, merge = _configs(root)
    return LegacyRepo(root, dict(sorted(projects.items())), stores, sizes, merge)


def _assignments(path: Path) -> dict:
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    return found


def _configs(root: Path):
    """Per-network sizes from config/dl_image_manager_config_NET.py, and the merge setting."""
    sizes, merge = {}, None
    for path in sorted((root / "config").glob("dl_image_manager_config_*.py")):
        values = _assignments(path)
        size = values.get(SIZE_CONSTANT)
        if isinstance(size, tuple) and len(size) == 2 and all(isinstance(v, int) for v in size):
            sizes[path.stem.removeprefix("dl_image_manager_config_")] = size if min(size) > 0 else None
    for path in (root / "lib" / "dl_image_manager_config.py", *sorted((root / "config").glob("*.py"))):
        value = _assignments(path).get(MERGE_CONSTANT) if path.is_file() else None
        if isinstance(value, tuple) and len(value) >= 2 and isinstance(value[0], list) and isinstance(value[1], str):
            merge = ([str(v) for v in value[0]], value[1])
            break
    return sizes, merge
