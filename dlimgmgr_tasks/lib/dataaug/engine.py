"""The build of one project, the same six steps whatever hosts do the work.

check the inputs (the recipe beside the hosts' start) -> plan the items -> staging folder -> shares
on the hosts -> number and finish -> fingerprint and swap. An unforced build whose fingerprint is
unchanged stops before the second step: it opens no host and imports nothing heavy. A recipe or
masters whose stamp is the last finished build's are not checked again: the hosts' workers import
albumentations and OpenCV, the orchestrator does not.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from ..errors import UserError
from . import staging
from .plan import check_bounds, check_masters, check_recipe, fingerprint, masters_stamp, plan, recipe_stamp

BUILT, SKIPPED = "built", "skipped"


@dataclass
class Result:
    project: str
    status: str                     # BUILT or SKIPPED
    images: int
    seconds: float = 0.0
    dropped: int = 0                # outputs given up: no box left
    jobs: int = 0                   # worker processes in all, over every host
    size: tuple[int, int] = (0, 0)
    build_dir: object = None
    hosts: list = field(default_factory=list)       # shares.HostShare, one per dataaug host
    warnings: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.images / self.seconds if self.seconds > 0 else 0.0


def _input_warnings(project, carriers) -> list[str]:
    # Imported only when building: the skip path stays as light as `inv --list`.
    from ..labeling import unchecked
    warnings = []
    stale = unchecked(project)
    if stale:
        shown = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
        warnings.append(f"{project.name}: {len(stale)} annotation(s) are still the untouched pre-label "
                        f"({shown}); check them with imglabeling before training")
    from ..shrink import shrink_warning
    warnings += filter(None, [shrink_warning(project, carriers)])
    unlabelled = len(project.carrier_images()) - len(carriers)
    if unlabelled:
        warnings.append(f"{project.name}: {unlabelled} carrier(s) in {project.master} have no XML and are "
                        f"left out; label them (inv imglabeling.push {project.name})")
    return warnings


def build_project(project, hosts, jobs: int | None = None, force: bool = False,
                  progress: bool | None = None) -> Result:
    """Build one project at its workspace's profile size on `hosts` (a list of lib.hosts.Host, or
    a callable giving them: it is called only when the project needs building)."""
    size = project.workspace.profile.size
    carriers = project.labelled_carriers()
    check_bounds(project, len(carriers))  # before the lock: a refused build touches nothing
    with staging.lock(project):
        staging.recover(project)
        digest = fingerprint(project, size, carriers)
        last = project.build_record()
        if not force and last.get("fingerprint") == digest:
            return Result(project.name, SKIPPED, int(last.get("images", 0)), size=size, build_dir=project.build_dir)
        if not carriers:
            raise UserError(f"{project.master}: no labelled carriers (image + XML) to build from; "
                            f"make them with: inv dataaug.compose {project.name}")
        stamps = {"recipe": recipe_stamp(project), "masters": masters_stamp(project, digest, carriers)}
        if last.get("masters") != stamps["masters"]:
            check_masters(project)
        recipe_checked = _passed() if last.get("recipe") == stamps["recipe"] else _beside(check_recipe, project)
        warnings = _beside(_input_warnings, project, carriers)   # read-only; off the hosts' critical path
        result = _rebuild(project, size, hosts() if callable(hosts) else hosts, jobs, progress, (digest, stamps),
                          recipe_checked)
        result.warnings[:0] = warnings.result()
        return result


def _beside(fn, *args) -> Future:
    """fn(*args) in a thread of its own, while the caller goes on."""
    future: Future = Future()

    def run():
        try:
            future.set_result(fn(*args))
        except BaseException as exc:   # handed to whoever asks for the result
            future.set_exception(exc)
    threading.Thread(target=run, daemon=True).start()
    return future


def _passed() -> Future:
    future: Future = Future()
    future.set_result(None)
    return future


def _rebuild(project, size, hosts, jobs, progress, stamps: tuple[str, dict], recipe_checked: Future) -> Result:
    """stamps: (the fingerprint, {"recipe": recipe_stamp, "masters": masters_stamp}) the finished
    build records."""
    digest, checked = stamps
    from .progress import Progress
    from .shares import Shares
    work = plan(project, len(project.labelled_carriers()))
    folder = staging.create(project)
    start = time.monotonic()
    bar = Progress(project.name, work.expected, progress)
    shares = Shares(project.workspace, project, size, work, hosts, jobs, folder, bar)
    try:
        try:
            record_files = shares.run()
        except Exception:
            recipe_checked.result()   # a bad recipe: the orchestrator's one line, not a host's failure
            raise
        recipe_checked.result()
        bar.close()
        images = staging.finish(folder, project, record_files, size)
        staging.write_fingerprint(folder, digest, images, size, checked)
        staging.swap(project, folder)
    except BaseException:
        bar.close()
        staging.discard(folder)
        raise
    warnings = list(shares.warnings)
    if not images:
        from ..augment import parse_recipe
        mv = parse_recipe(project.config.get("recipe"), str(project.yaml_path)).min_visibility
        warnings.append(f"{project.name}: every output lost its boxes (min_visibility {mv}); soften the "
                        f"geometric steps or lower min_visibility")
    used = [s for s in shares.shares if s.images or not s.error]
    return Result(project.name, BUILT, images, time.monotonic() - start, work.expected - images,
                  jobs=sum(s.cores for s in used), size=size, build_dir=project.build_dir,
                  hosts=shares.shares, warnings=warnings)


def build_projects(ws, names=None, jobs: int | None = None, force: bool = False, progress: bool | None = None,
                   hosts=None, report=None) -> list[Result]:
    """Build the named projects (the profile's, or all, when none is named) on the dataaug hosts.

    hosts: lib.hosts.Host objects (default: ws.role_hosts("dataaug"), opened only when a project
    needs building, closed at the end); jobs: worker processes per host (None: each host's own);
    report(result) is called as each project is done."""
    projects = ws.projects(ws.default_projects(names))
    opened: list = []

    def dataaug():
        if not opened:
            opened.extend(hosts if hosts is not None else ws.role_hosts("dataaug"))
        return opened
    results = []
    try:
        for project in projects:
            result = build_project(project, dataaug, jobs, force, progress)
            results.append(result)
            if report:
                report(result)
    finally:
        if hosts is None:
            for host in opened:
                host.close()
    return results
