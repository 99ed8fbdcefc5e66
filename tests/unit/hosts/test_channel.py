"""lib/hosts/channel.py: the bounded parts that need no SSH server: guards, draining, pumping, stopping."""
import io
import subprocess
import sys
import threading

import pytest

from dlimgmgr_tasks.lib.errors import UserError
from dlimgmgr_tasks.lib.hosts import channel


class _Pipe:
    """What `send` needs of a paramiko Channel, over a real OS pipe."""

    def __init__(self, fail_after=None):
        import os
        self.r, self.w = os.pipe()
        self.closed, self.fail_after, self.sent = False, fail_after, 0

    def sendall(self, data):
        import os
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise OSError("the remote side went away")
        os.write(self.w, data)
        self.sent += len(data)

    def shutdown_write(self):
        import os
        os.close(self.w)
        self.closed = True


def test_a_bare_connection_gets_no_guard():
    with channel.guarded(object(), "x"):
        pass


def test_check_alive_names_a_lost_link():
    class Transport:
        def is_active(self):
            return False

    class Conn:
        transport = Transport()
        host, port, user = "h", 22, "u"
    with pytest.raises(UserError, match="host u@h:22: the SSH connection was lost while copying; run it again"):
        channel.check_alive(Conn(), "copying")


def test_drain_reads_a_stream_into_a_list_or_a_file():
    src = io.BytesIO(b"a" * (channel.CHUNK + 3))
    t, buf = channel.drain(None, src.read)
    t.join(10)
    assert b"".join(buf) == b"a" * (channel.CHUNK + 3)
    sink = io.BytesIO()

    def broken(n):
        raise EOFError
    t, buf = channel.drain(None, broken, sink)
    t.join(10)
    assert buf == [] and sink.getvalue() == b""


def test_send_pumps_then_ends_and_stops_when_the_far_side_goes():
    import os
    pipe = _Pipe()
    got, progress = [], []

    def read_all():
        while True:
            data = os.read(pipe.r, 100)
            if not data:
                return
            got.append(data)
    reader = threading.Thread(target=read_all)
    reader.start()
    channel.send(pipe, [b"abc", b"def"], progress=progress.append)
    reader.join(10)
    assert progress == [3, 6] and pipe.closed and b"".join(got) == b"abcdef"   # EOF ended the reader
    broken = _Pipe(fail_after=3)
    channel.send(broken, [b"abc", b"def", b"ghi"])
    assert broken.sent == 3 and not broken.closed          # nothing more after the failure, no EOF


def test_stop_kills_a_local_process():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    channel.stop(None, proc)
    assert proc.poll() is not None


def test_a_transfer_stops_its_tar_and_runs_its_cleanups_however_it_ends():
    done = []
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(UserError, match="the far side said no"):
        with channel.transfer(proc, lambda: done.append("closed")) as current:
            assert current.proc is proc and current.chan is None
            raise UserError("the far side said no")
    assert proc.poll() is not None and done == ["closed"]
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    with channel.transfer(finished, lambda: done.append("again")):
        pass
    assert done == ["closed", "again"]
