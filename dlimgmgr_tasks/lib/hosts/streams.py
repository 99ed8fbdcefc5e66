"""Streamed tree transfers and commands over one SSH connection (lib.hosts.SshHost's engine room);
`copy_tree` is the same transfer on this machine (lib.hosts.LocalHost).

`conn` is an opened connection (lib.hosts.connection). Bulk data moves as ONE tar stream per
direction over an SSH session channel: raw bytes pumped in 1 MiB
chunks between the channel and a local `tar` process. Never one SFTP round trip per file, never
`run(in_stream=...)` (Invoke reads that one byte per loop). Every transfer lands in a temporary
folder beside its destination, is checked member by member (path and size) against the
sender's listing, and only then moves into place: an interrupted or failed transfer leaves the
destination as it was.

  push_tree(conn, local_dir, remote_dir, paths=None, replace=False)
  pull_tree(conn, remote_dir, local_dir, paths=None, replace=False)
  run_remote(conn, cmd) -> stdout           (UserError naming role and host on failure)
  copy_tree(src, dest, paths, replace)      (the same, both sides on this machine)

replace=False merges: sent files overwrite same-named ones (each by a rename), others stay.
replace=True makes the destination exactly the sent tree (the old one is swapped out).
"""
from __future__ import annotations

import os
import posixpath
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from .channel import CHUNK, check_alive, drain, exec_remote, guarded, open_channel, send, stop, transfer
from .connection import label
from ..errors import UserError
from ..inflight import INCOMING, PART, REPLACED

TAR = "tar"


def qpath(path: str) -> str:
    """Shell-quote a remote path, keeping a leading ~/ expandable by the remote shell."""
    path = str(path)
    if path == "~":
        return '"$HOME"'
    if path.startswith("~/"):
        return '"$HOME"/' + shlex.quote(path[2:])
    return shlex.quote(path)


# tar's closing lines, which say only that an earlier line said why ("No space left on device").
SUMMARY = ("Exiting with failure status due to previous errors", "Error is not recoverable: exiting now")


