"""lib/trial/compose.py: what try_compose shows is byte for byte what compose then writes."""
from __future__ import annotations



from dlimgmgr_tasks.lib.workspace import Workspace

PNG = b"\x89PNG\r\n\x1a\n"


def test_try_compose_shows_the_bytes_compose_then_writes(repo):
    tried = {"scale": [1.0, 2.0], "per_carrier": [1, 2], "count": 4}
    project = Workspace.at(repo.path).project("close")
    sheet = project.try_compose(tried, n=6)
    assert len(sheet) == 4 and len(sheet.files) == 8           # compose.count's carriers, JPEG and pre-label
    assert not any((project.master / name).read_bytes() == data for name, data in sheet.files.items()
                   if name.endswith(".jpg")), "the trial should differ from the committed carriers"
    project.save_settings(compose=tried)
    repo.inv("dataaug.compose", "close", check=True)
    for name, data in sheet.files.items():
        assert (project.master / name).read_bytes() == data, name
