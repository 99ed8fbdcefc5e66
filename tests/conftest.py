"""The suite's one conftest: fixtures come from tests/helpers/ (pytest_plugins), and the run ends
with a check that no test left a process or a temp folder behind.

Helpers import as `tests.helpers.NAME` (pytest.ini puts the checkout on sys.path); no test
module imports another. Where each kind of test goes: tests/README.md.
"""
from __future__ import annotations

import pytest

# Helper modules' asserts get pytest's explanations too, not only the test modules'.
pytest.register_assert_rewrite("tests.helpers")

pytest_plugins = [
    "tests.helpers.repo",           # repo: a copy of the checkout, all roles local
    "tests.helpers.ssh_fixtures",   # sshd, ssh_entry, ssh_repo, password_user: a real sshd on 127.0.0.2-4
    "tests.helpers.labelstudio",    # label_studio: a real Label Studio on 127.0.0.1, once per session
    "tests.helpers.remotebuild",    # remote, local_icons: the dataaug role on SSH hosts
    "tests.helpers.unit_fixtures",  # ws, make_project, checkout, jpeg, png, annotation, context
    "tests.helpers.labeling_fixtures",  # carriers: labelled carriers in a unit-test project
    "tests.helpers.studio_fixtures",    # nowhere, task, api: Label Studio's side without a server
    "tests.helpers.migrate_fixtures",   # legacy, target: a made-up dl_image_manager checkout
]

# ---------------------------------------------------------------- the suite's end check
# No test may leave a process running or a temp folder behind (tests/helpers/leftovers.py): the
# run fails, listing them.
from tests.helpers import leftovers  # noqa: E402
from tests.helpers import sshd as sshd_mod  # noqa: E402


def pytest_sessionstart(session):
    factory = getattr(session.config, "_tmp_path_factory", None)
    basetemp = str(factory.getbasetemp()) if factory is not None else None   # before TMPDIR moves
    sshd_mod.clear_stale()
    mark, run_tmp = leftovers.start_run()
    session.config._dl_run = (mark, run_tmp, [p for p in (basetemp, str(run_tmp)) if p])


def pytest_sessionfinish(session, exitstatus):
    mark, run_tmp, roots = getattr(session.config, "_dl_run", (None, None, None))
    if mark is None:
        return
    found, left = leftovers.processes(mark, roots), leftovers.temps(run_tmp)
    leftovers.end_run(found, run_tmp)
    if not (found or left):
        return
    lines = ([f"a test left process {pid} running: {cmd}" for pid, cmd in sorted(found.items())]
             + [f"a test left {name} in the temp folder" for name in left])
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.ensure_newline()
    for line in lines:
        (reporter.write_line if reporter else print)(f"LEFTOVER: {line}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
