"""The plan drops the names a step binds and nothing reads (ruff's F841)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.model import Cell, Notebook
from nb2pkg.options import Generation
from nb2pkg.plan.notebook import make_plan
from nb2pkg.render.extract import pipeline_code


def converted(*cells: str) -> tuple[str, list[str]]:
    """Return the pipeline's code and the NBP316 messages, for these cells
    (those starting with '#' are markdown)."""
    built = tuple(
        Cell(i, "markdown" if c.startswith("#") else "code", c)
        for i, c in enumerate(cells)
    )
    notebook = Notebook(path=Path("nb.ipynb"), cells=built)
    plan = make_plan(notebook, analyse_notebook(notebook), generation=Generation())
    (pipeline,) = plan.pipelines
    notes = [f.message for f in plan.findings if f.code == "NBP316"]
    return pipeline_code(pipeline), notes


def test_an_unread_result_keeps_its_call_and_loses_its_name() -> None:
    code, notes = converted(
        "## Fit", "history = sorted([3, 1])\nfig = len('ab')\nprint('done')"
    )
    assert "sorted([3, 1])" in code and "history" not in code
    assert 'len("ab")' in code.replace("'", '"') and "fig" not in code
    assert notes == [
        "step `fit`: `fig`, `history` never read after it is made; "
        "the name is dropped, the code that made it kept"
    ]


def test_a_value_with_no_effect_goes_with_its_name() -> None:
    code, _ = converted("## Fit", "a = 1\nb = a_list = [1, 2]\nc = -2 * 3\nprint(1)")
    for gone in ("a = 1", "[1, 2]", "-2 * 3", "a_list"):
        assert gone not in code


def test_names_that_are_read_or_returned_stay() -> None:
    code, notes = converted(
        "## One",
        "x = sorted([2, 1])\ny = len(x)\nz = 3",
        "## Two",
        "print(y)\n\ndef f():\n    return z",
        "print(f())",
    )
    assert "x = sorted([2, 1])" in code and "y = len(x)" in code
    assert notes == []


def test_a_name_read_anywhere_in_the_step_stays() -> None:
    cases = [
        "t = len('a')\ndef g():\n    return t\nprint(g())",  # a closure
        "t = len('a')\ndel t",
        "t = len('a')\nprint(locals())",  # read by name
        "t = len('a')\nprint(str.count('x > @t', 'x'))",  # as pandas' query() reads @t
    ]
    for cell in cases:
        code, notes = converted("## S", cell)
        assert "t = len(" in code, cell
        assert not any("`t`" in n for n in notes), cell


def test_a_name_only_pandas_reads_is_kept_and_marked_for_linters() -> None:
    code, notes = converted(
        "import pandas as pd", "## S", "limit = 3\npd.DataFrame().query('x > @limit')"
    )
    assert "limit = 3  # noqa: F841 - pandas reads it as @limit" in code
    assert notes == []


def test_what_binds_without_reading_is_no_read() -> None:
    cases = [
        "for t in range(2):\n    pass\nt = len('a')",  # a loop target
        "t, u = 1, 2\nprint(u)\nt = len('a')",  # unpacked into
        "t = len('a')\nprint('ab'.count('a'), dict(t=1))",  # attribute, keyword
    ]
    for cell in cases:
        code, notes = converted("## S", cell)
        assert "t = len(" not in code and "len(" in code, cell
        assert any("`t`" in n for n in notes), cell


def test_dropping_one_name_leaves_another_unread() -> None:
    code, notes = converted("## S", "rate = sorted([1])\nscale = 10**rate\nprint(1)")
    assert "scale" not in code and "rate =" not in code and "sorted([1])" in code
    assert notes == [
        "step `s`: `rate`, `scale` never read after it is made; "
        "the name is dropped, the code that made it kept"
    ]


def test_with_and_except_lose_an_unread_as_name() -> None:
    code, _ = converted(
        "## S",
        "try:\n    n = int('z')\nexcept ValueError as err:\n    pass\n"
        "with open('nb.ipynb') as fh:\n    pass",
    )
    assert "except ValueError:" in code and "err" not in code
    assert "with open(" in code and "fh" not in code
    assert 'int("z")' in code.replace("'", '"') and "n =" not in code


def test_an_emptied_block_holds_pass() -> None:
    code, _ = converted("## S", "if len('a'):\n    k = 1\nprint(2)")
    assert "if len(" in code and "k = 1" not in code
    compile(code, "pipeline.py", "exec")


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff not installed")
def test_ruff_finds_no_unused_variable_in_the_pipeline(tmp_path: Path) -> None:
    code, _ = converted(
        "import json",
        "## Load",
        "data = json.loads('[1, 2]')\nsize = len(data)\n"
        "with open('nb.ipynb') as fh:\n    text = fh.read()\n"
        "try:\n    v = int('1')\nexcept ValueError as e:\n    w = 0",
        "## Use",
        "print(data)",
    )
    path = tmp_path / "pipeline.py"
    path.write_text(code, encoding="utf-8")
    found = subprocess.run(
        ["ruff", "check", "--isolated", "--select", "F841", "--no-cache", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stdout
    assert "fh.read()" in code  # the read stays; only its name went
