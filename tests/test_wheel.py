"""The wheel ships the templates inside the package (hatchling force-include)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_contains_templates_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    (wheel,) = tmp_path.glob("nb2pkg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    folder = ROOT / "templates"
    templates = {p.relative_to(folder).as_posix() for p in folder.rglob("*.j2")}
    assert "tests/stdout.py.j2" in templates
    assert {f"nb2pkg/templates/{t}" for t in templates} <= names
    assert {"nb2pkg/import_names.tsv", "nb2pkg/py.typed"} <= names
