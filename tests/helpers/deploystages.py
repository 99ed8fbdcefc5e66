"""What the deploy fault tests share: a deployed target to break, a real `inv deploy` to
interrupt, a slow `python:` to hit one unpack step reliably, and the host-side leftover check."""
from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.deploydata import MIX, usable
from dlimgmgr_tasks.lib.inflight import INCOMING
from tests.helpers.mixdata import make_build


def slow_python(tmp_path: Path, step: str, pause: float = 3.0) -> tuple[Path, Path]:
    """(a python for hosts.yaml that pauses before unpack's STEP, the file it touches then)."""
    mark, wrapper = tmp_path / f"started-{step}", tmp_path / f"slow-{step}-python"
    wrapper.write_text(f'#!/bin/sh\ncase " $* " in *" {step} "*) touch {mark}; sleep {pause};; esac\n'
                       f'exec {sys.executable} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, mark


def deployed_once(repo, pytorch: dict, **hosts) -> tuple[Path, list[str]]:
    """repo with `ds` (seed 1) deployed to `pytorch`, then mixed again (seed 2): (dataset, ids)."""
    make_build(repo.path, "alpha", ["cat", "dog"], 400)
    repo.write_hosts({"dataaug": {"host": "local"}, "pytorch": pytorch}, **hosts)
    repo.inv(*MIX, "--name", "ds", "--seed", "1", "deploy", check=True)
    repo.inv(*MIX, "--name", "ds", "--seed", "2", check=True)
    dataset = Path(pytorch["target_home"]) / "datasets" / "ds"
    return dataset, usable(dataset)


def start_deploy(repo) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "invoke", "deploy"], cwd=repo.path, env=repo.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def host_is_clean(target_home: Path, seconds: float = 15) -> bool:
    """No staging archive, no half-unpacked folder (waiting while the host side cleans up)."""
    def clean():
        staging = target_home / ".dlimgmgr" / "staging"
        return not (staging.exists() and any(staging.iterdir())) and not [
            p for p in (target_home / "datasets").iterdir() if INCOMING in p.name]
    deadline = time.monotonic() + seconds
    while not clean() and time.monotonic() < deadline:
        time.sleep(0.1)
    return clean()


@contextmanager
def upload_on_a_link_that_freezes(repo, tmp_path: Path, ssh_entry, sshd):
    """Deploy once over SSH, then start a second deploy through a FreezeProxy that freezes 256 KiB
    into the upload; yields (the running deploy, target_home, the dataset, its files before). The
    proxy closes every socket when the block ends."""
    from tests.helpers.freezeproxy import FreezeProxy
    from tests.helpers.signals import wait_for

    home = tmp_path / "pytorch"
    dataset, before = deployed_once(repo, ssh_entry(0, target_home=str(home)), known_hosts=str(sshd.known_hosts))
    (home / ".dlimgmgr" / "staging").rmdir()   # made again just before the upload: the cue to freeze
    with FreezeProxy((sshd.hosts[0], sshd.port)) as proxy:
        known = tmp_path / "proxy_known_hosts"
        known.write_text(f"[127.0.0.1]:{proxy.port} {sshd.host_key_line}\n")
        repo.write_hosts({"dataaug": {"host": "local"},
                          "pytorch": ssh_entry(0, host="127.0.0.1", port=proxy.port, target_home=str(home),
                                               timeout=60)}, known_hosts=str(known))
        proc = start_deploy(repo)
        wait_for((home / ".dlimgmgr" / "staging").exists, proc=proc)
        proxy.freeze_after(256 << 10)
        assert proxy.frozen.wait(30)
        time.sleep(0.3)             # the upload is now blocked on the frozen link
        yield proc, home, dataset, before
