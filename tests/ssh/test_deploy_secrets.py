"""deploy, rollback and train log in with the secrets file the workspace is configured with
(`dlimgmgr.secrets_file` in invoke.yaml, not the default secrets.yaml), on a real sshd's
password user."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.helpers.deploydata import MIX, usable
from tests.helpers.mixdata import make_build
from tests.helpers.oneline import one_line_error

PASSWORD_ENV = "DLT_DEPLOY_PASS"


@pytest.fixture
def secret_repo(ssh_repo, ssh_entry, password_user):
    """pytorch on the password user, its password only in a non-default secrets file (0600)."""
    s = password_user
    make_build(ssh_repo.path, "alpha", ["cat", "dog"], 12)
    target = s.password_home / f"pt-{ssh_repo.path.parent.name}"
    ssh_repo.write_hosts({"pytorch": ssh_entry(2, user=s.password_user, key_file=None, password_env=PASSWORD_ENV,
                                               target_home=str(target),
                                               train_command='echo "training on $DLIMGMGR_DATASET_DIR"')},
                         known_hosts=str(s.known_hosts))
    vault = ssh_repo.path.parent / "vault"
    vault.mkdir()
    secrets = vault / "pytorch-secrets.yaml"
    secrets.write_text(yaml.safe_dump({PASSWORD_ENV: s.password}))
    secrets.chmod(0o600)
    config = yaml.safe_load((ssh_repo.path / "invoke.yaml").read_text())
    config["dlimgmgr"]["secrets_file"] = str(secrets)
    (ssh_repo.path / "invoke.yaml").write_text(yaml.safe_dump(config))
    ssh_repo.env.pop(PASSWORD_ENV, None)
    ssh_repo.dataset = target / "datasets" / "ds"
    return ssh_repo


def test_deploy_logs_in_with_the_configured_secrets_file(secret_repo, password_user):
    proc = secret_repo.inv(*MIX, "--name", "ds", "deploy", check=True)
    assert usable(secret_repo.dataset)
    assert password_user.password not in proc.stdout + proc.stderr


def test_rollback_logs_in_with_the_configured_secrets_file(secret_repo):
    secret_repo.inv(*MIX, "--name", "ds", "--seed", "1", "deploy", check=True)
    first = usable(secret_repo.dataset)
    secret_repo.inv(*MIX, "--name", "ds", "--seed", "2", "deploy", check=True)
    secret_repo.inv("pytorch.rollback", check=True)
    assert usable(secret_repo.dataset) == first


def test_train_logs_in_with_the_configured_secrets_file(secret_repo):
    secret_repo.inv(*MIX, "--name", "ds", "deploy", check=True)
    out = secret_repo.inv("pytorch.train", check=True).stdout
    assert f"training on {secret_repo.dataset}" in out


def test_without_the_configured_secrets_file_the_login_has_no_password(secret_repo):
    config = yaml.safe_load((secret_repo.path / "invoke.yaml").read_text())
    del config["dlimgmgr"]["secrets_file"]
    (secret_repo.path / "invoke.yaml").write_text(yaml.safe_dump(config))
    secret_repo.inv(*MIX, "--name", "ds", check=True)
    for task in ("deploy", "pytorch.rollback", "pytorch.train"):
        line = one_line_error(secret_repo.inv(task, check=False))
        assert f"password_env {PASSWORD_ENV} is not set" in line, task
    assert not Path(secret_repo.dataset).exists()
