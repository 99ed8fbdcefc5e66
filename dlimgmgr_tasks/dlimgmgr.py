"""The `dlimgmgr` namespace (the orchestrator): thin tasks over dlimgmgr_tasks.lib.

new, import, check, stats, build, mix, and the host tasks hosts, trust and distribute-config.
Library modules are imported inside the task bodies so `inv --list` stays instant.
"""
import sys

from invoke import Collection, Exit

from . import settings


@settings.task(iterable=["source"], help={
    "name": "project name: lowercase letters, digits, '_' and '-'",
    "source": "a source image (jpg/png) to copy into master/sources/; repeat for several",
    "class": "the class the sources show (default: their file stems; a generic stem such as image is refused)",
})
def new(c, name, source=None, class_=None):
    """Scaffold projects/NAME (project.yaml, master/sources/, augment.py, README, notebooks/).

    Classes default to the sources' file stems, or to NAME when no source is given.
    """
    from .lib import scaffold

    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.new(settings.workspace(c), name, source or [], class_))
    ws = settings.workspace(c)
    path = scaffold.create(ws, name, sources=source or [], source_class=class_)
    print(f"created {path.relative_to(ws.root)}")


@settings.task(name="import", help={
    "folder": "folder holding the harvested images (jpg/png)",
    "project": "existing project that gets the new images",
    "each": "make one new project per new image instead (name from the file stem)",
    "class": "the class the images show: files named after it, and --each projects get it as class",
})
def import_(c, folder, project=None, each=False, class_=None):
    """Add new harvested source images, skipping those already known by content (sha256).

    Exit 1 if an image was refused (unreadable); the others are still added.
    """
    from .lib import harvest

    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.import_(settings.workspace(c), folder, project, each))
    outcomes = harvest.import_dir(settings.workspace(c), folder, project=project, each=each, source_class=class_)
    for outcome in outcomes:
        print(outcome.line())
    counts = {s: sum(o.status == s for o in outcomes) for s in (harvest.ADDED, harvest.SKIPPED, harvest.REFUSED)}
    print(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts[harvest.REFUSED]:
        raise Exit(f"error: {counts[harvest.REFUSED]} image(s) refused (see 'refused' above); "
                   f"fix what each 'refused' line says (an unreadable file: replace it with a jpg/png) and import again", code=1)


@settings.task(iterable=["project", "rename"], help={
    "path": "a dl_image_manager checkout (the folder holding projects/ and lib/data_aug.py)",
    "project": "legacy project to migrate (its ru_ twin comes along); repeat for several (default: all)",
    "rename": "OLD=NEW: migrate legacy project OLD as projects/NEW (e.g. close=legacy_close); repeatable",
    "prefix": "put this before every migrated project's name, e.g. legacy_",
    "modernize": "add anywhere and edge placement weights and busy backgrounds to the original's corners on white",
    "carriers": "carriers compose makes per project from its icon (default 8; 0: none)",
    "count": "augmented images per carrier (default: the original's image total over the carriers)",
})
def migrate(c, path, project=None, rename=None, prefix="", modernize=False, carriers=8, count=None):
    """Turn a dl_image_manager checkout into dlimgmgr projects (inv --dry: print the plan only).

    Never writes to an existing project; a second run changes nothing.
    """
    from .lib import migrate as migrate_lib

    options = migrate_lib.Options(
        prefix=prefix or "", rename=parse_pairs("--rename", rename or []), only=list(project or []),
        modernize=bool(modernize), carriers=parse_number("--carriers", carriers, int),
        count=None if count is None else parse_number("--count", count, int))
    if options.carriers < 0 or (options.count or 0) < 0 or options.carriers > 999:
        raise Exit("error: --carriers must be 0..999 and --count 0 or more", code=1)
    dry = settings.is_dry(c)
    report = migrate_lib.migrate(settings.workspace(c), path, options, dry=dry)
    print("\n".join((["dry run: nothing is changed"] if dry else []) + report.lines + [report.summary(dry)]))


@settings.task(iterable=["project"], help={
    "project": "project to check; repeat for several (default: all, unless --mix is given)",
    "mix": "check this mix (dist/NAME.tar.gz) or VOC folder for leakage: a carrier or identical bytes in two splits",
})
def check(c, project=None, mix=None):
    """Validate every master and built annotation against its image, or a mix for leakage; exit 1 on any problem.

    One line per problem; problems of one cause (a class project.yaml does not list, one size
    mismatch) shared by 4 or more become one line with the count and the fix, then 3 examples. A
    notebook committed with outputs is a warning."""
    from .lib import checks, problem_groups
    from .lib.notebook import outputs

    if mix:
        leaked = _check_mix(c, mix)
        if not project:
            if leaked:
                raise Exit(f"error: {leaked} leak(s), one per line above; mix again (inv mix) or fix the folder", code=1)
            return
    ws = settings.workspace(c)
    report = checks.check_projects(ws, project or None)
    for line in problem_groups.lines(report.problems):
        print(line)
    for line in outputs.warnings(ws.root, project or None):   # a warning: the exit code stays
        print(line, file=sys.stderr)
    summary = (f"checked {report.annotations} annotation(s) and {report.images} image(s) "
               f"in {report.projects} project(s)")
    if report.problems or (mix and leaked):
        raise Exit(f"error: {summary}: {len(report.problems)} problem(s) of {problem_groups.causes(report.problems)} "
                   f"cause(s), {leaked if mix else 0} leak(s), one line per cause or leak above; fix them and run "
                   f"inv dlimgmgr.check again", code=1)
    print(f"{summary}: no problems")


def _check_mix(c, target: str) -> int:
    """Print the leakage lines and summary of a mix or VOC folder; the number of leaks."""
    from .lib.mix import leakage

    found = leakage.check(settings.workspace(c), str(target))
    for line in found.lines():
        print(line)
    print(found.summary())
    return found.leaks


@settings.task(iterable=["project"], help={
    "project": "project to count; repeat for several (default: all)",
    "json": "print the numbers as JSON instead of tables",
})
def stats(c, project=None, json=False):
    """Counts per project and class (master and build), box sizes, and the newest mix's splits."""
    from .lib import stats as stats_lib

    data = stats_lib.collect(settings.workspace(c), project or None)
    if json:
        import json as json_lib
        print(json_lib.dumps(data, indent=2, ensure_ascii=False))
    else:
        print("\n".join(stats_lib.render(data)))


@settings.task(iterable=["project"], help={
    "project": "project to build; repeat for several (default: the profile's projects, or all)",
    "jobs": "worker processes per dataaug host (default: config dlimgmgr.jobs; 0 = its jobs: or all its cores)",
    "force": "rebuild even when no input changed",
    "profile": "image-size profile from invoke.yaml (default: config dlimgmgr.profile)",
})
def build(c, project=None, jobs=None, force=False, profile=None):
    """Augment projects' master carriers into projects/NAME/build/; unchanged ones are skipped.

    Runs on the dataaug hosts, shared by their cores (`local`: this machine). Writes
    NAME_NNNNNN.jpg + VOC .xml with boxes that follow the geometry, byte-identical for any --jobs
    or number of hosts; an interrupted build leaves the previous build/ as it was.
    """
    from .lib import dataaug as build_lib
    from .lib.errors import UserError

    ws = settings.workspace(c, profile)
    try:
        n_jobs = int(settings.pick(jobs, ws.jobs) or 0)
    except ValueError:
        n_jobs = -1
    if n_jobs < 0:
        raise UserError(f"--jobs {jobs!r} is not a whole number >= 0; give e.g. --jobs 2 (0 = all cores)")
    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.build(ws, project or [], force))
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


