"""Worker processes never outlive nb2pkg, and Ctrl-C prints one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc"),
]


def big_notebook(path: Path, functions: int = 1500) -> Path:
    """Write a notebook large enough that analysing it takes worker processes."""
    cells = []
    for i in range(functions):
        for source in (
            f"def f{i}(x, y=2):\n    total = 0\n    for k in range(x):\n"
            f"        total += k * y + {i}\n    return total\n",
            f"v{i} = f{i}(3)\nprint(v{i})\n",
        ):
            cells.append(
                {
                    "cell_type": "code",
                    "metadata": {},
                    "outputs": [],
                    "execution_count": None,
                    "source": source,
                }
            )
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": kernel},
        "cells": cells,
    }
    path.write_text(json.dumps(notebook))
    return path


def session_processes(session: int) -> list[int]:
    """Return the live processes of ``session`` (zombies are already dead)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, sid = fields[0], int(fields[3])
        if sid == session and state != "Z":
            found.append(int(entry.name))
    return found


def start(tmp_path: Path) -> subprocess.Popen[str]:
    nb = big_notebook(tmp_path / "big.ipynb")
    command = [sys.executable, "-m", "nb2pkg", "convert", str(nb)]
    command += ["-o", str(tmp_path / "out"), "--jobs", "2", "--no-cache"]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_workers(process: subprocess.Popen[str]) -> None:
    """Return once the conversion runs worker processes (or fail the test)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if len(session_processes(process.pid)) >= 3:  # nb2pkg and 2 workers
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    pytest.fail("no worker processes started")


def gone(session: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not session_processes(session):
            return True
        time.sleep(0.1)
    return False


def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    process = start(tmp_path)
    try:
        wait_for_workers(process)
        os.kill(process.pid, signal.SIGKILL)
        # Workers that lived on would hold its output open: this would time out.
        process.communicate(timeout=10)
        assert gone(process.pid, within=10), session_processes(process.pid)
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)


def test_ctrl_c_prints_one_line_and_stops_every_worker(tmp_path: Path) -> None:
    process = start(tmp_path)
    try:
        wait_for_workers(process)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C does
        out, err = process.communicate(timeout=30)
        assert process.returncode == 130, err
        assert err == "nb2pkg: interrupted; nothing was written\n"
        assert not (tmp_path / "out").exists()
        assert gone(process.pid, within=10), session_processes(process.pid)
    finally:
        for pid in session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)
