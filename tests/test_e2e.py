"""End to end: generated packages install in a fresh venv, import safely, pass tests.

Slow (a venv and real installs from the package index); marked ``slow``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from nb2pkg import Options, convert
from nb2pkg.outputs import shown_text
from tests.conftest import example_notebooks, example_source

CASES = [
    "iris_model",
    "sales_analysis",
    "shop",
    "text_stats",
    "units",
    "weather_report",
]
# What each example must declare: exactly the distributions its code imports, and
# matplotlib for the notebook whose run() draws (``sales.plot.bar(...)``).
DECLARED = {
    "iris_model": (["numpy", "scikit-learn"], {"test": ["pytest>=7"]}),
    "sales_analysis": (["matplotlib", "pandas"], {"test": ["pytest>=7"]}),
    "shop": ([], {"test": ["pytest>=7"]}),
    "text_stats": ([], {"test": ["pytest>=7"]}),
    "units": ([], {"test": ["pytest>=7"]}),
    "weather_report": ([], {"test": ["pytest>=7"]}),
}

# The examples with loose code: ``python -m <package>`` runs it (units is nbdev's
# kind of notebook: only exported code, no pipeline).
RUNNABLE = [c for c in CASES if c != "units"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return (venv python, folder of converted packages), all installed."""
    root = tmp_path_factory.mktemp("e2e")
    for case in CASES:
        convert(example_source(case), options=Options(output=root / case))
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    packages = [str(root / case) for case in CASES]
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *packages, "pytest"],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return python, root


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("case", CASES)
def test_import_runs_no_notebook_code(
    installed: tuple[Path, Path], case: str, tmp_path: Path
) -> None:
    python, root = installed
    package = root / case / "src" / case
    modules = sorted(
        ".".join((case, *p.relative_to(package).with_suffix("").parts))
        for p in package.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    )
    assert modules, "the package has no modules"
    proc = run(python, "-c", f"import {case}, {', '.join(modules)}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", CASES)
def test_generated_tests_pass(installed: tuple[Path, Path], case: str) -> None:
    python, root = installed
    proc = run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=root / case
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout and "failed" not in proc.stdout


@pytest.mark.parametrize("case", CASES)
def test_declares_exactly_what_it_imports(
    installed: tuple[Path, Path], case: str
) -> None:
    _, root = installed
    project = tomllib.loads((root / case / "pyproject.toml").read_text())["project"]
    assert (project["dependencies"], project["optional-dependencies"]) == DECLARED[case]


@pytest.mark.parametrize("case", RUNNABLE)
def test_pipeline_prints_and_shows_what_the_notebook_did(
    installed: tuple[Path, Path], case: str, tmp_path: Path
) -> None:
    python, _ = installed
    proc = run(python, "-m", case, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    cells = [
        c
        for path in example_notebooks(case)
        for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
    ]
    # What each cell printed, then the result it showed (run() shows it too).
    printed = "".join(
        "".join(out["text"])
        if out.get("output_type") == "stream"
        else shown_text("".join(out["data"]["text/plain"]))
        for c in cells
        # IPython-only cells; a %%time cell's body runs in run() too.
        if not "".join(c["source"]).replace("%%time\n", "").startswith(("!", "%"))
        for out in c.get("outputs", [])
        if (out.get("output_type") == "stream" and out.get("name") == "stdout")
        or out.get("output_type") == "execute_result"
    )
    # %%time's own report is IPython's, not the notebook's code.
    expected = [
        ln
        for ln in printed.splitlines()
        if not ln.startswith(("CPU times", "Wall time"))
    ]
    assert proc.stdout.splitlines() == expected


def test_a_broken_function_fails_its_generated_test(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    """The generated tests check something: break fibonacci, and they fail."""
    python, root = installed
    core = root / "text_stats" / "src" / "text_stats" / "core.py"
    broken = tmp_path / "text_stats"
    broken.mkdir()
    for f in core.parent.iterdir():
        if f.is_file():
            (broken / f.name).write_text(f.read_text())
    (broken / "core.py").write_text(
        core.read_text().replace("a, b = b, a + b", "a, b = b, a + b + 1")
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(root / "text_stats" / "tests"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert proc.returncode == 1
    # The two direct tests of fibonacci, and the pipeline's step that printed it.
    assert "3 failed" in proc.stdout and "test_fibonacci" in proc.stdout
    assert "test_pipeline.py::test_word_statistics" in proc.stdout
    assert sys.executable  # the suite itself runs outside the venv


def test_python_m_saves_the_figures_the_notebook_drew(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    python, _ = installed
    folder = tmp_path / "figures"
    proc = run(python, "-m", "sales_analysis", "--figures", str(folder), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["growth-1.png"]
    assert (folder / "growth-1.png").read_bytes().startswith(b"\x89PNG")
    plain = run(python, "-m", "sales_analysis", cwd=tmp_path)  # no window, no warning
    assert plain.returncode == 0 and "Warning" not in plain.stderr, plain.stderr
    helped = run(python, "-m", "sales_analysis", "--help", cwd=tmp_path)
    assert "--figures DIR" in helped.stdout
