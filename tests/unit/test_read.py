"""Reading: nbformat versions, repairs with a finding, one-line refusals."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from nb2pkg.errors import NotebookError
from nb2pkg.read import repair
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


# What a version-4 notebook's JSON may hold where nb2pkg reads it without
# nbformat: lines as lists or strings, now and then an odd value where an
# object or a list of lines belongs.
_ODD = st.one_of(st.none(), st.integers(), st.text(max_size=3), st.lists(st.none()))


def _mostly(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Return ``strategy``'s values, and one time in ten an odd value instead."""
    return st.tuples(st.sampled_from(range(10)), strategy, _ODD).map(
        lambda drawn: drawn[1] if drawn[0] else drawn[2]
    )


_TEXT = st.one_of(st.text(max_size=5), st.lists(st.text(max_size=3), max_size=3))
_BUNDLE = st.dictionaries(
    st.sampled_from(["text/plain", "application/json", "application/x+json"]),
    _mostly(_TEXT),
)
_OUTPUT = st.fixed_dictionaries(
    {"output_type": st.sampled_from(["stream", "execute_result", "", "error"])},
    optional={"text": _mostly(_TEXT), "data": _mostly(_BUNDLE)},
)
_CELL = st.fixed_dictionaries(
    {
        "cell_type": st.sampled_from(["code", "markdown", "raw"]),
        "metadata": _mostly(
            st.fixed_dictionaries({}, optional={"trusted": st.booleans()})
        ),
    },
    optional={
        "source": _mostly(_TEXT),
        "outputs": st.lists(_mostly(_OUTPUT), max_size=3),
        "attachments": _mostly(st.dictionaries(st.text(max_size=2), _mostly(_BUNDLE))),
    },
)


def _code(*outputs: object) -> dict[str, object]:
    return {"cell_type": "code", "metadata": {}, "outputs": list(outputs)}


@settings(max_examples=300, deadline=None)
@example(  # the lines of an output of no type stay apart
    cells=[_code({"output_type": "", "text": ["a", "b"]})],
    metadata={},
    has_metadata=True,
    repaired=False,
)
@example(  # JSON is data, not lines
    cells=[_code({"output_type": "display_data", "data": {"application/json": ["a"]}})],
    metadata={},
    has_metadata=True,
    repaired=False,
)
@given(
    cells=st.lists(_mostly(_CELL), max_size=4),
    metadata=st.fixed_dictionaries(
        {}, optional={"signature": st.text(max_size=2), "orig_nbformat": st.just(3)}
    ),
    has_metadata=_mostly(st.just(True)),
    repaired=st.booleans(),
)
def test_a_version_4_notebook_reads_as_nbformat_reads_it(
    cells: list[object],
    metadata: dict[str, object],
    has_metadata: object,
    repaired: bool,
) -> None:
    """Read without nbformat, a version-4 notebook gives what nbformat's reader
    gives, and fails where it fails."""
    data: dict[str, object] = {"nbformat": 4, "nbformat_minor": 4, "cells": cells}
    if has_metadata is True:
        data["metadata"] = metadata
    if repaired:  # as nb2pkg reads it: cells given metadata and outputs
        repair._repair_cells(data, [])
    try:
        theirs = nbformat.versions[4].to_notebook_json(copy.deepcopy(data))
    except Exception:  # noqa: BLE001 - any failure: nb2pkg must fail too
        theirs = None
    try:
        ours = repair._as_version_4(copy.deepcopy(data))
    except Exception:  # noqa: BLE001
        ours = None
    assert ours == theirs
    event("read" if ours is not None else "refused")


def test_the_versions_read_are_nbformats() -> None:
    assert set(repair.VERSIONS) == set(nbformat.versions)
