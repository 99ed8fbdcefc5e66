"""Projects on disk: names, paths, project.yaml, master carriers and their annotations."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import pairs, voc
from .errors import UserError

# libyaml's C loader where PyYAML was built with it: 5-10x faster, and yaml is on every start-up path.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """yaml.safe_load, with the C loader when there is one."""
    return yaml.load(text, Loader=_YAML_LOADER)


NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")  # no leading "-": a name is also a remote argument
RESERVED = {"common"}
IMAGE_EXTS = pairs.IMAGE_EXTS
# Written last into build/ by the dataaug engine: what the finished build was made from.
BUILD_RECORD = ".fingerprint.json"


def check_name(name: str) -> str:
    """Refuse anything but a plain project name: it becomes a path and a remote argument."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name) or len(name) > 64:
        raise UserError(f"project name {name!r} is not allowed; use lowercase letters, digits, '_' and '-', "
                        f"starting with a letter or digit")
    if name in RESERVED:
        raise UserError(f"project name {name!r} is reserved (projects/{name}/ holds shared helpers); pick another")
    return name


def is_image(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in IMAGE_EXTS and not path.name.startswith(".")


@dataclass
class Project:
    name: str
    dir: Path
    config: dict
    workspace: object = field(default=None, repr=False, compare=False)  # lib.workspace.Workspace

    @property
    def master(self) -> Path:
        return self.dir / "master"

    @property
    def sources_dir(self) -> Path:
        return self.master / "sources"

    @property
    def build_dir(self) -> Path:
        return self.dir / "build"

    @property
    def build_record_path(self) -> Path:
        return self.build_dir / BUILD_RECORD

    def build_record(self) -> dict:
        """What the last finished build wrote about itself ({} when there is none or it is unreadable)."""
        try:
            record = json.loads(self.build_record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}

    @property
    def yaml_path(self) -> Path:
        return self.dir / "project.yaml"

    @property
    def classes(self) -> list[str]:
        return list(self.config["classes"])

    @property
    def seed(self) -> int:
        return int(self.config["seed"])

    @property
    def count(self) -> int:
        return int(self.config["count"])

    @property
    def test_only(self) -> bool:
        return bool(self.config.get("test_only", False))

    def sources(self) -> list[Path]:
        if not self.sources_dir.is_dir():
            return []
        return sorted(p for p in self.sources_dir.iterdir() if is_image(p))

    def source_class(self, source: Path) -> str:
        """The class a source image is pasted as: project.yaml's mapping, its stem, or the only class."""
        mapping = self.config.get("source_classes") or {}
        if source.name in mapping:
            return str(mapping[source.name])
        if source.stem in self.classes:
            return source.stem
        if len(self.classes) == 1:
            return self.classes[0]
        raise UserError(f"{self.sources_dir / source.name}: no class for this source; name it after a class "
                        f"({', '.join(self.classes)}) or map it under source_classes in {self.yaml_path}")

    def carrier_images(self) -> list[Path]:
        """Master carrier images, sorted by name (the order every build numbers them in)."""
        return [Path(p) for p in pairs.scan(self.master).image_paths()]

    def labelled_carriers(self) -> list[tuple[Path, Path]]:
        """(image, xml) pairs of the master carriers that have an annotation, by image name."""
        return [(Path(p.image_path), Path(p.xml_path)) for p in pairs.scan(self.master).labelled()]

    # -- trials in a notebook (lib/trial): in memory, nothing written but by save_settings

    def show_sources(self):
        """The hand-cut sources as a Sheet that shows inline in Jupyter."""
        from .trial import show_sources
        return show_sources(self)

    def try_compose(self, overrides: dict | None = None, n: int = 8, size=None):
        """The first n carriers compose would make with these compose: keys (lib.trial.try_compose)."""
        from .trial import try_compose
        return try_compose(self, overrides, n, size)

    def try_recipe(self, steps: list | None = None, n: int = 12, size=None, **recipe):
        """n images build would make with these recipe steps (lib.trial.try_recipe)."""
        from .trial import try_recipe
        return try_recipe(self, steps, n, size, **recipe)

    def save_settings(self, compose: dict | None = None, steps: list | None = None, **more) -> str:
        """Write tried settings into project.yaml, comments kept (lib.trial.save_settings)."""
        from .trial import save_settings
        return save_settings(self, compose, steps, **more)


def _validate(path: Path, data) -> dict:
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping with classes, count and seed")
    classes = data.get("classes")
    if not isinstance(classes, list) or not classes or not all(isinstance(c, str) and c.strip() for c in classes):
        raise UserError(f"{path}: 'classes' must be a non-empty list of class names")
    if len(set(classes)) != len(classes):
        raise UserError(f"{path}: 'classes' lists a class twice")
    for cls in classes:
        problem = voc.class_problem(cls)
        if problem:
            raise UserError(f"{path}: {problem}")
    for key, default in (("count", 0), ("seed", 0)):
        value = data.setdefault(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise UserError(f"{path}: '{key}' must be a whole number >= 0 (got {value!r})")
    # compose: is validated where it is used (lib/compose/config.py), with every key's fix.
    if not isinstance(data.setdefault("compose", {}) or {}, dict):
        raise UserError(f"{path}: 'compose' must be a mapping")
    return data


def load(ws, name: str) -> Project:
    """Load projects/NAME of a Workspace; a missing or invalid project is a UserError naming the fix."""
    check_name(name)
    pdir = ws.projects_dir / name
    path = pdir / "project.yaml"
    if not path.is_file():
        known = ", ".join(list_names(ws)) or "none yet"
        raise UserError(f"project {name!r} not found ({path} is missing); known projects: {known}; "
                        f"create it with: inv dlimgmgr.new {name}")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"{path}: not valid YAML ({first}); fix the file") from None
    return Project(name, pdir, _validate(path, data), ws)


def list_names(ws) -> list[str]:
    pdir = ws.projects_dir
    if not pdir.is_dir():
        return []
    return sorted(p.name for p in pdir.iterdir()
                  if p.name not in RESERVED and (p / "project.yaml").is_file() and NAME_RE.fullmatch(p.name))


def load_many(ws, names=None) -> list[Project]:
    """The named projects of a Workspace, or every project when none is named."""
    names = list(names) if names else list_names(ws)
    return [load(ws, n) for n in names]
