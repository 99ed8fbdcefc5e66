"""The `dlimgmgr` namespace: thin tasks over dlimgmgr_tasks.lib."""
from invoke import Collection, task  # noqa: F401

from . import settings  # noqa: F401

ns = Collection("dlimgmgr")
