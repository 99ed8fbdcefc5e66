"""scripts/early_interrupt.py: the start-up Ctrl-C handler acts in `inv` only."""
import importlib.util
import signal

from tests.helpers.repo import ROOT


def _module():
    spec = importlib.util.spec_from_file_location("early_interrupt", ROOT / "scripts" / "early_interrupt.py")
    module = importlib.util.module_from_spec(spec)
    before = signal.getsignal(signal.SIGINT)
    spec.loader.exec_module(module)        # under pytest: not Invoke, so no handler is set
    assert signal.getsignal(signal.SIGINT) is before
    return module


def test_only_invoke_s_command_lines_count():
    is_inv = _module().is_inv
    assert is_inv(["/x/.venv/bin/python", "/x/.venv/bin/inv", "build"])
    assert is_inv(["python3", "/usr/local/bin/invoke", "--list"]) and is_inv(["python", "-m", "invoke", "all"])
    assert not is_inv(["python", "-m", "pytest"]) and not is_inv(["python", "-c", "pass"])
    assert not is_inv(["python"]) and not is_inv([])
