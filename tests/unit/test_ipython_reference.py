"""IPython's input transformer is the reference: nb2pkg touches the lines it does."""

from __future__ import annotations

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from nb2pkg.analyse.magics import translate_ipython

CASES = [
    "%matplotlib inline\nimport numpy as np",
    "x = 1  # why?",
    "a = 5 % 3\nb = a %2",
    's = """\n%not a magic\n!nor a shell\n"""\nprint(s)',
    "f(1,\n  %x)",
    "np.array?",
    "??np.array",
    "np.*load*?",
    "x = !ls\ny = 2",
    "files = %sx ls",
    "if x:\n    %pip install y\nelse:\n    pass",
    "print(a != b)",
    "!echo hi\n!!echo there",
    "%time total = f(1)\n%timeit f(2)",
    "def f():\n    %time g()\n    return 1",
    "value = 'a ? b'\nother = \"%s\" % value",
    "d = {'k': 1}\n# %comment\nd['k']",
    "x = (1 +\n     2)\n%who",
    "%env A=1\n%cd /tmp",
    "get_ipython().run_line_magic('matplotlib', 'inline')",
]


def touched_by_ipython(source: str) -> set[int]:
    out = TransformerManager().transform_cell(source).rstrip("\n").split("\n")
    lines = source.split("\n")
    assert len(out) == len(lines), "line magics keep the line count"
    return {i + 1 for i, (a, b) in enumerate(zip(lines, out, strict=True)) if a != b}


def touched_by_nb2pkg(source: str) -> set[int]:
    return {f.line for f in translate_ipython(source, cell=1).findings if f.line}


@pytest.mark.parametrize("source", CASES)
def test_same_lines_as_ipython(source: str) -> None:
    expected = touched_by_ipython(source)
    if "get_ipython()" in source:
        expected = {1}  # already Python for IPython; nb2pkg reads it as its magic
    assert touched_by_nb2pkg(source) == expected


@pytest.mark.parametrize(
    "source", ["%%time\nx = 1", "%%bash\necho hi", "%%capture out\nprint(1)"]
)
def test_cell_magics_are_cell_magics_for_ipython_too(source: str) -> None:
    assert (
        TransformerManager()
        .transform_cell(source)
        .startswith("get_ipython().run_cell_magic(")
    )
    assert translate_ipython(source, cell=1).findings[0].line == 1
