"""Run a command as a person runs it: stdout and stderr on a real terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def run_in_terminal(
    *args: str,
    cwd: Path,
    columns: int = 120,
    env: dict[str, str] | None = None,
    stdout_terminal: bool = True,
) -> Ran:
    """Run ``python -m nb2pkg ARGS`` with stderr (and stdout) on a terminal of
    ``columns`` columns; return its exit code and what each stream showed."""
    streams: dict[str, tuple[int, int]] = {}
    for name in ("stdout", "stderr") if stdout_terminal else ("stderr",):
        master, slave = pty.openpty()
        size = struct.pack("HHHH", 40, columns, 0, 0)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, size)
        streams[name] = (master, slave)
    environment = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm"}
    # The tests' own cache and key folders (see conftest), never the user's.
    for name in ("NB2PKG_CACHE_DIR", "NB2PKG_CONFIG_DIR", "HOME"):
        if name in os.environ:
            environment[name] = os.environ[name]
    environment.update({"COLUMNS": str(columns), **(env or {})})
    proc = subprocess.Popen(
        [sys.executable, "-m", "nb2pkg", *args],
        stdin=subprocess.DEVNULL,
        stdout=streams["stdout"][1] if stdout_terminal else subprocess.PIPE,
        stderr=streams["stderr"][1],
        cwd=cwd,
        env=environment,
    )
    for _, slave in streams.values():
        os.close(slave)
    got = _read_until_closed({master: name for name, (master, _) in streams.items()})
    if not stdout_terminal and proc.stdout is not None:
        with proc.stdout:
            got["stdout"] = proc.stdout.read()
    code = proc.wait(timeout=120)
    text = {
        k: v.decode("utf-8", "replace").replace("\r\n", "\n") for k, v in got.items()
    }
    return Ran(code, text["stdout"], text["stderr"])


def _read_until_closed(fds: dict[int, str]) -> dict[str, bytes]:
    """Return what each terminal showed, read until the command closed it."""
    got = dict.fromkeys(("stdout", "stderr"), b"")
    while fds:
        ready, _, _ = select.select(list(fds), [], [], 120)
        if not ready:
            break
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other side closed: EIO on Linux
                chunk = b""
            if chunk:
                got[fds[fd]] += chunk
            else:
                os.close(fd)
                del fds[fd]
    return got
