"""Golden files: each example converts to examples/<case>/expected/.

An example is examples/<case>/<case>.ipynb, or a folder examples/<case>/notebooks/
of notebooks that make one package.
"""

from __future__ import annotations

import difflib
import io
import shutil
from pathlib import Path

import pytest

import nb2pkg.api
from nb2pkg import Options, convert
from tests.conftest import EXAMPLES, example_source


@pytest.fixture(autouse=True)
def no_version_in_golden_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the version out of the golden manifests: releases must not churn them."""
    monkeypatch.setattr(nb2pkg.api, "TOOL_VERSION", "0.0.0+golden")


CASES = sorted(p.name for p in EXAMPLES.iterdir() if example_source(p.name).exists())


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_example_matches_golden(case: str, tmp_path: Path, update_golden: bool) -> None:
    notebook = example_source(case)
    out = tmp_path / case
    convert(notebook, options=Options(output=out))
    expected_dir = EXAMPLES / case / "expected"
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir)
    got, want = tree(out), tree(expected_dir)
    assert sorted(got) == sorted(want), "the set of files differs from the golden tree"
    for name in want:
        if got[name] != want[name]:
            diff = "".join(
                difflib.unified_diff(
                    want[name].splitlines(True),
                    got[name].splitlines(True),
                    f"expected/{name}",
                    f"got/{name}",
                )
            )
            pytest.fail(f"{name} differs from the golden file:\n{diff}")


def test_there_are_at_least_three_examples() -> None:
    assert len(CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_conversion_is_deterministic(case: str, tmp_path: Path) -> None:
    notebook = example_source(case)
    convert(notebook, options=Options(output=tmp_path / "a"))
    convert(notebook, options=Options(output=tmp_path / "b"))
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_generated_code_is_pyflakes_clean(case: str, tmp_path: Path) -> None:
    """No undefined name and no unused import in any generated module."""
    from pyflakes import api, reporter

    out = tmp_path / case
    convert(example_source(case), options=Options(output=out))
    messages = io.StringIO()
    report = reporter.Reporter(messages, messages)
    for file in sorted((out / "src").rglob("*.py")):
        api.check(file.read_text(encoding="utf-8"), str(file), report)
    assert messages.getvalue() == ""


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_example_package_passes_ruff_defaults_with_isort_and_sorted_all(
    case: str,
) -> None:
    """What a reviewer runs first: ruff's default rules, import sorting (I) and
    sorted ``__all__`` (RUF022), with no configuration of the package's own."""
    import subprocess

    proc = subprocess.run(
        [
            "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--extend-select",
            "I,RUF022",
            ".",
        ],
        cwd=EXAMPLES / case / "expected",
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
