"""The fitness trainer: what `inv pytorch.fitness` runs on the pytorch host, in its own venv.

Self-contained (the standard library, torch and torchvision; no import from the rest of
dlimgmgr_tasks): the orchestrator ships these files with Host.put_file to
target_home/.dlimgmgr/fitness/dlimgmgr_trainer/ and runs `python -m dlimgmgr_trainer` there.

  ap.py        VOC AP50, all-point interpolation (standard library only)
  data.py      a deployed VOC folder (or the held-out scenes) as tensors and truths
  train.py     the model, the training loop within a budget, the evaluation
  __main__.py  the command line: arguments, signals, the JSON result and the weights
"""
