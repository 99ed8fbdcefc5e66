"""The `dataaug` namespace: thin tasks over dlimgmgr_tasks.lib."""
from invoke import Collection, task  # noqa: F401

from . import settings  # noqa: F401


@task(help={"name": "the project (projects/NAME)",
            "profile": "image-size profile from invoke.yaml (default: dlimgmgr.profile, e.g. ssd 400x400)"})
@settings.user_errors
def compose(c, name, profile=None):
    """Make a project's carrier images and pre-label VOC XML in projects/NAME/master/.

    Pastes the project's sources as project.yaml's compose: section says (count, placement,
    per_carrier, margin, scale, background); only files whose bytes change are written, and an
    XML a person edited is kept. --profile: image-size profile (default: config dlimgmgr.profile).
    """
    from .lib import compose as lib_compose, projects

    size = settings.profile(c, profile).size
    result = lib_compose.compose(projects.load(settings.root(c), name), size)
    print(result.summary())


@task(help={"name": "the project (projects/NAME)",
            "build": "draw the built images (projects/NAME/build/) instead of the master carriers",
            "limit": "at most this many thumbnails, sampled evenly (default 48)"})
@settings.user_errors
def preview(c, name, build=False, limit=None):
    """Write a contact-sheet PNG of a project's carriers (or --build images) with boxes; print its path.

    The sheet lands in build/previews/NAME-master.png (or NAME-build.png). --limit: at most this
    many thumbnails (default 48), sampled evenly over all images.
    """
    from .lib import preview as lib_preview, projects
    from .lib.errors import UserError

    try:
        limit = int(settings.pick(limit, lib_preview.DEFAULT_LIMIT))
    except ValueError:
        raise UserError(f"--limit must be a whole number (got {limit!r})") from None
    root = settings.root(c)
    print(lib_preview.preview_project(root, projects.load(root, name), build=bool(build), limit=limit))


ns = Collection("dataaug")
ns.add_task(compose)
ns.add_task(preview)
