"""The names of things in flight: what a step writes before its result is in place, and what the
next run sweeps when a step was killed. Every module that makes or sweeps one imports it from
here, and so does the tests' leftovers check, so a name cannot drift between maker and sweeper.

Standard library only, no imports: it is shipped to the pytorch host with lib/hostside.

  in a project folder (the build, lib.dataaug.staging)
    .build.tmp-PID            STAGING: the orchestrator's staging folder
    .build.tmp-share-...      SHARE: a host's share folder (in that host's target_home)
    .build.old-...            OLD: the previous build/ while the new one is swapped in
    .build.lock               BUILD_LOCK: one build of a project at a time
  in projects/
    .new-NAME-XXXX            NEW_PROJECT: a project `inv dlimgmgr.new` is writing, renamed whole
    .migrate-NAME-XXXX        MIGRATING: a project `inv dlimgmgr.migrate` is writing, renamed whole
  beside any destination
    .NAME.incoming.XXXX       INCOMING: a tree or dataset being received (lib.hosts.streams, unpack)
    .NAME.old.XXXX            REPLACED: the tree a replacing receive moved aside
    .NAME.part-PID            PART: a file being written (put_file), then renamed
  in a share folder
    .records-TAG.jsonl        RECORDS: one JSON line per JPEG (.part while it is written)
  under a dataaug host's target_home (a person's working clone: the tool writes only here)
    .dlimgmgr/tree/           TOOL_TREE: the tool's synced copy that compose and build run in
  under the pytorch role's target_home
    .dlimgmgr/staging/        DEPLOY_STAGING: uploaded archives, one name per run
    .dlimgmgr/deploy.lock     DEPLOY_LOCK: one deploy or rollback at a time
"""
from __future__ import annotations

STAGING = ".build.tmp-"
SHARE = ".build.tmp-share-"
OLD = ".build.old-"
BUILD_LOCK = ".build.lock"
BUILD_GLOB = ".build.*"          # everything a build leaves in a project folder
NEW_PROJECT = ".new-"
MIGRATING = ".migrate-"
INCOMING = ".incoming."
REPLACED = ".old."
PART = ".part"
RECORDS = ".records-{}.jsonl"
TOOL_TREE = ".dlimgmgr/tree"
DEPLOY_STAGING = ".dlimgmgr/staging"
DEPLOY_LOCK = ".dlimgmgr/deploy.lock"
READY = ".ready"                 # in a prepared dataset folder: its prepare finished


def incoming(name: str) -> str:
    """The prefix of a folder received beside NAME: `.NAME.incoming.`."""
    return f".{name}{INCOMING}"


def part(name: str, pid: int | str) -> str:
    """The temp name of a file NAME being written by process PID: `.NAME.part-PID`."""
    return f".{name}{PART}-{pid}"


def is_in_flight(name: str) -> bool:
    """Whether a file or folder name is one of the names above that a finished step never leaves
    (the locks stay, empty, by design)."""
    return name != BUILD_LOCK and (name.startswith((".build.", NEW_PROJECT, MIGRATING)) or INCOMING in name
            or REPLACED in name
            or f"{PART}-" in name or (name.startswith(".records-") and name.endswith(PART)))
