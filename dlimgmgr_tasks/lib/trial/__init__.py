"""Trials: what a person tries in a project's notebook, in memory, nothing written.

    from dlimgmgr_tasks.lib.workspace import Workspace
    ws = Workspace.at(".")                          # invoke.yaml and its active profile, as `inv` reads them
    project = ws.project("close")
    project.show_sources()                          # the hand-cut sources, inline
    trial = project.try_compose({"scale": [1, 3]}, n=8)   # carriers with boxes and class names
    trial.coverage()                                # where the boxes fall, their sizes
    project.try_recipe([{"Affine": {"rotate": [-20, 20]}}], n=12)   # augmented samples with boxes
    project.save_settings(compose={"scale": [1, 3]})  # the only step that writes: project.yaml

Each try_* returns a `Sheet`: it shows inline in Jupyter (`_repr_png_`), saves as PNG
(`sheet.save(path)`), and keeps the very bytes compose and build would write for the same
setting (`sheet.files`: {file name: bytes}).

  sheet.py     Sheet: a grid of images with their boxes, as PNG
  compose.py   try_compose: carriers as `inv dataaug.compose` makes them
  recipe.py    try_recipe: augmented samples as `inv build` makes them
  save.py      save_settings: project.yaml, comments and key order kept (ruamel.yaml)
"""
from __future__ import annotations

from .compose import try_compose
from .recipe import try_recipe
from .save import save_settings
from .sheet import Figure, Sheet, show_sources

__all__ = ["Figure", "Sheet", "save_settings", "show_sources", "try_compose", "try_recipe"]
