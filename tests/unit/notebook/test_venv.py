"""lib/notebook/venv.py without installing JupyterLab: the pins digest, a venv whose pins did not
change kept as it is, the pins sent into the tool's tree (never the person's clone), and a venv
that cannot be made is one line."""
import hashlib

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost
from dlimgmgr_tasks.lib.notebook.venv import PINS, RUNTIME, STAMP, pins_digest, prepare_notebook


@pytest.fixture
def pinned(ws):
    (ws.root / "scripts").mkdir()
    (ws.root / PINS).write_text("-r ../requirements.txt\njupyterlab==4.2.5\n")
    (ws.root / RUNTIME).write_text("pillow==10.4.0\n")
    return ws


def _host(home) -> LocalHost:
    return LocalHost(HostConfig(role="dataaug", host="local", target_home=str(home)))


def test_the_digest_covers_both_pin_files(pinned):
    first = pins_digest(pinned)
    assert first == hashlib.sha256((pinned.root / PINS).read_bytes() + (pinned.root / RUNTIME).read_bytes()).hexdigest()
    (pinned.root / RUNTIME).write_text("pillow==11.0.0\n")
    assert pins_digest(pinned) != first


def test_a_venv_made_from_the_same_pins_is_kept(pinned):
    stamp = pinned.root / STAMP
    stamp.parent.mkdir()
    stamp.write_text(pins_digest(pinned) + "\n")
    line = prepare_notebook(_host(pinned.root), pinned, base_python="no-such-python")   # never run
    assert line == f"role dataaug host local: {pinned.root}/.venv-notebook is ready (JupyterLab, pinned in {PINS})"
    assert not (pinned.root / ".dlimgmgr").exists()                 # the checkout itself: nothing synced


def test_a_clone_gets_the_pins_in_the_tools_tree_and_a_failure_is_one_line(pinned, tmp_path):
    clone = tmp_path / "clone"
    (clone / "scripts").mkdir(parents=True)
    (clone / PINS).write_text("the person's own edit\n")
    with pytest.raises(UserError, match=r"^role dataaug host local: making .venv-notebook from "
                                        r"scripts/requirements-notebook.txt failed \(exit \d+\)"):
        prepare_notebook(_host(clone), pinned, base_python="no-such-python")
    tree = clone / ".dlimgmgr" / "tree"
    assert (tree / PINS).read_bytes() == (pinned.root / PINS).read_bytes()
    assert (tree / RUNTIME).read_bytes() == (pinned.root / RUNTIME).read_bytes()
    assert (clone / PINS).read_text() == "the person's own edit\n" and not (clone / RUNTIME).exists()
    assert not (clone / STAMP).exists()
