"""The host-side CLI every dataaug host runs, this machine's `local` host included.

    python -m dlimgmgr_tasks.lib.hostside.dataaug items NAME WxH OUT_DIR --jobs N --tag T --expect V
        augments the items read from stdin (`CI:K0-K1 ...`) into OUT_DIR: temp-named JPEGs and
        their XML plus .records-T.jsonl (one JSON line per JPEG, in item order: its key, where
        the XML's number goes, the sha256 of both files unless --no-digests; written as the
        images are made);
        refuses when its library versions differ from V (they decide the bytes); SIGTERM or
        Ctrl-C stops the workers and removes OUT_DIR.
    python -m dlimgmgr_tasks.lib.hostside.dataaug compose NAME WxH
        composes the project's carriers here; prints what changed as one JSON line.
    python -m dlimgmgr_tasks.lib.hostside.dataaug versions
        prints the library versions that decide the build's bytes.

It runs in the host's target_home (the workspace root there); hostcall.command(host, ...) is how
the orchestrator spells a call for a Host.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

from .. import dataaug as _engine  # noqa: F401  (importing it turns off albumentations' update check)
from .. import inflight
from ..errors import UserError
from ..files import atomic_write
from ..hashing import sha256_file
from ..orphans import die_with_parent
from . import cli
from .hostcall import MODULE

VERSIONS_DIFFER = 2
PROGRESS_EVERY = 0.25   # seconds between writes of the progress file (the orchestrator polls every 0.5 s or more)


def _stop(*_):
    raise KeyboardInterrupt


def _items(args) -> int:
    from ..dataaug.plan import count_items, iter_items, lib_versions
    from ..dataaug.pool import outputs, sample
    mine = lib_versions()
    if args.expect and args.expect != mine:
        print(f"error: this host has {mine}, the orchestrator {args.expect}; outputs would differ: "
              "install the same versions (inv dataaug.prepare, requirements.txt)", file=sys.stderr)
        return VERSIONS_DIFFER
    signal.signal(signal.SIGTERM, _stop)  # the orchestrator's cancel: stop the workers, clean up
    die_with_parent(signal.SIGTERM)       # and the same when the orchestrator (or its SSH session) dies
    size = tuple(int(v) for v in args.size.lower().split("x"))
    wire = sys.stdin.read()   # one word per carrier of the share, not one per item
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    made, written = [0], [0.0]

    def done(chunk):
        made[0] += outputs(chunk, args.per_item)
        # Each write is a new file (a reader never sees half a number): a few a second, not one per chunk.
        if args.progress and time.monotonic() - written[0] >= PROGRESS_EVERY:
            atomic_write(Path(args.progress), str(made[0]).encode())
            written[0] = time.monotonic()
    records_path = out / inflight.RECORDS.format(args.tag)
    part = records_path.with_name(records_path.name + inflight.PART)
    try:
        images = 0
        with open(part, "w", encoding="utf-8") as fh:
            for rec in sample(Path.cwd(), args.name, size, iter_items(wire), count_items(wire), out, args.jobs,
                              done, digests=not args.no_digests):
                fh.write(json.dumps(rec) + "\n")
                images += 1
        os.replace(part, records_path)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    print(json.dumps({"images": images}))
    return 0


def _compose(args) -> int:
    from .. import compose as lib_compose
    from ..workspace import Workspace
    size = tuple(int(v) for v in args.size.lower().split("x"))
    project = Workspace.at(Path.cwd(), {}).project(args.name)
    result = lib_compose.compose(project, size)
    names = [p.name for p in result.written] + [p.with_suffix(".xml").name for p in result.written]
    names.append(lib_compose.PRELABELS)
    info = {"summary": result.summary(),
            "sha256": {n: sha256_file(project.master / n) for n in names},
            "removed": [n for p in result.removed for n in (p.name, p.with_suffix(".xml").name)]}
    print(json.dumps(info))
    return 0


def _versions(args) -> int:
    from ..dataaug.plan import lib_versions
    print(lib_versions())
    return 0


def _parser():
    parser = cli.Parser(prog=f"python -m {MODULE}")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("items", help="augment a share of a project's items (stdin) into OUT_DIR")
    p.add_argument("name")
    p.add_argument("size", help="WIDTHxHEIGHT")
    p.add_argument("out_dir")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--per-item", type=int, default=1, help="outputs one item makes (for progress)")
    p.add_argument("--tag", default="0")
    p.add_argument("--expect", default="", help="the orchestrator's library versions")
    p.add_argument("--progress", default="", help="a file that holds the outputs made so far")
    p.add_argument("--no-digests", action="store_true", help="no sha256 in the records (a share the orchestrator "
                   "takes from this disk, never sent)")
    c = sub.add_parser("compose", help="compose a project's carriers here; print what changed as JSON")
    c.add_argument("name")
    c.add_argument("size", help="WIDTHxHEIGHT")
    sub.add_parser("versions", help="print the library versions that decide the build's bytes")
    return parser


def main(argv=None) -> int:
    return cli.main(_parser(), {"items": _items, "compose": _compose, "versions": _versions}, argv,
                    expected=(UserError,), where=lambda args: Path(getattr(args, "out_dir", ".")).resolve())


_EXIT_CODE = [1]   # what the process ends with when main() raised instead of returning


def _skip_teardown() -> None:
    """The last exit handler (registered first, it runs last): every other has run by then --
    multiprocessing's removes its temp folder and semaphores -- so the process ends here, without
    the interpreter's teardown, which with albumentations, SciPy and OpenCV loaded takes about
    0.2 s (measured) on every build's critical path."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_CODE[0])


if __name__ == "__main__":
    atexit.register(_skip_teardown)
    _EXIT_CODE[0] = main()
    sys.exit(_EXIT_CODE[0])
