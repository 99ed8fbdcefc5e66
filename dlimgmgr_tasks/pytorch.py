"""The `pytorch` namespace: thin tasks over dlimgmgr_tasks.lib.deploy."""
from invoke import Collection

from . import settings


@settings.task(help={"name": "the mix to deploy, dist/NAME.tar.gz (default: the newest mix)"})
def deploy(c, name=None):
    """Upload the newest (or --name) mix to the pytorch role, verify it there, swap it in atomically.

    The previous dataset stays as <dataset_dir>.prev (inv pytorch.rollback swaps it back);
    dataset_dir defaults to target_home/datasets/NAME. Archives whose members climb out
    ('..', absolute paths, outside links, devices) are refused before anything is written.
    """
    from .lib import deploy as deploy_lib

    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.deploy(settings.workspace(c), name))
    print(deploy_lib.deploy(settings.workspace(c), name))


@settings.task
def rollback(c):
    """Swap the pytorch role's previous dataset (<dataset_dir>.prev) back in; again to undo."""
    from .lib import deploy as deploy_lib

    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.rollback(settings.workspace(c)))
    print(deploy_lib.rollback(settings.workspace(c)))


@settings.task
def train(c):
    """Run the pytorch role's train_command (hosts.yaml) in its target_home, streaming its output."""
    from .lib import deploy as deploy_lib

    if settings.is_dry(c):
        from .lib import plans
        return settings.show_plan(plans.train(settings.workspace(c)))
    deploy_lib.train(settings.workspace(c))


ns = Collection("pytorch")
for _task in (deploy, rollback, train):
    ns.add_task(_task)
