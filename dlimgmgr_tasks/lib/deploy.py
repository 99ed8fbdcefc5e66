"""Deploy a mixed dataset to the pytorch role; roll it back; run the role's train_command.

`deploy(ws, name=None)`: the newest mix in dist/ (by manifest mtime) or the named one is uploaded
to a staging name unique to this run under the pytorch host's target_home; everything after
that runs ON the host through lib/hostside/unpack.py (standard library only, sent once with
put_file and run with `python -m` there: lib/hostside/ship.py): `prepare` verifies the sha256
against the manifest, checks every member before anything is written and unpacks beside the role's dataset_dir (default target_home/datasets/<name>);
`commit` swaps it in with renames, keeping the previous one as <dataset_dir>.prev, and leaves
the archive as target_home/<name>.tar.gz. Both hold target_home/.dlimgmgr/deploy.lock on the
host, so orchestrators deploying to one target take turns. Ctrl-C before the commit leaves the
previous dataset in place (and stops the host's prepare); once the commit was sent it is held
until the commit answers, so the message can say truthfully which dataset is in place.
`rollback` swaps the two back; `train` runs train_command there, its output
streamed as it comes. The host comes from the workspace (`ws.host("pytorch")`), so its login,
the hosts file and the secrets file are the ones the workspace was configured with.
"""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from . import mixes
from .errors import UserError
from .files import held_interrupt
from .hostside import ship
from .inflight import DEPLOY_LOCK as LOCK, DEPLOY_STAGING as STAGING

STATE = ".dlimgmgr/deployed.json"     # under target_home: what was deployed where (for rollback)
ROLE = "pytorch"
KEPT = "the previous dataset was left in place"


def dataset_dir(config, name: str, has_test: bool = False) -> str:
    """Where a mix lands on the pytorch role (a HostConfig): dataset_dir (default
    target_home/datasets/NAME), or under it VOCdevkit/VOC2012 (VOC2007 when the mix has a test
    split) with `layout: vocdevkit`, as torchvision's VOCDetection(root=dataset_dir) reads it."""
    base = config.dataset_dir or config.path("datasets", name)
    if config.layout == "vocdevkit":
        return f"{base.rstrip('/')}/VOCdevkit/VOC{2007 if has_test else 2012}"
    return base


def swap_target(config, name: str, has_test: bool = False) -> tuple[str, str | None]:
    """What a deploy swaps in, and the year folder inside it. plain: dataset_dir itself. vocdevkit:
    DATASET_DIR/VOCdevkit whole, holding the one VOC2012 (or VOC2007) of its mix, so a mix that
    adds a test split leaves no old VOC2012 behind and a rollback brings back the year with it."""
    if config.layout != "vocdevkit":
        return dataset_dir(config, name, has_test), None
    year = dataset_dir(config, name, has_test)
    return year.rsplit("/", 1)[0], year.rsplit("/", 1)[1]


def has_test_split(manifest: dict) -> bool:
    return bool(((manifest.get("counts") or {}).get("images") or {}).get("test"))


def unpack(host, where: str, *args: str) -> str:
    """Run the unpacker (lib/hostside/unpack.py, sent to `where` by ship.ensure) on the host; its
    one-line result, or a UserError carrying its one-line `error: ...` (host.run shows it once)."""
    return host.run(ship.command(host, where, *args), what="unpack").strip()


def interrupted_message(phase: str, result: str | None = None) -> str:
    """What a Ctrl-C during `phase` ("upload", "prepare" or "commit") leaves, truthfully: before
    the commit nothing was swapped; a commit, once sent, is waited for (`result` its line)."""
    if phase == "commit" and result:
        return f"interrupted (Ctrl-C) after the swap: the new dataset is in place ({result})"
    return f"interrupted (Ctrl-C) before the swap; {KEPT}; run inv deploy again to finish"


