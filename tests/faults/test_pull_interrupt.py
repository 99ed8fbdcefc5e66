"""Ctrl-C (a real SIGINT to a real `inv imglabeling.pull`) while the changed annotations stream
in over the real sshd, on a link frozen by tests/helpers/freezeproxy.py: exit 130 within 2 s, one line
saying how many masters were taken (none yet), every master byte-identical, no temp left here."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from tests.helpers.ssh_fixtures import host_entry
from tests.helpers.freezeproxy import FreezeProxy
from tests.helpers.labelingdata import snapshot
from tests.helpers.signals import interrupt, wait_for

PROJECT = "close"


def pushed_then_changed_there(repo, sshd, home) -> int:
    """Push the project over SSH, then change every XML on the labeling side (a big comment, so
    that the pull's stream takes a while); the number of changed XMLs."""
    repo.write_hosts({"imglabeling": host_entry(sshd, 2, target_home=str(home))}, known_hosts=str(sshd.known_hosts))
    repo.inv("imglabeling.push", PROJECT, check=True)
    xmls = sorted((home / "projects" / PROJECT / "master").glob("*.xml"))
    for xml in xmls:
        text = xml.read_text()
        xml.write_text(text.replace("</annotation>", f"<!-- {os.urandom(1 << 19).hex()} --></annotation>"))
    return len(xmls)


def test_over_ssh_ctrl_c_during_a_pull_says_none_was_taken_and_changes_nothing(repo, sshd, tmp_path):
    home = tmp_path / "labeling"
    changed = pushed_then_changed_there(repo, sshd, home)
    master = repo.project(PROJECT) / "master"
    before = snapshot(master)
    temp = tmp_path / "orchestrator-tmp"
    temp.mkdir()
    with FreezeProxy((sshd.hosts[2], sshd.port)) as proxy:
        known = tmp_path / "proxy_known_hosts"
        known.write_text(f"[127.0.0.1]:{proxy.port} {sshd.host_key_line}\n")
        repo.write_hosts({"imglabeling": host_entry(sshd, 2, host="127.0.0.1", port=proxy.port, timeout=60,
                                                    target_home=str(home))}, known_hosts=str(known))
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "imglabeling.pull", PROJECT], cwd=repo.path,
                                env={**repo.env, "TMPDIR": str(temp)}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        wait_for(lambda: any(p.name.startswith("dlimgmgr-pull.") for p in temp.iterdir()), proc=proc)
        proxy.freeze_after(256 << 10)      # the stream of changed XMLs has begun: freeze it
        assert proxy.frozen.wait(30)
        time.sleep(0.3)
        line = interrupt(proc)
    assert re.search(rf"{PROJECT}: 0 of {changed} changed master annotation\(s\) were taken; run it again", line), line
    assert snapshot(master) == before
    assert list(temp.iterdir()) == []


def test_an_interrupt_while_taking_says_how_many_were_taken():
    from dlimgmgr_tasks.lib.labeling.folder.pull import interrupted_message

    class Named:
        name = PROJECT
    line = interrupted_message(Named(), 520, 808)
    assert f"{PROJECT}: 520 of 808 changed master annotation(s) were taken; run it again to take the rest" in line
