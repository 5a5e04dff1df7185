"""analyse.trees alone: statement trees kept as text load back; nothing else does."""

from __future__ import annotations

import base64
import os
import pickle

import libcst as cst
import pytest

from nb2pkg.analyse.trees import dump_nodes, load_nodes


def test_trees_round_trip_with_comments_and_formatting() -> None:
    module = cst.parse_module("x  =  1  # one\nfor i in  range(3):\n    print( i )\n")
    loaded = load_nodes(dump_nodes(module.body))
    assert loaded is not None
    assert cst.Module(body=loaded).code == module.code
    assert all(a.deep_equals(b) for a, b in zip(loaded, module.body, strict=True))


class Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo pwned",))


@pytest.mark.parametrize(
    "text",
    [
        base64.b64encode(pickle.dumps(Boom())).decode(),
        base64.b64encode(pickle.dumps((cst.Name("x"),))).decode(),  # not a statement
        base64.b64encode(pickle.dumps({"a": 1})).decode(),
        "not base64 at all!",
        42,
        None,
    ],
)
def test_anything_but_statement_trees_is_refused(text: object) -> None:
    assert load_nodes(text) is None
