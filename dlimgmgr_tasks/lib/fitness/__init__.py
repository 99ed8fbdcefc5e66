"""`inv pytorch.fitness`: does the deployed dataset teach? Train a small detector from scratch on
the pytorch host and measure VOC AP50 on val, test (when the mix has one) and held-out scenes.

`fitness(ws, name=None, minutes=None, steps=None, device="auto", heldout=20, seed=0)`:
1. the mix (named, else the newest in dist/) must be the one in its dataset_dir on the host (the
   deploy's lock record holds the sha256 of what is there);
2. the trainer venv: hosts.yaml's `fitness_python:` when given, else target_home/.venv-fitness,
   made on the first run from dlimgmgr_tasks/trainer/requirements.txt (pinned torch and torchvision;
   never a dependency of the orchestrator);
3. one stream sends a kit to target_home/.dlimgmgr/fitness/RUN/: the trainer package
   (dlimgmgr_tasks/trainer, self-contained), the pins, the run's metadata, and the held-out scenes
   (lib/fitness/heldout.py);
4. the trainer runs there with its progress streamed; its weights and JSON land beside the dataset,
   in <dataset_dir>.fitness/RUN.pt and RUN.json; the JSON comes back to dist/NAME.fitness.json and
   the mix's history dist/NAME.fitness.jsonl (lib/fitness/results.py).
Ctrl-C drops the SSH connection: the trainer's parent goes and it stops within seconds (SIGTERM by
PR_SET_PDEATHSIG, and a closed stdout); nothing reaches dist/.
"""
from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from .. import deploy as deploy_lib
from .. import mixes
from ..errors import UserError
from ..hashing import sha256_file
from ..text import shown
from . import heldout as heldout_lib, results

TRAINER = Path(__file__).resolve().parent.parent.parent / "trainer"
PINS = TRAINER / "requirements.txt"   # the trainer venv's own pins: torch, torchvision
PACKAGE = "dlimgmgr_trainer"      # the trainer's package name on the host
KITS = ".dlimgmgr/fitness"        # under target_home: one kit folder per run, removed after it
VENV = ".venv-fitness"            # under target_home: the trainer venv a first run makes
DEVICES = ("auto", "cpu", "cuda")
DEFAULT_MINUTES = 10.0


def check_budget(minutes, steps, device, heldout) -> tuple[float | None, int | None]:
    if minutes is not None and steps is not None:
        raise UserError("give --minutes or --steps, not both")
    if device not in DEVICES:
        raise UserError(f"--device {device!r}: use one of {', '.join(DEVICES)}")
    if steps is not None and steps < 1:
        raise UserError(f"--steps {steps}: give a whole number of training steps >= 1")
    if minutes is not None and not minutes > 0:
        raise UserError(f"--minutes {minutes}: give a time > 0")
    if heldout < 0:
        raise UserError(f"--heldout {heldout}: give a number of scenes per project >= 0")
    return (DEFAULT_MINUTES if minutes is None and steps is None else minutes), steps


def _locate(host, manifest: dict) -> str:
    """The dataset folder of the mix on the host, absolute; a UserError unless it holds this mix.
    The deploy's lock record sits beside the folder it swapped (vocdevkit: VOCdevkit, the year in it)."""
    name = manifest["name"]
    swapped, inner = deploy_lib.swap_target(host.config, name, deploy_lib.has_test_split(manifest))
    target = f"{swapped}/{inner}" if inner else swapped
    out = host.run(f"d={host.quote(swapped)}; if [ -d \"$d\" ]; then cd -- \"$d\" && pwd && "
                   f"cat -- \"../.$(basename -- \"$PWD\").lock\" 2>/dev/null; fi; exit 0",
                   what="finding the deployed dataset", timeout=60)
    where, _, record = out.partition("\n")
    try:
        current = json.loads(record or "{}").get("current")
    except ValueError:
        current = None
    where = f"{where.strip()}/{inner}" if where.strip() and inner else where.strip()
    if not where:
        raise UserError(f"{host.label}: {target} is not there; deploy the mix first: inv deploy --name {name}")
    if current != manifest["sha256"]:
        raise UserError(f"{host.label}: {where} does not hold the mix {name} of dist/ (sha256 "
                        f"{manifest['sha256'][:12]}...); deploy it first: inv deploy --name {name}")
    return where


def plan(ws, name, minutes, steps, device, heldout) -> list[str]:
    """What `inv --dry pytorch.fitness` prints; it connects to nothing."""
    try:
        minutes, steps = check_budget(minutes, steps, device, heldout)
        manifest = mixes.read(mixes.find(ws, name))
    except UserError as exc:
        return [f"would stop: {exc}"]
    config = ws.hosts.one(deploy_lib.ROLE)
    target = deploy_lib.dataset_dir(config, manifest["name"], deploy_lib.has_test_split(manifest))
    venv = config.fitness_python_path or f"{config.target_home}/{VENV} (made there if missing)"
    budget = f"{steps} steps" if steps is not None else f"{minutes:g} minutes"
    return [f"would train {manifest['name']} on {config.label} ({target}) for {budget}, device {device}, with {venv}",
            f"would write {target}.fitness/RUN.pt and RUN.json there and "
            f"{shown(results.latest_path(ws.dist_dir, manifest['name']), ws.root)} here"]


def _trainer_python(host) -> str:
    """The trainer venv's python there: fitness_python, or target_home/.venv-fitness made (once) now."""
    given = host.config.fitness_python_path
    if given:
        return given
    venv = f"{host.home}/{VENV}"
    want = sha256_file(PINS)
    ready = host.run(f"v={host.quote(venv)}; [ -x \"$v/bin/python\" ] && [ \"$(cat \"$v/.pins.sha256\" 2>/dev/null)\" "
                     f"= {want} ] && echo ready; exit 0", what="looking for the trainer venv", timeout=60)
    if ready.strip() != "ready":
        _make_venv(host, venv, want)
    return f"{venv}/bin/python"


