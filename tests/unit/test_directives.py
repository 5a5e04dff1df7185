"""Directives and tags: each spelling, each mark, and what an unknown one does."""

from __future__ import annotations

import pytest

from nb2pkg.errors import Finding
from nb2pkg.model import Cell, Marks
from nb2pkg.read.directives import mark_cells


def marked(source: str, tags: tuple[str, ...] = ()) -> tuple[Cell, list[Finding]]:
    (cell,), findings = mark_cells((Cell(0, "code", source, tags=tags),))
    return cell, findings


@pytest.mark.parametrize(
    ("source", "tags", "expected"),
    [
        ("# nb2pkg: export\nx = 1", (), Marks(export=True)),
        ("#nb2pkg:export\nx = 1", (), Marks(export=True)),
        ("x = 1", ("export",), Marks(export=True)),
        ("x = 1", ("nb2pkg:export",), Marks(export=True)),
        ("# nb2pkg: module: data\nx = 1", (), Marks(module="data")),
        ("# nb2pkg: module=data.io\nx = 1", (), Marks(module="data.io")),
        ("x = 1", ("module:data",), Marks(module="data")),
        ("x = 1", ("module=data",), Marks(module="data")),
        ("# nb2pkg: skip\nx = 1", (), Marks(skip=True)),
        ("x = 1", ("skip",), Marks(skip=True)),
        ("# nb2pkg: test\nassert f()", (), Marks(test=True)),
        ("x = 1", ("parameters",), Marks(parameters=True)),
        ("# nb2pkg: parameters\nx = 1", (), Marks(parameters=True)),
        ("# nb2pkg: pipeline\nx = 1", (), Marks(pipeline=True)),
        ("# nb2pkg: main\nx = 1", (), Marks(pipeline=True)),
        (
            "# nb2pkg: pipeline: load data\nx = 1",
            (),
            Marks(pipeline=True, step="load data"),
        ),
        ("# nb2pkg: export, module: io\nx = 1", (), Marks(export=True, module="io")),
        # nbdev 2
        ("#| export\nx = 1", (), Marks(export=True, nbdev=True)),
        ("#|export\nx = 1", (), Marks(export=True, nbdev=True)),
        (" #| export\nx = 1", (), Marks(export=True, nbdev=True)),
        ("#| exports\nx = 1", (), Marks(export=True, nbdev=True)),
        ("#| exporti\nx = 1", (), Marks(export=True, internal=True, nbdev=True)),
        ("#| export data\nx = 1", (), Marks(export=True, module="data", nbdev=True)),
        ("#| default_exp core.io", (), Marks(default_module="core.io", nbdev=True)),
        ("#| hide\nx = 1", (), Marks(hide=True, nbdev=True)),
        ("#| eval: false\nx = 1", (), Marks(no_run=True, nbdev=True)),
        ("#|eval:false\nx = 1", (), Marks(no_run=True, nbdev=True)),
        ("#| notest\nx = 1", (), Marks(no_run=True, nbdev=True)),
        ("#| hide\n#| export\nx = 1", (), Marks(export=True, hide=True, nbdev=True)),
        # nbdev 1
        ("# export\nx = 1", (), Marks(export=True, nbdev=True)),
        ("#export\nx = 1", (), Marks(export=True, nbdev=True)),
        ("# exporti\nx = 1", (), Marks(export=True, internal=True, nbdev=True)),
        ("#default_exp logargs", (), Marks(default_module="logargs", nbdev=True)),
        ("#hide\nx = 1", (), Marks(hide=True, nbdev=True)),
        # other tools' tags
        (
            "x = 1",
            ("active-ipynb",),
            Marks(skip=True, why="jupytext: runs only in the notebook"),
        ),
        (
            "x = 1",
            ("injected-parameters",),
            Marks(skip=True, why="papermill: values injected for one run"),
        ),
    ],
)
def test_each_spelling_sets_its_mark(
    source: str, tags: tuple[str, ...], expected: Marks
) -> None:
    cell, findings = marked(source, tags)
    assert cell.marks == expected
    assert findings == []


def test_directive_lines_leave_the_code_and_keep_line_numbers() -> None:
    cell, _ = marked("#| export\n# a real comment\ndef f():\n    pass")
    assert cell.source == "\n# a real comment\ndef f():\n    pass"


@pytest.mark.parametrize(
    "source",
    [
        "# export the data to csv\nx = 1",  # a sentence, not nbdev 1's directive
        "x = '#| export'",
        "x = 1\n#| export",  # directives are read above the code only
        "#| echo: false\nx = 1",  # a Quarto option: not about code
        "# nb2pkg: noqa: NBP101\nx = 1",  # read by the checks
    ],
)
def test_what_is_not_a_directive(source: str) -> None:
    cell, findings = marked(source)
    assert cell.marks == Marks()
    assert findings == []


def test_noqa_comment_stays_for_the_checks() -> None:
    cell, _ = marked("# nb2pkg: noqa: NBP101\nx = 1")
    assert cell.source.startswith("# nb2pkg: noqa")


@pytest.mark.parametrize(
    ("source", "tags", "hint"),
    [
        ("# nb2pkg: exprot\nx = 1", (), "did you mean `export`"),
        ("# nb2pkg: frobnicate\nx = 1", (), "known: export"),
        ("x = 1", ("nb2pkg:frobnicate",), "known: export"),
        ("x = 1", ("paramters",), "did you mean `parameters`"),
    ],
)
def test_unknown_directive_is_a_warning_naming_the_cell(
    source: str, tags: tuple[str, ...], hint: str
) -> None:
    cell, (warning,) = marked(source, tags)
    assert warning.code == "NBP601" and warning.cell == 1
    assert hint in warning.message
    assert cell.marks == Marks()


def test_tags_of_other_tools_are_left_alone() -> None:
    cell, findings = marked("x = 1", ("remove-cell", "hide-input", "raises-exception"))
    assert (cell.marks, findings) == (Marks(), [])


@pytest.mark.parametrize("name", ["2fast", "a-b", "class", "pipeline", "__init__"])
def test_a_bad_module_name_is_reported_and_ignored(name: str) -> None:
    cell, (warning,) = marked(f"# nb2pkg: module: {name}\nx = 1")
    assert warning.code == "NBP602"
    assert cell.marks.module == ""


def test_skip_wins_over_other_marks_with_a_warning() -> None:
    cell, (warning,) = marked("# nb2pkg: skip, export\nx = 1")
    assert cell.marks.skip and not cell.marks.export
    assert warning.code == "NBP605"


def test_a_value_on_a_mark_that_takes_none_is_reported() -> None:
    cell, (warning,) = marked("# nb2pkg: skip: please\nx = 1")
    assert cell.marks.skip and warning.code == "NBP601"
