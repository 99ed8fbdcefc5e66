"""The dataaug role over real SSH: builds on 127.0.0.2/.3 (and this machine's `local` host beside
them) give the bytes of a build on this machine alone; sync sends only what changed.

The "remote" hosts are this machine behind a real sshd (the `remote` and `local_icons` fixtures
of tests/helpers/remotebuild.py). Failover, compose and prepare on those hosts are in
test_remote_verbs.py.
"""
from __future__ import annotations

from tests.helpers.buildkit import build, snapshot
from tests.helpers.remotebuild import leftovers


def use_local(repo):
    repo.write_hosts({"dataaug": {"host": "local"}})


def sent_counts(stdout: str) -> list[int]:
    return [int(line.split("synced, ")[1].split()[0]) for line in stdout.splitlines() if "synced," in line]


def test_two_ssh_hosts_build_the_bytes_of_a_local_build(remote, local_icons):
    remote.use_remote()
    build(remote, "icons")
    assert snapshot(remote.icons) == local_icons            # fingerprint file included


def test_each_ssh_host_builds_a_share_in_proportion_to_its_cores(remote, sshd):
    remote.use_remote()
    proc = build(remote, "icons")
    for host in sshd.hosts[:2]:
        assert f"host {sshd.user}@{host}:{sshd.port}: 6 images" in proc.stdout, proc.stdout


def test_local_beside_two_ssh_hosts_gives_the_bytes_of_an_all_local_build(remote, sshd, local_icons):
    remote.use_remote("local", {}, {})
    proc = build(remote, "icons")
    assert snapshot(remote.icons) == local_icons
    for label in ("role dataaug host local", *(f"{sshd.user}@{h}:{sshd.port}" for h in sshd.hosts[1:3])):
        assert f"{label}: 4 images" in proc.stdout, proc.stdout


def test_the_local_host_beside_ssh_hosts_is_synced_nothing_and_leaves_nothing(remote):
    remote.use_remote("local", {}, {})
    proc = build(remote, "icons")
    assert "icons: role dataaug host local: synced, 0 file(s) sent, 0 removed" in proc.stdout, proc.stdout
    assert leftovers(remote.project("icons"), remote.path.parent / "dataaug1", remote.path.parent / "dataaug2") == []


def test_the_first_sync_sends_the_framework_and_the_project_but_no_build(remote):
    remote.use_remote()
    first = sent_counts(build(remote, "icons").stdout)
    assert len(first) == 2 and min(first) > 20
    home = remote.path.parent / "dataaug0" / ".dlimgmgr" / "tree"   # the tool's tree, not the person's clone
    assert (home / "projects" / "icons" / "project.yaml").is_file()
    assert (home / "dlimgmgr_tasks" / "lib" / "hostside" / "dataaug.py").is_file()
    assert not (home / "projects" / "icons" / "build").exists()


def test_a_share_leaves_no_folder_on_the_hosts_or_here(remote):
    remote.use_remote()
    build(remote, "icons")
    assert leftovers(remote.project("icons"), remote.path.parent / "dataaug0", remote.path.parent / "dataaug1") == []


def test_a_forced_build_of_unchanged_inputs_sends_nothing(remote, local_icons):
    remote.use_remote()
    build(remote, "icons")
    proc = build(remote, "icons", "--force")
    assert proc.stdout.count("synced, 0 file(s) sent, 0 removed") == 2, proc.stdout
    assert snapshot(remote.icons) == local_icons


def _change_one_and_remove_one(repo) -> None:
    master = repo.project("icons") / "master"
    xml = master / "icons_c000.xml"
    xml.write_text(xml.read_text().replace("<pose>Unspecified</pose>", "<pose>Frontal</pose>"))
    (master / "icons_c002.jpg").unlink()
    (master / "icons_c002.xml").unlink()


def test_a_changed_file_is_sent_and_a_removed_one_removed_there(remote):
    remote.use_remote()
    build(remote, "icons")
    _change_one_and_remove_one(remote)
    proc = build(remote, "icons")
    assert proc.stdout.count("synced, 1 file(s) sent, 2 removed") == 2, proc.stdout
    assert not (remote.path.parent / "dataaug0" / ".dlimgmgr" / "tree" / "projects" / "icons" / "master"
                / "icons_c002.jpg").exists()


def test_a_build_from_changed_inputs_still_matches_a_local_build(remote):
    remote.use_remote()
    _change_one_and_remove_one(remote)
    build(remote, "icons")
    shared = snapshot(remote.icons)
    use_local(remote)
    build(remote, "icons", "--jobs", "1", "--force")
    assert snapshot(remote.icons) == shared and len(shared) == 2 * 8 + 1


def test_an_unforced_unchanged_build_never_connects(remote):
    remote.use_remote()
    build(remote, "icons")
    remote.use_remote(port=1)            # the hosts' port closed: a connection would fail
    assert "icons: up to date (12 images), skipped" in build(remote, "icons").stdout

