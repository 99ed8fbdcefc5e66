"""SSH fixtures (loaded by tests/conftest.py through pytest_plugins): one real sshd per test session on 127.0.0.2-4.

`sshd` is the running server (tests/helpers/sshd.py); `ssh_entry(...)` builds a hosts.yaml entry that
logs in with the fixture's client key; `ssh_repo` is the `repo` copy with every role remote.
Where no sshd can be started the SSH tests skip, except under CI=true, where they fail.
"""
from __future__ import annotations

import os

import pytest

from tests.helpers import sshd as sshd_mod

IN_CI = os.environ.get("CI", "").lower() == "true"


def need(reason: str | None) -> None:
    """Skip with the reason, or fail in CI where everything must run."""
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def sshd():
    need(sshd_mod.available())
    server = sshd_mod.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ssh_entry(sshd, tmp_path):
    """ssh_entry(i, **overrides): a hosts.yaml mapping for host HOSTS[i] with a fresh target_home."""
    def entry(i: int = 0, **kw) -> dict:
        return host_entry(sshd, i, **{"target_home": str(tmp_path / f"remote{i}"), **kw})
    return entry


def host_entry(sshd, i: int, **kw) -> dict:
    """A hosts.yaml mapping for host HOSTS[i], logging in with the fixture's client key."""
    e = {"host": sshd.hosts[i], "port": sshd.port, "user": sshd.user, "key_file": str(sshd.client_key)}
    e.update(kw)
    return {k: v for k, v in e.items() if v is not None}


@pytest.fixture
def password_user(sshd):
    need(sshd.password_skip)
    return sshd


@pytest.fixture
def ssh_repo(repo, sshd, ssh_entry):
    """The repo copy with dataaug on .2 and .3, imglabeling on .4 and pytorch on .2, all over SSH."""
    repo.write_hosts({
        "dataaug": [ssh_entry(0, target_home=str(repo.path.parent / "dataaug0")),
                    ssh_entry(1, target_home=str(repo.path.parent / "dataaug1"))],
        "imglabeling": ssh_entry(2, target_home=str(repo.path.parent / "labeling")),
        "pytorch": ssh_entry(0, target_home=str(repo.path.parent / "pytorch")),
    }, known_hosts=str(sshd.known_hosts))
    return repo
