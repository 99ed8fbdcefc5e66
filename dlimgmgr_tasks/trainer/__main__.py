"""python -m dlimgmgr_trainer --dataset DIR --out DIR --run ID --classes JSON [--heldout DIR]
       [--steps N | --minutes M] [--device auto|cpu|cuda] [--seed S] [--meta FILE]

Trains the fitness model on DIR's train split, writes OUT/ID.pt (the weights) and OUT/ID.json
(AP50 per class and mean on val, test when there is one, and the held-out scenes; the settings,
the device, the time; FILE's JSON merged in), each under a temp name, then renamed. Progress goes
to stdout, one line at a time. Exit 0, 1 with one `error: ...` line on stdout, 130 when stopped: Ctrl-C,
SIGTERM, its parent (the SSH session) gone, or its stdout closed (the orchestrator went away).
The error line is also written to OUT/ID.error, so the orchestrator can say it as its one line.
"""
from __future__ import annotations

import argparse
import json
import os
import select
import signal
import sys
import threading
import time
from datetime import datetime, timezone

from . import train as train_lib
from .data import Split, all_ids, split_ids

PR_SET_PDEATHSIG = 1


def say(line: str) -> None:
    print(line, flush=True)


def _stop(*_):
    raise KeyboardInterrupt


def _watch_stdout() -> None:
    """A thread that ends the run when nobody reads stdout any more (POLLERR on a pipe whose
    reader closed): a dropped SSH channel whose session process lingers still stops it."""
    fd = sys.stdout.fileno()
    poller = select.poll()
    poller.register(fd, select.POLLERR | select.POLLHUP)

    def run():
        while True:
            if any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poller.poll(500)):
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(10)          # a step the handler cannot interrupt: end it anyway
                os._exit(130)
    threading.Thread(target=run, daemon=True).start()


def _guard() -> None:
    signal.signal(signal.SIGTERM, _stop)
    try:   # Linux: SIGTERM here when the parent (sshd's session, or the orchestrator) dies
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass
    try:
        _watch_stdout()
    except (OSError, ValueError):
        pass


def _write(path: str, data: bytes) -> None:
    tmp = f"{path}.part-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _side(root: str, ids: list[str], device: str) -> int:
    from PIL import Image

    with Image.open(os.path.join(root, "JPEGImages", f"{ids[0]}.jpg")) as im:
        side = max(im.size)
    return min(side, train_lib.CPU_SIDE) if device == "cpu" else side


def _sets(args) -> list[Split]:
    sets = [Split("val", args.dataset, split_ids(args.dataset, "val"))]
    test = split_ids(args.dataset, "test")
    if test:
        sets.append(Split("test", args.dataset, test))
    if args.heldout:
        sets.append(Split("heldout", args.heldout, all_ids(args.heldout)))
    return [s for s in sets if len(s)]


def run(args) -> dict:
    import torch

    classes = json.loads(args.classes)
    device = train_lib.pick_device(args.device)
    train_ids = split_ids(args.dataset, "train")
    if not train_ids:
        raise RuntimeError(f"{args.dataset}: no train split (ImageSets/Main/train.txt); mix with --train > 0")
    torch.manual_seed(args.seed)
    side = _side(args.dataset, train_ids, device)
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    say(f"training {train_lib.MODEL} from scratch on {len(train_ids)} images, {len(classes)} classes, "
        f"{side}x{side}, on {name}" + (" (the small CPU mode: a smoke, not a measure)" if device == "cpu" else ""))
    model = train_lib.build_model(classes, side, device)
    started = datetime.now(timezone.utc)
    trained = train_lib.fit(model, Split("train", args.dataset, train_ids), classes, device,
                            steps=args.steps, seconds=args.minutes * 60 if args.minutes else None,
                            seed=args.seed, say=say)
    results = {s.name: train_lib.evaluate(model, s, classes, device, say) for s in _sets(args)}
    weights = os.path.join(args.out, f"{args.run}.pt")
    tmp = f"{weights}.part-{os.getpid()}"
    try:
        torch.save(model.state_dict(), tmp)
        os.replace(tmp, weights)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    meta = {}
    if args.meta:
        with open(args.meta, encoding="utf-8") as f:
            meta = json.load(f)
    return {**meta, "run": args.run, "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "device": {"kind": device, "name": name},
            "versions": {"torch": torch.__version__, "torchvision": _tv_version()},
            "settings": {**meta.get("settings", {}), "model": train_lib.MODEL, "input_side": side,
                         "batch": train_lib.BATCH[device], "lr": train_lib.LR, "seed": args.seed,
                         "steps": args.steps, "minutes": args.minutes, "device": args.device,
                         "pretrained": False},
            "training": trained, "ap50": results, "weights": weights, "classes": classes}


def _tv_version() -> str:
    import torchvision
    return torchvision.__version__


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dlimgmgr_trainer")
    p.add_argument("--dataset", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--classes", required=True, help="the class names as a JSON list")
    p.add_argument("--heldout")
    p.add_argument("--steps", type=int)
    p.add_argument("--minutes", type=float)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--meta")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    _guard()
    try:
        os.makedirs(args.out, exist_ok=True)
        result = run(args)
        path = os.path.join(args.out, f"{args.run}.json")
        _write(path, (json.dumps(result, indent=2) + "\n").encode())
        say(f"wrote {path}")
        return 0
    except KeyboardInterrupt:
        print("error: interrupted; no result was written", file=sys.stderr, flush=True)
        return 130
    except ImportError as exc:
        return _fail(args, f"{sys.executable} cannot import {exc.name or exc} (not the trainer venv?); install "
                           f"torch and torchvision there (dlimgmgr_tasks/trainer/requirements.txt), or drop fitness_python from the hosts file to have one made")
    except (RuntimeError, OSError, ValueError) as exc:
        return _fail(args, str(exc))


def _fail(args, why: str) -> int:
    """One `error: ...` line, on stdout with the progress and in OUT/RUN.error for the orchestrator
    (which shows it as its one line)."""
    line = f"error: {why}".replace("\n", " ")
    say(line)
    try:
        _write(os.path.join(args.out, f"{args.run}.error"), (line + "\n").encode())
    except OSError:
        print(line, file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
