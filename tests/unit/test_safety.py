"""render.safety alone: the files must compile, and mean what the notebook meant."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path, PurePosixPath

import pytest

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.errors import EquivalenceError
from nb2pkg.model import Cell, Notebook, Plan, RenderedFile
from nb2pkg.options import Generation
from nb2pkg.plan.merge import plan_notebooks
from nb2pkg.render.safety import check_files

CORE = PurePosixPath("src/demo/core.py")


def plan_of(*sources: str) -> Plan:
    cells = tuple(Cell(index=i, kind="code", source=s) for i, s in enumerate(sources))
    notebook = Notebook(path=Path("demo.ipynb"), cells=cells)
    plan, _ = plan_notebooks(
        [notebook], [analyse_notebook(notebook)], generation=Generation()
    )
    return plan


def test_a_faithful_file_passes_even_formatted_differently() -> None:
    plan = plan_of("def f(x):\n    return x+1")
    files = [RenderedFile(CORE, "def f(x):\n    return (x + 1)  # a comment\n")]
    assert check_files(files, plan) == {}


def test_a_changed_definition_is_named() -> None:
    plan = plan_of("def f(x):\n    return x+1", "class C:\n    k = 1")
    files = [RenderedFile(CORE, "def f(x):\n    return x\n\nclass C:\n    k = 1\n")]
    assert check_files(files, plan) == {CORE: {"f"}}
    with pytest.raises(EquivalenceError, match="`f`"):
        check_files(files, plan, strict=True)


def test_a_definition_missing_from_every_file_is_an_error() -> None:
    plan = plan_of("def f(x):\n    return x+1")
    with pytest.raises(EquivalenceError, match="`f`"):
        check_files([RenderedFile(CORE, "x = 1\n")], plan)


def test_a_file_that_does_not_compile_or_parse_is_always_an_error() -> None:
    plan = plan_of("x = 1")
    with pytest.raises(EquivalenceError):
        check_files([RenderedFile(CORE, "def (:\n")], plan)
    with pytest.raises(EquivalenceError, match="TOML"):
        check_files([RenderedFile(PurePosixPath("pyproject.toml"), "a = [\n")], plan)


def test_no_plan_definition_means_nothing_to_compare() -> None:
    plan = replace(plan_of("print(1)"), modules=())
    assert check_files([RenderedFile(CORE, "y = 2\n")], plan) == {}
