"""Tests of weather_report.core, from the notebook's stored outputs."""

import os
import subprocess
import sys


def test_core_imports_without_running_the_notebook() -> None:
    """Importing the module works and runs no notebook code: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import weather_report.core"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
