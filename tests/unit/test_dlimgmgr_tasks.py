"""dlimgmgr_tasks/__init__.py: the package and its version, which every manifest names."""
import re

import dlimgmgr_tasks
from dlimgmgr_tasks.lib.mix.manifest import provenance


def test_version_is_what_a_manifest_records(ws):
    assert re.fullmatch(r"\d+\.\d+\.\d+", dlimgmgr_tasks.__version__)
    assert provenance(ws, [])["tool"] == f"dlimgmgr {dlimgmgr_tasks.__version__}"
    assert "dlimgmgr_tasks.lib" in dlimgmgr_tasks.__doc__
