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


@settings.task(help={
    "name": "the mix to measure, deployed there (default: the newest mix in dist/)",
    "minutes": "training budget in minutes (default: 10 when --steps is not given)",
    "steps": "training budget in steps instead of minutes",
    "device": "auto (cuda when the host has it, else cpu), cpu or cuda (default: auto)",
    "heldout": "held-out scenes per project, pasted where compose does not paste (default: 20)",
    "seed": "seed of the training order, the weights and the held-out scenes (default: 0)",
})
def fitness(c, name=None, minutes=None, steps=None, device="auto", heldout=20, seed=0):
    """Train a small detector from scratch on the deployed mix; AP50 on val, test and held-out scenes.

    Runs on the pytorch role in its own venv (hosts.yaml fitness_python:, else target_home/.venv-fitness
    made on the first run from dlimgmgr_tasks/trainer/requirements.txt). Weights and JSON land beside the
    dataset (<dataset_dir>.fitness/); the JSON comes back to dist/NAME.fitness.json, every run to
    dist/NAME.fitness.jsonl (inv dlimgmgr.report shows the history). A CPU run is a smoke, not a measure.
    """
    from .lib import fitness as fitness_lib

    if settings.is_dry(c):
        return settings.show_plan(fitness_lib.plan(settings.workspace(c), name, minutes, steps, device, heldout))
    print(fitness_lib.fitness(settings.workspace(c), name, minutes=minutes, steps=steps, device=device,
                              heldout=heldout, seed=seed))


ns = Collection("pytorch")
for _task in (deploy, rollback, train, fitness):
    ns.add_task(_task)
