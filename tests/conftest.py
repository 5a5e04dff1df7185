"""Shared fixtures: notebooks built in memory, golden-file updating, the corpus."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus" / "notebooks"


def example_source(case: str) -> Path:
    """Return what an example converts: its notebook, or its folder of notebooks."""
    folder = EXAMPLES / case / "notebooks"
    return folder if folder.is_dir() else EXAMPLES / case / f"{case}.ipynb"


def example_notebooks(case: str) -> list[Path]:
    """Return an example's notebooks, in the order the package runs them."""
    source = example_source(case)
    return sorted(source.glob("*.ipynb")) if source.is_dir() else [source]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite examples/*/expected from the current output",
    )


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the CLI's conversion cache, and its key, out of the user's folders."""
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("NB2PKG_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def cell(
    source: str,
    *,
    result: str | None = None,
    tags: tuple[str, ...] = (),
    count: int | None = None,
    stdout: str | None = None,
) -> Any:
    """Return a code cell (dedented source) with an optional stored result."""
    code = new_code_cell(textwrap.dedent(source).strip("\n"))
    if tags:
        code.metadata["tags"] = list(tags)
    code.execution_count = count
    if stdout is not None:
        code.outputs.append(new_output("stream", name="stdout", text=stdout))
    if result is not None:
        code.outputs.append(
            new_output(
                "execute_result", data={"text/plain": result}, execution_count=count
            )
        )
    return code


def run_in_kernel(path: Path) -> None:
    """Run the notebook at ``path`` in a real kernel and store its outputs in it,
    as Jupyter does (slow: a kernel starts)."""
    from nbclient import NotebookClient

    notebook = nbformat.read(str(path), as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    nbformat.write(notebook, str(path))


def run_package_tests(package: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a generated package's own tests, with its code on the path (no install)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests",
            *args,
        ],
        cwd=package,
        # No bytecode cache: a test that edits a module and runs the tests again
        # within the same second, at the same size, would import the stale .pyc.
        env={
            "PYTHONPATH": str(package / "src"),
            "PATH": "",
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        capture_output=True,
        text=True,
        check=False,
    )


def markdown(source: str) -> Any:
    return new_markdown_cell(textwrap.dedent(source).strip("\n"))


MakeNotebook = Callable[..., Path]


@pytest.fixture
def make_nb(tmp_path: Path) -> MakeNotebook:
    """Write a notebook of the given cells (strings are code cells); return its path."""

    def make(
        *cells: Any, name: str = "experiment", language: str | None = "python"
    ) -> Path:
        nb = new_notebook(cells=[cell(c) if isinstance(c, str) else c for c in cells])
        if language is not None:
            nb.metadata["kernelspec"] = {
                "name": "k",
                "display_name": "k",
                "language": language,
            }
        nbformat.validate(nb)
        path = tmp_path / f"{name}.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        return path

    return make