def _make_venv(host, venv: str, want: str) -> None:
    print(f"making the trainer venv {venv} on {host.label} (torch and torchvision, pinned in "
          f"{PINS.name}; several GB, minutes; once)", flush=True)
    kit = f"{host.home}/{KITS}/pins"
    host.run(f"mkdir -p -- {host.quote(kit)}", what="making the kit folder")
    host.put_file(PINS, f"{kit}/{PINS.name}")
    q = host.quote
    base = host.python if host.config.python else "python3"
    code = host.stream(f"v={q(venv)}; {{ [ -x \"$v/bin/python\" ] || {base} -m venv \"$v\"; }} && "
                       f"\"$v/bin/python\" -m pip install -q --disable-pip-version-check -r {q(kit + '/' + PINS.name)} "
                       f"&& echo {want} > \"$v/.pins.sha256\"")
    if code != 0:
        raise UserError(f"{host.label}: making the trainer venv {venv} failed (exit {code}, its output is above); "
                        f"install {', '.join(_pins())} in a venv there and name its python as fitness_python: "
                        f"in roles.pytorch of the hosts file")


def _pins() -> list[str]:
    return [ln.strip() for ln in PINS.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def _meta(ws, manifest: dict, host, dataset: str, settings: dict) -> dict:
    prov = manifest.get("provenance") or {}
    return {"mix": manifest["name"], "dataset_sha256": manifest["sha256"], "dataset_dir": dataset,
            "host": host.label, "classes": manifest.get("classes"),
            "images": ((manifest.get("counts") or {}).get("images")),
            "split": manifest.get("split"), "remap": manifest.get("remap"),
            "recipes": {p: info.get("recipe") for p, info in (prov.get("projects") or {}).items()},
            "profile": prov.get("profile"), "git": prov.get("git"), "settings": settings}


def _kit(ws, manifest: dict, meta: dict, per_project: int, seed: int, folder: Path) -> dict:
    pkg = folder / PACKAGE
    pkg.mkdir(parents=True)
    for src in sorted(TRAINER.glob("*.py")):
        shutil.copy2(src, pkg / src.name)
    made = heldout_lib.write_scenes(ws, manifest, folder / "heldout", per_project, seed) if per_project else {}
    meta["heldout"] = {"scenes": made, "seed": seed, "generator": "lib/fitness/heldout.py"}
    (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return made


def fitness(ws, name=None, minutes=None, steps=None, device="auto", heldout=20, seed=0) -> str:
    """Run it; the lines to print. KeyboardInterrupt(message) when stopped."""
    minutes, steps = check_budget(minutes, steps, device, heldout)
    manifest = mixes.read(mixes.find(ws, name))
    name = manifest["name"]
    run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(3)
    settings = {"steps": steps, "minutes": minutes, "device": device, "heldout_per_project": heldout, "seed": seed}
    with ws.host(deploy_lib.ROLE) as host:
        dataset = _locate(host, manifest)
        python = _trainer_python(host)
        kit = f"{host.home}/{KITS}/{run}"
        with tempfile.TemporaryDirectory(prefix="dlimgmgr-fitness.") as tmp:
            made = _kit(ws, manifest, _meta(ws, manifest, host, dataset, settings), heldout, seed, Path(tmp))
            host.push_tree(tmp, kit, replace=True)
        try:
            result = _train(host, python, kit, dataset, manifest, run, minutes, steps, device, seed, bool(made))
        finally:
            try:
                host.run(f"rm -rf -- {host.quote(kit)}", what="removing the fitness kit", timeout=30)
            except (UserError, OSError, KeyboardInterrupt):
                pass   # a kit left behind is only files; the next run uses a new folder
    ws.dist_dir.mkdir(parents=True, exist_ok=True)
    return results.summary(result, results.store(ws.dist_dir, result))


def _train(host, python, kit, dataset, manifest, run, minutes, steps, device, seed, has_heldout) -> dict:
    q = host.quote
    out = f"{dataset}.fitness"
    words = [f"--dataset={dataset}", f"--out={out}", f"--run={run}", f"--classes={json.dumps(manifest['classes'])}",
             f"--device={device}", f"--seed={seed}", f"--meta={kit}/meta.json",
             *([f"--heldout={kit}/heldout"] if has_heldout else []),
             *([f"--steps={steps}"] if steps is not None else [f"--minutes={minutes:g}"])]
    # exec: the trainer's parent is the SSH session itself, so a dropped connection reaches it.
    command = f"cd -- {q(kit)} && exec {q(python)} -m {PACKAGE} " + " ".join(q(w) for w in words)
    try:
        code = host.stream(command)
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"interrupted (Ctrl-C): the fitness run on {host.label} was stopped; "
                                f"nothing was written to dist/") from None
    if code == 130:
        raise KeyboardInterrupt(f"interrupted: the fitness run on {host.label} was stopped; nothing was written to dist/")
    if code != 0:
        why = host.run(f"f={q(f'{out}/{run}.error')}; cat -- \"$f\" 2>/dev/null; rm -f -- \"$f\"; exit 0",
                       what="reading the trainer's error", timeout=60).strip()
        why = why[len("error: "):] if why.startswith("error: ") else f"exit {code}; its output is above"
        raise UserError(f"{host.label}: the fitness run failed: {why}")
    text = host.run(f"cat -- {q(f'{out}/{run}.json')}", what="fetching the fitness result", timeout=60)
    try:
        return json.loads(text)
    except ValueError:
        raise UserError(f"{host.label}: {out}/{run}.json is not readable JSON; run inv pytorch.fitness again") from None
