"""Top-level shortcuts: `inv build`, `inv mix`, `inv deploy`, `inv all`."""
from invoke import task  # noqa: F401

TASKS: list = []

# `inv build` is the same task object as `inv dlimgmgr.build`; --project is a flag so that
# `inv build mix deploy` chains.
from .dlimgmgr import build  # noqa: E402

TASKS.append(build)

# `inv mix` / `inv deploy` are the same task objects as `inv dlimgmgr.mix` / `inv pytorch.deploy`;
# neither takes a positional argument, so `inv build mix deploy` chains.
from .dlimgmgr import mix  # noqa: E402
from .pytorch import deploy  # noqa: E402

TASKS += [mix, deploy]