def deploy(ws, name: str | None = None) -> str:
    """Ship the newest (or the named) mix to the pytorch host and swap it in; the line to print.
    Ctrl-C ends in a KeyboardInterrupt whose message says which dataset is in place."""
    manifest = mixes.read(mixes.find(ws, name))
    name = manifest["name"]
    with ws.host(ROLE) as host:
        home, token = host.home, secrets.token_hex(8)
        staging = f"{home}/{STAGING}/{name}.{token}.tar.gz"
        target, inner = swap_target(host.config, name, has_test_split(manifest))
        # `--flag=value`: a value can never be read as an option of the unpacker.
        common = [f"--archive={staging}", f"--sha256={manifest['sha256']}", f"--top={name}",
                  f"--dataset-dir={target}", f"--token={token}", f"--lock={home}/{LOCK}"] \
            + ([f"--inner={inner}"] if inner else [])
        try:
            where = ship.ensure(host, first=f"mkdir -p -- {host.quote(f'{home}/{STAGING}')}",
                                what="making the staging folder")
            host.put_file(manifest["archive_path"], staging)
            unpack(host, where, "prepare", *common, "--staging")
        except KeyboardInterrupt:
            raise KeyboardInterrupt(interrupted_message("prepare")) from None
        got: list = []
        try:
            with held_interrupt() as got:   # the commit is renames only: moments
                line = unpack(host, where, "commit", *common, f"--keep={home}/{name}.tar.gz", f"--state={home}/{STATE}")
        except UserError as exc:
            if got:   # the host's own line says what was left (a commit that failed swapped nothing)
                raise KeyboardInterrupt(f"interrupted (Ctrl-C): {exc}") from None
            raise
        if got:
            raise KeyboardInterrupt(interrupted_message("commit", line))
        return line


def rollback_folder(config) -> str | None:
    """The folder a rollback swaps, when the hosts file alone decides it: dataset_dir (vocdevkit:
    its VOCdevkit, year and all). None: the last deploy's record on the host decides (the default
    dataset_dir is named after the mix)."""
    return swap_target(config, "NAME")[0] if config.dataset_dir else None


def recorded_folder(config) -> str | None:
    """The folder the last deploy filled, read from its record without connecting: a local role
    only (an SSH host's record is read there); None when there is none."""
    if not config.is_local:
        return None
    try:
        record = json.loads(Path(config.path(STATE)).read_text())
        folder = str(record["dataset_dir"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    years = sorted(str(p) for p in Path(folder).glob("VOC20[01][0-9]")) if record.get("vocdevkit") else []
    return years[0] if years else folder   # as unpack.py's `where` answers


def voc_root(config, folder: str) -> dict:
    """What train_command gets besides DLIMGMGR_DATASET_DIR under `layout: vocdevkit`: the root
    torchvision's VOCDetection(root=...) wants (two levels above VOCdevkit/VOC2012) and the year."""
    if config.layout != "vocdevkit":
        return {}
    top, year = folder.rstrip("/").rsplit("/VOCdevkit/VOC", 1) if "/VOCdevkit/VOC" in folder else (folder, "")
    return {"DLIMGMGR_VOC_ROOT": top, "DLIMGMGR_VOC_YEAR": year}


def rollback(ws) -> str:
    """Swap the role's dataset_dir and dataset_dir.prev (the last deploy's folder by default)."""
    with ws.host(ROLE) as host:
        args = ["rollback", f"--state={host.home}/{STATE}", f"--lock={host.home}/{LOCK}"]
        if rollback_folder(host.config):
            args.append(f"--dataset-dir={rollback_folder(host.config)}")
        return unpack(host, ship.ensure(host), *args)


def train(ws) -> None:
    """Run the role's train_command in target_home, its output streamed; a non-zero exit is a UserError.

    DLIMGMGR_DATASET_DIR is set to the folder the last deploy filled, when there was one; under
    `layout: vocdevkit` also DLIMGMGR_VOC_ROOT and DLIMGMGR_VOC_YEAR (voc_root)."""
    with ws.host(ROLE) as host:
        command = host.config.train_command
        if not command:
            raise UserError(f"{ws.hosts.path}: roles.pytorch has no train_command; add one, "
                            f"e.g. train_command: cd ~/pytorch_ssd && ./run_learn.sh")
        env = {}
        try:
            env["DLIMGMGR_DATASET_DIR"] = json.loads(unpack(host, ship.ensure(host), "where",
                                                            f"--state={host.home}/{STATE}"))
            env.update(voc_root(host.config, env["DLIMGMGR_DATASET_DIR"]))
        except (UserError, ValueError):
            pass
        code = host.stream(command, env=env)
        if code != 0:
            raise UserError(f"{host.label}: train_command exited with status {code} (its output is above)")
