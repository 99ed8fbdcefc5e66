"""Top-level shortcuts: `inv build`, `inv mix`, `inv deploy`, `inv all`."""
from invoke import task  # noqa: F401

TASKS: list = []
