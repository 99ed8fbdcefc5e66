"""A real OpenSSH sshd for the tests: own host key, own authorized key, three loopback "hosts".

Plain code (no pytest) so benchmarks can start one too. `start(base)` returns a running `Sshd`;
`Sshd.stop()` ends it by its PID. As root a password test user is made (useradd + chpasswd, the
password fed on stdin, never in argv) and removed on stop.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")


def available() -> str | None:
    """None when an sshd can be started here, else the reason why not."""
    if not os.path.exists(SSHD):
        return "no OpenSSH sshd installed (apt-get install openssh-server; scripts/test does it as root)"
    if not shutil.which("ssh-keygen"):
        return "no ssh-keygen installed"
    return None


def _free_port() -> int:
    # A port free on every loopback address we listen on; the tiny race is retried by start().
    for _ in range(50):
        with socket.socket() as s:
            s.bind((HOSTS[0], 0))
            port = s.getsockname()[1]
        try:
            for host in HOSTS[1:]:
                with socket.socket() as s:
                    s.bind((host, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port on the loopback addresses")


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dlimgmgr-test", "-f", str(path)],
                   check=True, stdin=subprocess.DEVNULL)


@dataclass
class Sshd:
    dir: Path
    port: int
    pid: int
    host_key: Path          # the server's private host key (its .pub beside it)
    client_key: Path        # a private key the current user may log in with
    known_hosts: Path       # trusts the host key on all three hosts
    user: str               # the current user (key auth)
    hosts: tuple = HOSTS
    password_user: str | None = None
    password: str | None = field(default=None, repr=False)
    password_home: Path | None = None
    password_skip: str | None = None   # why there is no password user
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def host_key_line(self) -> str:
        """`TYPE BASE64` of the server's public host key."""
        return " ".join(self.host_key.with_suffix(".pub").read_text().split()[:2])

    def known_hosts_text(self, hosts=None) -> str:
        return "".join(f"[{h}]:{self.port} {self.host_key_line}\n" for h in (hosts or self.hosts))

    def fingerprint(self) -> str:
        out = subprocess.run(["ssh-keygen", "-lf", str(self.host_key.with_suffix(".pub"))],
                             check=True, capture_output=True, text=True).stdout
        return out.split()[1]   # SHA256:...

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self.password_user:
            subprocess.run(["userdel", self.password_user], capture_output=True)
            self.password_user = None
        shutil.rmtree(self.dir, ignore_errors=True)


def _running_sshd(pid: int) -> bool:
    try:
        return b"sshd" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def clear_stale(base: Path | None = None, age: float = 300) -> None:
    """Folders (and password test users) that runs killed before `Sshd.stop()` left: an
    `dlimgmgr-sshd-*` folder whose sshd is gone and that nobody touched for `age` seconds."""
    import tempfile

    for d in Path(base or tempfile.gettempdir()).glob("dlimgmgr-sshd-*"):
        try:
            pid = int((d / "sshd.pid").read_text().strip())
        except (OSError, ValueError):
            pid = None
        try:
            young = time.time() - d.stat().st_mtime < age
        except OSError:
            continue
        if young or (pid is not None and _running_sshd(pid)):
            continue
        if os.geteuid() == 0:
            for home in (d / "home").glob("dlt*"):
                subprocess.run(["userdel", home.name], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


def _make_password_user(base: Path) -> tuple[str, str, Path] | str:
    """(name, password, home) of a fresh test user, or the reason none could be made."""
    if os.geteuid() != 0:
        return "not root: cannot create the password test user (useradd)"
    if not (shutil.which("useradd") and shutil.which("chpasswd")):
        return "useradd/chpasswd not installed"
    name = "dlt" + secrets.token_hex(4)
    password = "pw-" + secrets.token_urlsafe(12)
    home = base / "home" / name
    home.parent.mkdir(mode=0o755, exist_ok=True)
    r = subprocess.run(["useradd", "-M", "-d", str(home), "-s", "/bin/sh", name], capture_output=True, text=True)
    if r.returncode:
        return f"useradd failed: {r.stderr.strip()}"
    home.mkdir()
    shutil.chown(home, user=name, group=name)
    # The password goes on stdin: never in a process argument.
    r = subprocess.run(["chpasswd"], input=f"{name}:{password}\n", capture_output=True, text=True)
    if r.returncode:
        subprocess.run(["userdel", name], capture_output=True)
        return f"chpasswd failed: {r.stderr.strip()}"
    return name, password, home


SSHD_CONFIG = """\
HostKey {host_key}
PidFile {pid_file}
AuthorizedKeysFile {authorized}
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
MaxStartups 100:30:200
MaxSessions 50
Subsystem sftp internal-sftp
"""


def _answers(port: int) -> bool:
    """Every loopback address of ours sends an SSH greeting on `port`."""
    ok = True
    for h in HOSTS:
        with socket.create_connection((h, port), timeout=1) as s:
            ok = ok and s.recv(4).startswith(b"SSH-")
    return ok


def _launch(d: Path, port: int, host_key: Path) -> subprocess.Popen | None:
    """sshd on `port` in folder d, once it answers on every address; None when it did not come up."""
    config = d / "sshd_config"
    config.write_text("".join(f"ListenAddress {h}:{port}\n" for h in HOSTS) + SSHD_CONFIG.format(
        host_key=host_key, pid_file=d / "sshd.pid", authorized=d / "authorized_keys"))
    with open(d / "sshd.log", "wb") as log:
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _answers(port):
                return proc
        except OSError:
            time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    return None


def start(base: Path | None = None, password_user: bool = True) -> Sshd:
    """Start sshd on a free port of 127.0.0.2-4 in a fresh folder under `base` (a temp dir if None)."""
    import pwd
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="dlimgmgr-sshd-", dir=base))
    d.chmod(0o755)  # the password user must reach its home inside
    host_key, client_key = d / "host_ed25519", d / "client_ed25519"
    _keygen(host_key)
    _keygen(client_key)
    (d / "authorized_keys").write_text(client_key.with_suffix(".pub").read_text())
    user = pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)  # privilege separation dir
    made = _make_password_user(d) if password_user else "not asked for"
    for _ in range(5):  # a port taken between the probe and sshd's bind: try another
        port = _free_port()
        proc = _launch(d, port, host_key)
        if proc is not None:
            break
    else:
        last_log = (d / "sshd.log").read_text(errors="replace")
        if not isinstance(made, str):
            subprocess.run(["userdel", made[0]], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)
        raise RuntimeError(f"sshd did not start: {last_log.strip()}")

    known = d / "known_hosts"
    s = Sshd(dir=d, port=port, pid=proc.pid, host_key=host_key, client_key=client_key, known_hosts=known,
             user=user, proc=proc)
    known.write_text(s.known_hosts_text())
    if isinstance(made, str):
        s.password_skip = made
    else:
        s.password_user, s.password, s.password_home = made
    return s