@settings.task(help={
    "name": "dataset name: dist/NAME.tar.gz with top folder NAME/ (default: config dlimgmgr.mix.name)",
    "projects": "comma-separated projects, e.g. close,kanji (default: config mix.projects, the profile's, or all)",
    "train": "share of each project's images for train (default: config mix.train, 0.8)",
    "val": "share for val (default: config mix.val, 0.2)",
    "test": "share for test (default: config mix.test, 0); test-only projects go to test whole",
    "seed": "seed of the split (default: config mix.seed)",
    "remap": "rename classes, e.g. closebcow=close,closegb=close (default: config mix.remap)",
    "profile": "image-size profile the builds must match (default: config dlimgmgr.profile)",
    "format": "formats in the one archive: voc, yolo, coco, comma-separated (default: config mix.formats, voc)",
    "negatives": "keep images with no object (default: config mix.negatives, off: the ssd.pytorch family "
                 "crashes on them)",
})
def mix(c, name=None, projects=None, train=None, val=None, test=None, seed=None, remap=None, profile=None,
        negatives=None, format=None):
    """Mix projects' builds into one Pascal VOC dataset: dist/NAME.tar.gz + dist/NAME.manifest.json.

    The train/val/test ratio is applied within each project, seeded; every annotation is checked
    first; the same builds and settings give a byte-identical archive.
    """
    from .lib import mix as mix_lib

    conf = settings.cfg(c).mix
    names = parse_names(projects) or list(conf.get("projects") or [])
    options = dict(train=parse_number("--train", settings.pick(train, conf.train)),
                   val=parse_number("--val", settings.pick(val, conf.val)),
                   test=parse_number("--test", settings.pick(test, conf.test)),
                   seed=parse_number("--seed", settings.pick(seed, conf.seed), int),
                   remap=parse_remap(settings.pick(remap, conf.get("remap") or {})),
                   negatives=bool(settings.pick(negatives, conf.get("negatives", False))),
                   formats=parse_names(settings.pick(format, conf.get("formats") or ["voc"])))
    ws, name = settings.workspace(c, profile), settings.pick(name, conf.name)
    if settings.is_dry(c):  # the run's own decision (lib.mix.plan): a mix it would refuse fails alike
        return settings.show_plan(mix_lib.plan(ws, name, names, **options))
    result = mix_lib.mix(ws, name, names, **options)
    print(result.summary())


