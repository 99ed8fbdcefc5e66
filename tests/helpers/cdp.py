"""Drive Debian's headless Chromium over the DevTools protocol on a pipe: set cookies, open a page,
wait, take a screenshot. For pages behind a login (Label Studio's editor), which `--screenshot`
alone cannot reach. The pipe (`--remote-debugging-pipe`: we write on its fd 3, read its fd 4,
messages end with NUL) needs no network port and no websocket library.
"""
from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import time
from pathlib import Path

from tests.helpers.chromium import FLAGS


def _as_fds_3_and_4(read_end: int, write_end: int) -> None:
    """In the child: Chromium reads commands on fd 3 and writes replies on fd 4."""
    a, b = os.dup(read_end), os.dup(write_end)   # first out of the way: either may be 3 or 4 already
    os.dup2(a, 3)
    os.dup2(b, 4)


class Browser:
    def __init__(self, profile: Path, size=(1400, 900)):
        to_chrome_r, self._out = os.pipe()
        self._in, from_chrome_w = os.pipe()
        self.proc = subprocess.Popen(
            ["chromium", *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}",
             f"--window-size={size[0]},{size[1]}", "about:blank"],
            pass_fds=(3, 4), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=lambda: _as_fds_3_and_4(to_chrome_r, from_chrome_w))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next, self._buffer, self.session = 0, b"", None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable")

    def call(self, method: str, timeout: float = 60, **params) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return reply.get("result", {})

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            assert left > 0, "chromium did not answer in time"
            ready, _, _ = select.select([self._in], [], [], left)
            if ready:
                chunk = os.read(self._in, 1 << 20)
                assert chunk, "chromium closed the pipe"
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def screenshot(self, url: str, cookies: dict[str, str], dest: Path, settle: float = 8.0,
                   until: str | None = None, timeout: float = 90) -> Path:
        """Open `url` with the cookies set, wait until the JS expression `until` is true (then `settle` s more)."""
        for name, value in cookies.items():
            self.call("Network.setCookie", name=name, value=value, url=url)
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while until and time.monotonic() < deadline:
            got = self.call("Runtime.evaluate", expression=f"Boolean({until})", returnByValue=True)
            if got.get("result", {}).get("value"):
                break
            time.sleep(1)
        time.sleep(settle)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        dest.write_bytes(base64.b64decode(data))
        return dest

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except (AssertionError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._in)
        os.close(self._out)
