"""Top-level shortcuts: `inv build`, `inv mix`, `inv deploy`, `inv all`.

build, mix and deploy are the same task objects as dlimgmgr.build, dlimgmgr.mix and
pytorch.deploy. None takes a positional argument (build's projects are a repeatable --project
flag), so `inv build mix deploy` chains on one command line.
"""
from . import settings
from .dlimgmgr import build, mix
from .pytorch import deploy


@settings.task(name="all", help={"profile": "image-size profile from invoke.yaml for build and mix (default: config dlimgmgr.profile)"})
def all_(c, profile=None):
    """Build every project, mix them into one dataset and deploy it: the README's main job."""
    # The task bodies, called in order: each one's config defaults apply, and a failing step
    # stops the chain with its own one-line error before the next step touches anything.
    build(c, profile=profile)
    if settings.is_dry(c):
        from .lib import plans

        ws = settings.workspace(c, profile)
        if plans.outdated(ws, [], False):   # the mix would check builds that do not exist yet
            return settings.show_plan(plans.mix_after_build(ws, settings.cfg(c).mix.name))
    mix(c, profile=profile)
    deploy(c)


TASKS = [build, mix, deploy, all_]