@settings.task(help={"timeout": "seconds to wait for each host (default 10)"})
def hosts(c, timeout=10):
    """Check every role's host and what its role needs: reachable, key, auth, target_home, python, role.

    role: pytorch's dataset_dir parent is writable; a Label Studio role's server answers and takes
    the token. Prints one table row per role entry, then one `problem:` line per failure; exit 1.
    """
    from .lib import hostcheck

    checks = hostcheck.check_hosts(settings.workspace(c), timeout=float(timeout))
    print("\n".join(hostcheck.table(checks)))
    failed = [chk for chk in checks if not chk.ok]
    for chk in failed:
        for problem in chk.problems:
            print(f"problem: {problem}")
    if failed:
        raise Exit(f"error: {len(failed)} of {len(checks)} host check(s) failed; see 'problem:' above", code=1)


@settings.task(help={
    "host": "host name or address, as written in the hosts file",
    "port": "SSH port (default: the hosts file's port for that host, else 22)",
    "yes": "add the key without asking (for scripts; check the fingerprint first)",
})
def trust(c, host, port=None, yes=False):
    """Show HOST's SSH host key fingerprint and add it to the hosts file's known_hosts once confirmed."""
    from .console import confirm
    from .lib import hostcheck

    if settings.is_dry(c):   # no connection, no key added: trusting is a person's decision
        return settings.show_plan([f"would connect to {host} (port {port or 'from the hosts file, else 22'}), "
                                   "show its host key fingerprint and, once confirmed, add it to known_hosts"])
    offer = hostcheck.offered_key(settings.workspace(c), host, port)
    print(f"{offer.name} offers {offer.key.get_name()} key {offer.fingerprint}")
    if offer.trusted:
        print(f"already trusted in {offer.known_hosts}")
        return
    for fingerprint in offer.replaced:
        print(f"WARNING: {offer.known_hosts} holds a DIFFERENT {offer.key.get_name()} key {fingerprint} "
              f"for {offer.name}; it will be replaced")
    if not yes and not confirm(f"Add it to {offer.known_hosts}? Compare the fingerprint with "
                               f"`ssh-keygen -lf` on the host."):
        raise Exit(f"error: {offer.name}: key not added; check the fingerprint, then answer y or pass --yes", code=1)
    hostcheck.trust(offer)
    print(f"added {offer.name} {offer.fingerprint} to {offer.known_hosts}")


