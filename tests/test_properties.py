"""Property tests: no input crashes the converter; conversions are sound and stable."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nb2pkg import Nb2PkgError, Options, convert
from nb2pkg.magics import translate_ipython
from nb2pkg.read import reads_notebook

settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("NB2PKG_HYPOTHESIS_EXAMPLES", "60")),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")

LINES = st.sampled_from(
    [
        "import os",
        "import numpy as np",
        "from collections import Counter",
        "x = 1",
        "X = [1, 2.5, 'a']",
        "y = x + 1",
        "def f(a, b=1):\n    return a + b + x",
        "def g():\n    '''doc\n    string'''\n    return f(1)",
        "class C(object):\n    k = 1\n    def m(self):\n        return self.k",
        "print(f(2))",
        "f(2)",
        "df.head()",
        "%matplotlib inline",
        "%time z = f(3)",
        "!pip install thing",
        "np.array?",
        "%%time",
        "%%bash",
        "if x:\n    %pip install q",
        "for i in range(3):\n    x += i",
        "x = (",
        "print x",
        "global x",
        "del x",
        "await thing()",
        "s = '''\n%not magic\n'''",
        "\t\tindented = 1",
        "# just a comment",
        "",
    ]
)
CELL = st.lists(LINES, max_size=6).map("\n".join) | st.text(max_size=80)


def notebook_json(cells: list[tuple[str, str]]) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 4,
            "metadata": {},
            "cells": [
                {
                    "cell_type": kind,
                    "source": src,
                    "metadata": {},
                    "outputs": [],
                    "execution_count": None,
                }
                if kind == "code"
                else {"cell_type": kind, "source": src, "metadata": {}}
                for kind, src in cells
            ],
        }
    )


@given(
    st.lists(st.tuples(st.sampled_from(["code", "code", "markdown"]), CELL), max_size=8)
)
def test_convert_never_crashes_and_is_deterministic(
    cells: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prop.ipynb"
        path.write_text(notebook_json(cells), encoding="utf-8")
        try:
            first = convert(path, options=Options(dry_run=True))
        except Nb2PkgError:
            return
        second = convert(path, options=Options(dry_run=True))
        assert first.files == second.files
        for file in first.files:
            if file.path.suffix == ".py":
                compile(file.text, str(file.path), "exec")


@given(st.text(max_size=200))
def test_magic_translation_keeps_line_numbers(source: str) -> None:
    result = translate_ipython(source, cell=1)
    if not source.lstrip().startswith("%%"):
        assert result.source.count("\n") == source.count("\n")


@given(st.binary(max_size=200) | st.text(max_size=200))
def test_reading_garbage_is_a_clear_error(raw: bytes | str) -> None:
    try:
        reads_notebook(raw, path=Path("x.ipynb"))
    except Nb2PkgError as exc:
        assert "\n" not in str(exc)
