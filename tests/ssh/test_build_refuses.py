"""A build whose dataaug host is an SSH host refuses a master that check refuses before anything
is sent (moved from tests/cli/dlimgmgr/test_build_refuses.py, which keeps the local cases)."""
from __future__ import annotations

from tests.helpers.buildkit import add_tiny_profiles, build, make_project
from tests.helpers.oneline import one_line_error


def test_a_build_over_ssh_refuses_before_anything_is_sent(repo, sshd, ssh_entry):
    add_tiny_profiles(repo)
    make_project(repo, "icons", count=1)
    home = repo.path.parent / "dataaug0"
    repo.write_hosts({"dataaug": ssh_entry(0, target_home=str(home))}, known_hosts=str(sshd.known_hosts))
    xml = repo.project("icons") / "master" / "icons_c000.xml"
    xml.write_text(xml.read_text().replace("<name>close</name>", "<name>dog</name>", 1))   # check refuses it
    line = one_line_error(build(repo, "icons", check=False))
    assert "nothing was built" in line and "has class 'dog'" in line
    assert not (home / ".dlimgmgr" / "tree" / "projects").exists(), "masters were sent to the host before the check"
    assert not (home / "projects").exists()
    assert not (repo.project("icons") / "build").exists()