@settings.task(name="distribute-config", help={"timeout": "seconds to wait for each host (default 10)"})
def distribute_config(c, timeout=10):
    """Copy the hosts file and the secrets file (mode 0600) into every host's target_home."""
    from .lib import hostcheck

    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.distribute_config(settings.workspace(c)))
    for line in hostcheck.distribute_config(settings.workspace(c), timeout=float(timeout)):
        print(line)


@settings.task(help={
    "mix": "mix to report on: dist/MIX.tar.gz (default: the newest mix, unless --project alone is given)",
    "project": "project to report on (its master and build); with --mix, only its images in that mix",
})
def report(c, mix=None, project=None):
    """Write one self-contained HTML report (counts, histograms, heatmaps, problems, contact sheets,
    provenance) of a mix or a project; prints its path."""
    from .lib import report as report_lib

    if settings.is_dry(c):
        return settings.show_plan(report_lib.plan_report(settings.workspace(c), mix=mix, project=project))
    print(report_lib.write_report(settings.workspace(c), mix=mix, project=project).summary())


# --- flag values as the library takes them ----------------------------------------------------

def parse_names(text) -> list[str]:
    """`a,b` (a flag) or a list (config) -> ['a', 'b']."""
    parts = text.split(",") if isinstance(text, str) else list(text or [])
    return [str(n).strip() for n in parts if str(n).strip()]


def parse_number(flag: str, value, kind=float):
    from .lib.errors import UserError

    try:
        return kind(value)
    except (TypeError, ValueError):
        what = "a whole number" if kind is int else "a number"
        raise UserError(f"{flag} must be {what} (got {value!r})") from None


def parse_pairs(flag: str, values) -> dict:
    """['old=new', 'a=b,c=d'] (a repeatable flag) -> {old: new, a: b, c: d}."""
    from .lib.errors import UserError

    pairs = {}
    for part in (p.strip() for v in values for p in str(v).split(",")):
        old, sep, new = (s.strip() for s in part.partition("="))
        if part and (not sep or not old or not new):
            raise UserError(f"{flag} {part!r} is not old=new; write e.g. {flag} close=legacy_close")
        if part:
            pairs[old] = new
    return pairs


def parse_remap(text) -> dict:
    """`old=new,old2=new2` (a flag) or a mapping (invoke.yaml) -> {old: new}."""
    from .lib.errors import UserError

    if hasattr(text, "items"):
        return {str(k): str(v) for k, v in text.items()}
    remap = {}
    for part in str(text or "").split(","):
        old, sep, new = (s.strip() for s in part.partition("="))
        if not part.strip():
            continue
        if not sep or not old or not new:
            raise UserError(f"--remap {part.strip()!r} is not old=new; write e.g. --remap closebcow=close,closegb=close")
        if remap.get(old, new) != new:
            raise UserError(f"remap maps {old!r} twice ({remap[old]} and {new}); keep one")
        remap[old] = new
    return remap


ns = Collection("dlimgmgr")
for _task in (new, import_, migrate, check, stats, build, mix, report, hosts, trust, distribute_config):
    ns.add_task(_task)
