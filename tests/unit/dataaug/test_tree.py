"""lib/dataaug/tree.py: the tool's tree on a dataaug host -- target_home/.dlimgmgr/tree, made on
first use, never the person's clone beside it; the checkout itself when target_home is it."""
from pathlib import Path

from dlimgmgr_tasks.lib.dataaug.tree import ToolTree, tool_tree
from dlimgmgr_tasks.lib.hosts.config import HostConfig
from dlimgmgr_tasks.lib.hosts.local import LocalHost


def _host(home) -> LocalHost:
    return LocalHost(HostConfig(role="dataaug", host="local", target_home=str(home)))


def test_a_host_whose_target_home_is_the_checkout_works_in_it(ws):
    host = _host(ws.root)
    assert tool_tree(host, ws) is host
    assert not (ws.root / ".dlimgmgr").exists()


def test_another_target_home_gets_the_tools_tree_made_on_first_use(ws, tmp_path):
    clone = tmp_path / "clone"
    (clone / "projects" / "close").mkdir(parents=True)
    (clone / "projects" / "close" / "project.yaml").write_text("classes: [close]  # the person's edit\n")
    tree = tool_tree(_host(clone), ws)
    assert isinstance(tree, ToolTree) and tool_tree(tree, ws) is tree      # never a tree inside a tree
    assert not (clone / ".dlimgmgr").exists()                              # nothing made before it is used
    assert tree.home == f"{clone}/.dlimgmgr/tree" and Path(tree.home).is_dir()
    assert tree.workbench == str(clone) and tree.label == _host(clone).label == "role dataaug host local"   # the rest is the host's own
    assert tree.path("projects/", "/close", "") == f"{clone}/.dlimgmgr/tree/projects/close"
    tree.run(f"echo built > {tree.quote(tree.path('out.txt'))}", what="writing", timeout=10)
    assert (clone / ".dlimgmgr" / "tree" / "out.txt").read_text() == "built\n"
    assert (clone / "projects" / "close" / "project.yaml").read_text().endswith("# the person's edit\n")
    assert sorted(p.name for p in clone.iterdir()) == [".dlimgmgr", "projects"]
    assert "ToolTree" in repr(tree)