def tail(text: str) -> str:
    """The line of a failed command's output that says why: its last line, tar's summary skipped."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    reasons = [ln for ln in lines if not ln.endswith(SUMMARY)]
    return (reasons or lines or ["no message"])[-1]


def failed(where: str, what: str, code: int, text: str) -> str:
    """A failed command as one line naming the host. Our own host-side programs (compose, build,
    unpack) end with one `error: ...` line that already says what and what to do: it is shown
    once, after the host, not wrapped in "WHAT failed (exit N): error: ..."."""
    why = tail(text)
    if why.startswith("error: "):
        return f"{where}: {why[len('error: '):]}"
    return f"{where}: {what} failed (exit {code}): {why}"


# ---------------------------------------------------------------- commands

def run_remote(conn, cmd: str, *, what: str | None = None, timeout: float | None = None,
               input: bytes | None = None) -> str:
    """Run a shell command there; return its stdout. Failure -> UserError naming the host."""
    what = what or cmd.split()[0]
    code, out, err = exec_remote(conn, cmd, what=what, timeout=timeout, input=input)
    if code != 0:
        raise UserError(failed(label(conn), what, code, err or out))
    return out


# ---------------------------------------------------------------- listings

def file_sizes(root: Path, paths=None) -> dict[str, int]:
    """{relative posix path: size} of the regular files under root (or under the given paths)."""
    root = Path(root)
    if not root.is_dir():
        raise UserError(f"{root}: folder not found; nothing to send")
    out: dict[str, int] = {}
    for p in ([root] if paths is None else [root / str(x) for x in paths]):
        if p.is_file():
            out[p.relative_to(root).as_posix()] = p.stat().st_size
        elif p.is_dir():
            _add_sizes(out, p, p.relative_to(root).as_posix())
        else:
            raise UserError(f"{p}: not found; nothing to send")
    for name in out:
        if "\n" in name or "\r" in name:
            # The listings that check a transfer are one name a line: such a name cannot be told apart.
            raise UserError(f"{str(root / name)!r}: a file name with a line break cannot be sent; rename it")
    return out


def _add_sizes(out: dict[str, int], folder, rel: str) -> None:
    """folder's regular files (not links), then its subfolders', each by name: one scandir per
    folder and one stat per file (a build's share holds thousands)."""
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    prefix = "" if rel == "." else f"{rel}/"
    for e in entries:
        if e.is_file(follow_symlinks=False):
            out[prefix + e.name] = e.stat(follow_symlinks=False).st_size
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            _add_sizes(out, e.path, prefix + e.name)


def _parse_listing(text: str) -> dict[str, int]:
    out = {}
    for line in text.splitlines():
        size, _, name = line.partition("\t")
        if name:
            out[name[2:] if name.startswith("./") else name] = int(size)
    return out


def _check(expected: dict[str, int], got: dict[str, int], where_: str) -> None:
    if expected != got:
        missing = sorted(set(expected) - set(got))
        wrong = sorted(k for k in set(expected) & set(got) if expected[k] != got[k])
        extra = sorted(set(got) - set(expected))
        detail = (f"{missing[0]} missing" if missing else
                  f"{wrong[0]} has {got[wrong[0]]} bytes, sent {expected[wrong[0]]}" if wrong else
                  f"{extra[0]} unexpected")
        raise UserError(f"{where_}: transfer check failed ({detail}); nothing was changed, run it again")


# ---------------------------------------------------------------- local side

def _local_tmp(dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{dest.name}{INCOMING}", dir=dest.parent))


def _commit_local(tmp: Path, dest: Path, replace: bool) -> None:
    """Move a verified temp tree into place (rename only; the data is already on this disk)."""
    if replace:
        old = None
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}{REPLACED}", dir=dest.parent))
            os.replace(dest, old / "d")
        os.replace(tmp, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return
    dest.mkdir(parents=True, exist_ok=True)
    for dirpath, dirs, files in os.walk(tmp):
        rel = Path(dirpath).relative_to(tmp)
        (dest / rel).mkdir(exist_ok=True)
        for f in files:
            os.replace(Path(dirpath, f), dest / rel / f)
    shutil.rmtree(tmp, ignore_errors=True)


def copy_tree(src: Path, dest: Path, paths, replace: bool) -> dict[str, int]:
    expected = file_sizes(src, paths)
    try:
        tmp = _local_tmp(dest)
    except OSError as exc:
        raise UserError(f"{dest}: cannot make a folder beside it ({exc.strerror}); check the path and its "
                        "permissions") from None
    try:
        for rel in expected:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / rel, tmp / rel)
        _check(expected, file_sizes(tmp), f"{dest}")
        _commit_local(tmp, dest, replace)
    except OSError as exc:
        raise UserError(f"{dest}: copying failed ({exc.strerror or exc}); nothing was changed, free some space "
                        "or fix the permissions and run it again") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return expected


def _tar_proc(args: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen([TAR, *args], bufsize=CHUNK, **kw)


def _finish_tar(proc: subprocess.Popen, errfile, what: str) -> None:
    code = proc.wait()
    if code != 0:
        errfile.seek(0)
        raise UserError(f"this machine: {what} failed (exit {code}): {tail(errfile.read().decode(errors='replace'))}")


# ---------------------------------------------------------------- remote side

def _remote_commit(conn, tmp: str, dest: str, replace: bool) -> None:
    d = qpath(dest)
    if replace:
        script = (f'set -e; t={shlex.quote(tmp)}; d={d}; o="$d{REPLACED}$$"; '
                  'if [ -e "$d" ]; then mv -- "$d" "$o"; fi; mv -- "$t" "$d"; rm -rf -- "$o"')
    else:
        # A new destination is one rename; into an existing one, one batched `mv -t` (rename(2)
        # per file) per folder.
        script = (f'set -e; t={shlex.quote(tmp)}; d={d}; '
                  'if [ ! -e "$d" ]; then mv -- "$t" "$d"; exit 0; fi; d=$(cd -- "$d" && pwd); cd -- "$t"; '
                  'find . -type d | while IFS= read -r x; do mkdir -p -- "$d/$x"; '
                  'find "$x" -mindepth 1 -maxdepth 1 ! -type d -exec mv -f -t "$d/$x" -- {} +; done; '
                  'cd /; rm -rf -- "$t"')
    run_remote(conn, script, what=f"moving the received files into {dest}")


def _receive_script(remote_dir: str) -> str:
    """Extract stdin into a temp folder beside the destination and list what arrived; tar's
    failure (a closed stream, a full disk) removes the temp folder."""
    parent, name = posixpath.split(remote_dir)
    qparent = qpath(parent or ".")
    return (f"set -e; mkdir -p -- {qparent}; t=$(mktemp -d {qparent}/{shlex.quote('.' + name + INCOMING)}XXXXXX); "
            't=$(cd -- "$t" && pwd); trap \'rm -rf -- "$t"\' HUP INT TERM PIPE; '
            f'if ! {TAR} --no-same-owner -xf - -C "$t"; then rm -rf -- "$t"; exit 3; fi; '
            'printf "%s\\n" "$t"; cd -- "$t"; find . -type f -printf "%s\\t%p\\n"')


def push_tree(conn, local_dir, remote_dir, paths=None, replace: bool = False, progress=None) -> dict[str, int]:
    """Send local_dir (or the given paths under it) to remote_dir; return {path: size} sent.
    `progress(bytes_so_far)` is called after each chunk (for a progress bar)."""
    local_dir = Path(local_dir)
    expected = file_sizes(local_dir, paths)
    remote_dir = str(remote_dir).rstrip("/") or "/"
    with guarded(conn, f"pushing {local_dir} to {remote_dir}"):
        _push(conn, local_dir, remote_dir, expected, replace, progress)
    return expected


def _push(conn, local_dir: Path, remote_dir: str, expected: dict, replace: bool, progress) -> None:
    listfile = tempfile.NamedTemporaryFile(prefix="dlimgmgr-tar-list.")
    errfile = tempfile.TemporaryFile()
    listfile.write(b"".join(p.encode() + b"\0" for p in expected))
    listfile.flush()
    # --verbatim-files-from: a listed name that starts with '-' is a name, not a tar option.
    proc = _tar_proc(["-cf", "-", "-C", str(local_dir), "--null", "--no-recursion", "--verbatim-files-from",
                      "-T", listfile.name], stdout=subprocess.PIPE, stderr=errfile, stdin=subprocess.DEVNULL)
    with transfer(proc, listfile.close, errfile.close) as current:
        chan = current.chan = open_channel(conn, _receive_script(remote_dir))
        t_err, err = drain(chan, chan.recv_stderr)
        t_out, out = drain(chan, chan.recv)
        send(chan, iter(lambda: proc.stdout.read(CHUNK), b""), progress)
        code = chan.recv_exit_status()
        t_out.join()
        t_err.join()
        check_alive(conn, f"pushing to {remote_dir}")
        if code != 0:
            raise UserError(f"{label(conn)}: receiving into {remote_dir} failed (exit {code}): "
                            f"{tail(b''.join(err).decode(errors='replace'))}; the old files are untouched")
        tmp, _, listing = b"".join(out).decode(errors="replace").partition("\n")
        try:
            _finish_tar(proc, errfile, f"tar reading {local_dir}")
            _check(expected, _parse_listing(listing), f"{label(conn)}: {remote_dir}")
        except UserError:
            run_remote(conn, f"rm -rf -- {shlex.quote(tmp)}", what="cleaning up")
            raise
        _remote_commit(conn, tmp, remote_dir, replace)


def _members(paths) -> str:
    """Shell words for the paths to send, each as ./PATH: a name starting with '-' stays a name."""
    if paths is None:
        return "."
    if not paths:
        raise ValueError("paths is empty")
    return " ".join(shlex.quote(str(p) if str(p).startswith("/") else f"./{p}") for p in paths)


def pull_tree(conn, remote_dir, local_dir, paths=None, replace: bool = False, progress=None) -> dict[str, int]:
    """Fetch remote_dir (or the given paths under it) into local_dir; return {path: size} received."""
    local_dir = Path(local_dir)
    members = _members(paths)
    with guarded(conn, f"pulling {remote_dir} into {local_dir}"):
        return _pull(conn, str(remote_dir), local_dir, members, replace, progress)


def _pull(conn, remote_dir: str, local_dir: Path, members: str, replace: bool, progress) -> dict[str, int]:
    # The listing goes to stderr first, then the tar stream on stdout.
    script = (f"set -e; cd -- {qpath(remote_dir)}; find {members} -type f -printf '%s\\t%p\\n' >&2; "
              f"exec {TAR} -cf - {members}")
    tmp = _local_tmp(local_dir)
    errfile = tempfile.TemporaryFile()
    proc = _tar_proc(["--no-same-owner", "-xf", "-", "-C", str(tmp)], stdin=subprocess.PIPE, stderr=errfile,
                     stdout=subprocess.DEVNULL)
    with transfer(proc, errfile.close, lambda: shutil.rmtree(tmp, ignore_errors=True)) as current:
        chan = current.chan = open_channel(conn, script)
        t_err, err = drain(chan, chan.recv_stderr)
        if not _receive(chan, proc, progress):   # the local tar ended first (a full disk): it says why
            _finish_tar(proc, errfile, f"tar extracting into {local_dir}")
        code = chan.recv_exit_status()
        t_err.join()
        check_alive(conn, f"pulling {remote_dir}")
        errtext = b"".join(err).decode(errors="replace")
        if code != 0:
            msg = tail("\n".join(ln for ln in errtext.splitlines() if "\t" not in ln) or errtext)
            raise UserError(f"{label(conn)}: sending {remote_dir} failed (exit {code}): {msg}; "
                            f"{local_dir} is untouched")
        _finish_tar(proc, errfile, f"tar extracting into {local_dir}")
        expected = _parse_listing(errtext)
        _check(expected, file_sizes(tmp), f"{local_dir} from {label(conn)}")
        _commit_local(tmp, local_dir, replace)
    return expected


def _receive(chan, proc, progress) -> bool:
    """Pump the channel into the local tar; False when the local tar stopped taking bytes."""
    got = 0
    while True:
        chunk = chan.recv(CHUNK)
        if not chunk:
            break
        try:
            proc.stdin.write(chunk)
        except OSError:     # a broken pipe: the local tar ended
            return False
        got += len(chunk)
        if progress:
            progress(got)
    try:
        proc.stdin.close()
    except OSError:
        return False
    return True


def put_file(conn, local, dest: str, progress=None) -> None:
    """One file to `dest` there, as one stream into a temp name beside it, its size checked, then
    renamed: never half a file, never SFTP (whose close could wait forever after a Ctrl-C)."""
    size = os.path.getsize(local)
    script = (f'set -e; d={qpath(dest)}; t="$(dirname -- "$d")/.$(basename -- "$d"){PART}-$$"; '
              'trap \'rm -f -- "$t"\' EXIT HUP INT TERM PIPE; cat > "$t"; n=$(wc -c < "$t"); '
              f'if [ "$n" -ne {size} ]; then echo "received $n of {size} bytes" >&2; exit 3; fi; mv -f -- "$t" "$d"')
    with guarded(conn, f"sending {local} to {dest}"), open(local, "rb") as f:
        chan = None
        try:
            chan = open_channel(conn, script)
            t_err, err = drain(chan, chan.recv_stderr)
            send(chan, iter(lambda: f.read(CHUNK), b""), progress)
            code = chan.recv_exit_status()
            t_err.join()
            check_alive(conn, f"sending {local} to {dest}")
        except BaseException as exc:
            stop(chan, None, exc)
            raise
        stop(chan, None)
    if code != 0:
        raise UserError(f"{label(conn)}: cannot write {dest} (exit {code}): "
                        f"{tail(b''.join(err).decode(errors='replace'))}; check target_home and the free space there")
