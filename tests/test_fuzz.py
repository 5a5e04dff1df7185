"""Fuzzing the reader: JSON-level mutations of real notebooks never crash nb2pkg.

Each example notebook (and, when ``../shared`` is there, a few of the corpus's)
is mutated as damaged or hostile files are: a value's type changed, a key
deleted, a list item duplicated, characters of a source flipped, the raw bytes
cut or flipped. Converting it must give a result or a user error
(``Nb2PkgError``, exit 2): anything else would be exit 3, an internal error.

CI runs a fixed, derandomised budget of 40 examples;
``NB2PKG_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py`` runs a larger, random one
(about 6 minutes on two cores).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nb2pkg import Nb2PkgError, Options, check, convert
from tests.conftest import CORPUS, EXAMPLES

SEEDS = sorted(EXAMPLES.glob("*/*.ipynb")) + sorted(
    EXAMPLES.glob("*/notebooks/*.ipynb")
)
SEEDS += sorted(CORPUS.glob("*.ipynb"))[:4] if CORPUS.is_dir() else []
NOTEBOOKS = [json.loads(p.read_text(encoding="utf-8")) for p in SEEDS]
LOCAL = os.environ.get("NB2PKG_FUZZ_EXAMPLES")
BUDGET = settings(
    max_examples=int(LOCAL or "40"),
    derandomize=not LOCAL,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
ODD_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from(["\ud83d", "\x00", "%", "!", "?"]),
    max_size=12,
)


def places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Return the path of every value inside ``value`` (the root is ``()``)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(places(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(places(item, (*path, index)))
    return found


def parent_of(root: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        root = root[step]
    return root


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """Return the bytes of a seed notebook after a few mutations."""
    notebook = copy.deepcopy(draw(st.sampled_from(NOTEBOOKS)))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(places(notebook)[1:] or [()]))
        if not path:
            break
        parent, key = parent_of(notebook, path), path[-1]
        action = draw(st.sampled_from(["type", "delete", "duplicate", "flip"]))
        if action == "type":
            parent[key] = draw(JSON_VALUES)
        elif action == "delete":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif isinstance(parent[key], str) and parent[key]:
            text = parent[key]
            at = draw(st.integers(0, len(text) - 1))
            parent[key] = text[:at] + draw(ODD_TEXT) + text[at + 1 :]
    raw = json.dumps(notebook).encode("utf-8", "surrogatepass")
    damage = draw(st.sampled_from(["none", "none", "cut", "byte"]))
    if damage == "cut":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif damage == "byte":
        at = draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :]
    return raw


@pytest.mark.skipif(not NOTEBOOKS, reason="no seed notebooks")
@BUDGET
@given(mutated())
def test_mutated_notebooks_give_a_result_or_a_user_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.ipynb"
        path.write_bytes(raw)
        options = Options(output=Path(folder) / "out", jobs=1)
        try:
            result = convert(path, options=options)
        except Nb2PkgError as error:
            assert "\n" not in str(error)
            return
        assert result.written
        with contextlib.suppress(Nb2PkgError):  # a user error is fine here too
            check(path)
