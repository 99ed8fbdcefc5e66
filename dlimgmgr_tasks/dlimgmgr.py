"""The `dlimgmgr` namespace (the orchestrator): thin tasks over dlimgmgr_tasks.lib.

new, import, check, stats, build and mix live here; hosts, trust and distribute-config in
hosts_tasks.py. Library modules are imported inside the task bodies so `inv --list` stays instant.
"""
from invoke import Collection, Exit, task

from . import settings
from .hosts_tasks import TASKS as HOST_TASKS


@task(iterable=["source"], help={
    "name": "project name: lowercase letters, digits, '_' and '-'",
    "source": "a source image (jpg/png) to copy into master/sources/; repeat for several",
})
@settings.user_errors
def new(c, name, source=None):
    """Scaffold projects/NAME (project.yaml, master/sources/, augment.py, README, notebooks/).

    Classes default to the sources' file stems, or to NAME when no source is given.
    """
    from .lib import scaffold

    path = scaffold.create(settings.root(c), name, sources=source or [])
    print(f"created {path.relative_to(settings.root(c))}")


@task(name="import", help={
    "folder": "folder holding the harvested images (jpg/png)",
    "project": "existing project that gets the new images",
    "each": "make one new project per new image instead (name from the file stem)",
})
@settings.user_errors
def import_(c, folder, project=None, each=False):
    """Add new harvested source images, skipping those already known by content (sha256).

    Exit 1 if an image was refused (unreadable); the others are still added.
    """
    from .lib import harvest

    outcomes = harvest.import_dir(settings.root(c), folder, project=project, each=each)
    for outcome in outcomes:
        print(outcome.line())
    counts = {s: sum(o.status == s for o in outcomes) for s in (harvest.ADDED, harvest.SKIPPED, harvest.REFUSED)}
    print(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts[harvest.REFUSED]:
        raise Exit(f"error: {counts[harvest.REFUSED]} image(s) refused (see 'refused' above); "
                   f"replace them with readable jpg/png files and import again", code=1)


@task(iterable=["project"], help={"project": "project to check; repeat for several (default: all)"})
@settings.user_errors
def check(c, project=None):
    """Validate every master and built annotation against its image; exit 1 on any problem."""
    from .lib import checks

    report = checks.check_projects(settings.root(c), project or None)
    for problem in report.problems:
        print(problem.line())
    summary = (f"checked {report.annotations} annotation(s) and {report.images} image(s) "
               f"in {report.projects} project(s)")
    if report.problems:
        raise Exit(f"error: {summary}: {len(report.problems)} problem(s), one per line above; "
                   f"fix them and run inv dlimgmgr.check again", code=1)
    print(f"{summary}: no problems")


@task(iterable=["project"], help={
    "project": "project to count; repeat for several (default: all)",
    "json": "print the numbers as JSON instead of tables",
})
@settings.user_errors
def stats(c, project=None, json=False):
    """Counts per project and class (master and build), box sizes, and the newest mix's splits."""
    from .lib import stats as stats_lib

    data = stats_lib.collect(settings.root(c), project or None)
    if json:
        import json as json_lib
        print(json_lib.dumps(data, indent=2, ensure_ascii=False))
    else:
        print("\n".join(stats_lib.render(data)))


@task(iterable=["project"], help={
    "project": "project to build; repeat for several (default: the profile's projects, or all)",
    "jobs": "worker processes per dataaug host (default: config dlimgmgr.jobs; 0 = its jobs: or all its cores)",
    "force": "rebuild even when no input changed",
    "profile": "image-size profile from invoke.yaml (default: config dlimgmgr.profile)",
})
@settings.user_errors
def build(c, project=None, jobs=None, force=False, profile=None):
    """Augment projects' master carriers into projects/NAME/build/; unchanged ones are skipped.

    Runs on the dataaug hosts, shared by their cores (`local`: this machine). Writes
    NAME_NNNNNN.jpg + VOC .xml with boxes that follow the geometry, byte-identical for any --jobs
    or number of hosts; an interrupted build leaves the previous build/ as it was.
    """
    from .lib import build as build_lib
    from .lib.errors import UserError

    ws = settings.workspace(c, profile)
    try:
        n_jobs = int(settings.pick(jobs, ws.jobs) or 0)
    except ValueError:
        n_jobs = -1
    if n_jobs < 0:
        raise UserError(f"--jobs {jobs!r} is not a whole number >= 0; give e.g. --jobs 2 (0 = all cores)")
    # --jobs (or config jobs) per dataaug host; 0: each host's hosts.yaml jobs:, else its cores.
    build_lib.build_projects(ws, project or [], jobs=n_jobs or None, force=force, report=_report_build)


def _report_build(result) -> None:
    """Print one project's build result: warnings on stderr, per-host lines, then the summary."""
    import sys

    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    name = result.project
    if result.status == "skipped":
        print(f"{name}: up to date ({result.images} images), skipped; --force rebuilds it")
        return
    if len(result.hosts) > 1 or any(h.synced and (h.synced.sent or h.synced.removed) for h in result.hosts):
        for h in result.hosts:
            if h.synced:
                print(f"{name}: {h.label}: synced, {h.synced.sent} file(s) sent, {h.synced.removed} removed")
        for h in result.hosts:
            if h.images:
                print(f"{name}: {h.label}: {h.images} images, {h.cores} job(s), {h.seconds:.1f}s")
    width, height = result.size
    extra = f", {result.dropped} dropped (no box left)" if result.dropped else ""
    print(f"{name}: built {result.images} images at {width}x{height} in {result.seconds:.1f}s "
          f"({result.rate:.0f} images/s, {result.jobs} job(s)){extra} -> {result.build_dir}", flush=True)


@task(help={
    "name": "dataset name: dist/NAME.tar.gz with top folder NAME/ (default: config dlimgmgr.mix.name)",
    "projects": "comma-separated projects, e.g. close,kanji (default: config mix.projects, the profile's, or all)",
    "train": "share of each project's images for train (default: config mix.train, 0.8)",
    "val": "share for val (default: config mix.val, 0.2)",
    "test": "share for test (default: config mix.test, 0); test-only projects go to test whole",
    "seed": "seed of the split (default: config mix.seed)",
    "remap": "rename classes, e.g. closebcow=close,closegb=close (default: config mix.remap)",
    "profile": "image-size profile the builds must match (default: config dlimgmgr.profile)",
})
@settings.user_errors
def mix(c, name=None, projects=None, train=None, val=None, test=None, seed=None, remap=None, profile=None):
    """Mix projects' builds into one Pascal VOC dataset: dist/NAME.tar.gz + dist/NAME.manifest.json.

    The train/val/test ratio is applied within each project, seeded; every annotation is checked
    first; the same builds and settings give a byte-identical archive.
    """
    from .lib import mix as mix_lib

    conf = settings.cfg(c).mix
    prof = settings.profile(c, profile)
    names = projects or list(conf.get("projects") or []) or list(prof.projects)
    result = mix_lib.mix(settings.root(c), settings.pick(name, conf.name), names,
                         train=settings.pick(train, conf.train), val=settings.pick(val, conf.val),
                         test=settings.pick(test, conf.test), seed=settings.pick(seed, conf.seed),
                         remap=settings.pick(remap, conf.get("remap") or {}), profile=prof)
    print(result.summary())


ns = Collection("dlimgmgr")
for _task in (new, import_, check, stats, build, mix, *HOST_TASKS):
    ns.add_task(_task)
