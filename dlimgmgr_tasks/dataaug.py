"""The `dataaug` namespace: thin tasks over dlimgmgr_tasks.lib."""
from invoke import Collection

from . import settings


PROJECTS_HELP = {"name": "the project (projects/NAME); or -p NAME, repeated; none: every project",
                 "project": "a project (repeat for several; with no NAME and no -p: every project)"}


@settings.task(positional=["name"], iterable=["project"],
               help={**PROJECTS_HELP,
                     "profile": "image-size profile from invoke.yaml (default: dlimgmgr.profile, e.g. ssd 400x400)"})
def compose(c, name=None, project=None, profile=None):
    """Make projects' carrier images and pre-label VOC XML in projects/NAME/master/.

    Pastes the project's sources as project.yaml's compose: section says (count, placement,
    per_carrier, margin, scale, background); only files whose bytes change are written, and an
    XML a person edited is kept. --profile: image-size profile (default: config dlimgmgr.profile).
    NAME or -p NAME (repeatable): the projects; none named: every project.
    """
    from .lib import dataaug as build_lib

    ws = settings.workspace(c, profile)
    projects = ws.projects(settings.project_names(name, project))
    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan([ln for p in projects for ln in plans.compose(ws, p.name)])
    with ws.host("dataaug") as host:  # the (first) dataaug host; the carriers come back into master/
        for one in projects:
            print(build_lib.compose_on(host, one, ws.profile.size))


@settings.task(positional=["name"], iterable=["project"],
               help={**PROJECTS_HELP, "build": "draw the built images (projects/NAME/build/) instead of the master carriers",
            "limit": "at most this many thumbnails, sampled evenly (default 48)",
            "coverage": "instead: a PNG of box-centre heatmaps and size/aspect histograms per class, and a summary"})
def preview(c, name=None, project=None, build=False, limit=None, coverage=False):
    """Write a contact-sheet PNG of each project's carriers (or --build images) with boxes; print its path.

    The sheet lands in build/previews/NAME-master.png (or NAME-build.png). --limit: at most this
    many thumbnails (default 48), sampled evenly over all images. --coverage: instead writes
    NAME-master-coverage.png (or -build-) and prints its path and a one-line summary. NAME or
    -p NAME (repeatable): the projects; none named: every project.
    """
    from .lib import preview as lib_preview
    from .lib.errors import UserError

    try:
        limit = int(settings.pick(limit, lib_preview.DEFAULT_LIMIT))
    except ValueError:
        raise UserError(f"--limit must be a whole number (got {limit!r})") from None
    ws = settings.workspace(c)
    projects = ws.projects(settings.project_names(name, project))
    if settings.is_dry(c):
        return settings.show_plan([f"would draw {one.name}'s {'built images' if build else 'carriers'} into "
                                   f"{lib_preview.sheet_path(one, bool(build), bool(coverage))}" for one in projects])
    for one in projects:
        if coverage:
            from .lib import coverage as lib_coverage
            path, cov = lib_coverage.coverage_project(one, build=bool(build))
            print(path)
            print(cov.summary(one.name))
        else:
            print(lib_preview.preview_project(one, build=bool(build), limit=limit))


@settings.task(help={"python": "interpreter that makes the virtual environment there (default python3)",
            "pip_args": "extra pip install arguments, e.g. '--index-url URL' (default none)",
            "notebook": "also make target_home/.venv-notebook (JupyterLab, scripts/requirements-notebook.txt)"})
def prepare(c, python=None, pip_args=None, notebook=False):
    """Ready the dataaug hosts: sync the framework, make target_home/.venv where no python: is set.

    The framework is synced into target_home/.dlimgmgr/tree (the tool's; the person's clone beside
    it is never written). For a host without python: in the hosts file, makes a virtual environment
    from requirements.txt and prints what to add (python: .venv/bin/python); for every host, checks
    its library versions match this machine's (they decide the build's bytes). --python: the
    interpreter that makes the venv there (default python3); --pip-args: extra pip arguments;
    --notebook: also target_home/.venv-notebook for inv dataaug.notebook (default off).
    """
    from .lib import dataaug as build_lib

    ws = settings.workspace(c)
    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.prepare(ws))
    base, extra = settings.pick(python, "python3"), settings.pick(pip_args, "")
    for host in ws.role_hosts("dataaug"):
        with host:
            print(build_lib.prepare(host, ws, base, extra))
            if notebook:
                from .lib.notebook.venv import prepare_notebook
                print(prepare_notebook(host, ws, base, extra))


@settings.task(positional=["name"], help={
    "name": "open this project's notebooks/NAME.ipynb (default: the file browser)",
                     "port": "local port for the URL (default: the server's own port if free, else any free one)"})
def notebook(c, name=None, port=None):
    """Start JupyterLab on the (first) dataaug host in its target_home; print the URL; Ctrl-C stops it.

    The server listens on 127.0.0.1 there and a local port is forwarded over the SSH connection
    (on a `local` host it is started directly). It comes from target_home/.venv-notebook: make
    it with inv dataaug.prepare --notebook. --port: the local port (default: any free one).
    """
    from .lib.notebook import server
    from .lib.projects import check_name

    name = name or None      # left out: "" (DlTask's optional positional)
    if name is not None:
        check_name(name)
    ws = settings.workspace(c)
    with ws.host("dataaug") as host:
        server.serve(host, name, port)


ns = Collection("dataaug")
for _task in (compose, preview, prepare, notebook):
    ns.add_task(_task)
