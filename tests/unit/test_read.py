"""Reading: nbformat versions, repairs with a finding, one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nb2pkg.errors import NotebookError
from nb2pkg.read.notebook import read_notebook, reads_notebook

P = Path("nb.ipynb")


def v4(cells: list[dict[str, object]], **meta: object) -> str:
    return json.dumps(
        {"nbformat": 4, "nbformat_minor": 4, "metadata": meta, "cells": cells}
    )


def test_reads_code_and_outputs() -> None:
    text = v4(
        [
            {
                "cell_type": "code",
                "source": ["x = 1\r\n", "x"],
                "metadata": {"tags": ["keep"]},
                "execution_count": 3,
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "data": {"text/plain": "1"},
                        "metadata": {},
                        "execution_count": 3,
                    }
                ],
            }
        ]
    )
    nb = reads_notebook(text, path=P)
    (cell,) = nb.cells
    assert cell.source == "x = 1\nx"
    assert cell.tags == ("keep",)
    assert cell.execution_count == 3
    assert cell.outputs[0].text == "1"
    assert nb.findings == ()


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<table border="1" class="dataframe"><tr><td>1</td></tr></table>', True),
        ("<b>bold</b>", False),  # only a DataFrame's table is used
        ('<table class="dataframe">' + "x" * 300_000, False),  # too big to read
    ],
)
def test_keeps_the_html_of_a_dataframe_only(html: str, kept: bool) -> None:
    output = {
        "output_type": "execute_result",
        "data": {"text/plain": "t", "text/html": html},
        "metadata": {},
        "execution_count": 1,
    }
    cell = {"cell_type": "code", "source": "t", "metadata": {}, "outputs": [output]}
    (read,) = reads_notebook(v4([cell]), path=P).cells
    assert read.outputs[0].html == (html if kept else "")


def test_repairs_missing_source_and_stream_name_with_findings() -> None:
    text = v4(
        [
            {"cell_type": "markdown", "metadata": {}},
            {
                "cell_type": "code",
                "source": "print(1)",
                "metadata": {},
                "execution_count": 1,
                "outputs": [{"output_type": "stream", "text": "1\n"}],
            },
        ]
    )
    nb = reads_notebook(text, path=P)
    assert nb.cells[0].source == ""
    assert nb.cells[1].outputs[0].name == "stdout"
    assert {f.code for f in nb.findings} == {"NBP001"}
    assert len(nb.findings) >= 2


def test_duplicate_cell_ids_are_renamed() -> None:
    cell = {"cell_type": "markdown", "id": "same", "metadata": {}, "source": "x"}
    text = json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell, cell]}
    )
    nb = reads_notebook(text, path=P)
    assert any("duplicate cell id" in f.message for f in nb.findings)


def test_reads_nbformat_3() -> None:
    text = json.dumps(
        {
            "nbformat": 3,
            "nbformat_minor": 0,
            "metadata": {"name": ""},
            "worksheets": [
                {
                    "cells": [
                        {
                            "cell_type": "code",
                            "input": ["a = 1\n", "a"],
                            "language": "python",
                            "outputs": [],
                            "metadata": {},
                        }
                    ]
                }
            ],
        }
    )
    nb = reads_notebook(text, path=P)
    assert nb.cells[0].source == "a = 1\na"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        ("{not json", "invalid JSON at line 1"),
        ("[1, 2]", "no list of cells"),
        ('{"nbformat": 4}', "no list of cells"),
        ('{"nbformat": 9, "cells": []}', "newer than this nb2pkg"),
        (v4([], kernelspec={"language": "R"}), "is an R notebook"),
    ],
)
def test_refuses_what_is_not_a_python_notebook(raw: str | bytes, message: str) -> None:
    with pytest.raises(NotebookError, match=message) as info:
        reads_notebook(raw, path=P)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("nb.ipynb: ")


def test_missing_language_counts_as_python() -> None:
    assert reads_notebook(v4([]), path=P).cells == ()


def test_bom_is_accepted() -> None:
    assert reads_notebook("\ufeff" + v4([]), path=P).cells == ()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotebookError, match="cannot read the file"):
        read_notebook(tmp_path / "missing.ipynb")
