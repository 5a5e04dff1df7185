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


def test_equal_whitespace_loads_as_one_node_and_writes_the_same_code() -> None:
    source = "a = 1  # one\nb = [1, 2,  3]\n\n\nif a:\n    c = a + b  # two\n"
    module = cst.parse_module(source)
    loaded = load_nodes(dump_nodes(module.body))
    assert loaded is not None
    assert cst.Module(body=loaded).code == source
    spaces: dict[str, set[int]] = {}

    def collect(node: cst.CSTNode) -> None:
        if isinstance(node, cst.SimpleWhitespace):
            spaces.setdefault(node.value, set()).add(id(node))
        for child in node.children:
            collect(child)

    for statement in loaded:
        collect(statement)
    assert len(spaces[" "]) == 1  # every single space is one node
    assert spaces.keys() >= {"", " ", "  "}


def test_a_whitespace_maker_given_anything_but_text_loads_nothing() -> None:
    from nb2pkg.analyse import trees

    class Fake:
        def __reduce__(self) -> tuple[object, tuple[object, ...]]:
            return (trees._space, ([1, 2],))  # unhashable: the maker fails

    text = base64.b64encode(pickle.dumps((Fake(),))).decode()
    assert load_nodes(text) is None
