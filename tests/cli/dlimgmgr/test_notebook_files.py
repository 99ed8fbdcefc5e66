"""`inv dlimgmgr.new` writes the project's notebook from the template; `inv dlimgmgr.check` warns
about a committed notebook that holds outputs."""
from __future__ import annotations

import json
import subprocess



PNG = b"\x89PNG\r\n\x1a\n"


def test_new_writes_a_notebook_from_the_template(repo):
    repo.inv("dlimgmgr.new", "demo", check=True)
    path = repo.project("demo") / "notebooks" / "demo.ipynb"
    nb = json.loads(path.read_text())
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert 'ws.project("demo")' in code[0] and "$name" not in path.read_text()
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert any("save_settings" in c for c in code) and any("try_recipe" in c for c in code)

def _git(repo, *args):
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=repo.path,
                   check=True, capture_output=True)

def test_check_warns_about_a_committed_notebook_with_outputs(repo):
    nb = json.loads((repo.project("close") / "notebooks" / "close.ipynb").read_text())
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["profile ssd\n"]}]
    (repo.project("close") / "notebooks" / "tried.ipynb").write_text(json.dumps(nb))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "notebooks")
    proc = repo.inv("dlimgmgr.check")
    warned = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert warned == [line for line in warned if "projects/close/notebooks/tried.ipynb" in line] and len(warned) == 1
    assert "committed with outputs in 1 cell(s)" in warned[0] and "nbstripout" in warned[0]
    assert proc.returncode == 0, proc.stderr                      # a warning, not a problem
