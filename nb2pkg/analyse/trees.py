"""Statement trees as text, so the cache can keep a cell's LibCST nodes.

Parsing is most of what converting a notebook again costs: LibCST builds its
nodes at about 250 kB of source a second, and loading them pickled is about
three times faster. The pickle is read back by an unpickler that builds LibCST
nodes and nothing else: a cache file someone else wrote can at worst give
wrong trees (as it could give wrong facts), never run code.

Most of a tree's nodes are whitespace (a ``SimpleWhitespace`` on each side of
every operator and comma), and LibCST nodes are immutable: the pickle names
each piece of whitespace by its text, and loading gives every equal piece the
same node, made once. That halves the nodes built, and the time loading takes.
"""

from __future__ import annotations

import base64
import copyreg
import functools
import io
import pickle
from collections.abc import Callable, Iterable
from typing import Any

import libcst as cst

from nb2pkg.model import StatementNode

_ALLOWED = (cst.CSTNode, cst.MaybeSentinel)


def dump_nodes(nodes: Iterable[StatementNode]) -> str:
    """Return ``nodes`` as text for ``load_nodes``."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(tuple(nodes))
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# Whitespace, made once per text: the node functions the pickle calls.
@functools.lru_cache(maxsize=1024)
def _space(value: str) -> cst.SimpleWhitespace:
    return cst.SimpleWhitespace(value)


@functools.lru_cache(maxsize=64)
def _newline(value: str | None) -> cst.Newline:
    return cst.Newline(value)


@functools.lru_cache(maxsize=1024)
def _line_end(
    space: cst.SimpleWhitespace, newline: cst.Newline
) -> cst.TrailingWhitespace:
    return cst.TrailingWhitespace(whitespace=space, newline=newline)


_Reduced = tuple[Callable[..., object], tuple[object, ...]]


def _reduce_space(node: cst.SimpleWhitespace) -> _Reduced:
    return _space, (node.value,)


def _reduce_newline(node: cst.Newline) -> _Reduced:
    return _newline, (node.value,)


def _reduce_line_end(node: cst.TrailingWhitespace) -> _Reduced:
    if node.comment is not None:  # comments are not shared: pickled as usual
        return node.__reduce_ex__(pickle.HIGHEST_PROTOCOL)  # type: ignore[return-value]
    return _line_end, (node.whitespace, node.newline)


_DISPATCH: dict[type, Callable[[Any], _Reduced]] = {
    **copyreg.dispatch_table,  # type: ignore[dict-item]
    cst.SimpleWhitespace: _reduce_space,
    cst.Newline: _reduce_newline,
    cst.TrailingWhitespace: _reduce_line_end,
}
_MAKERS = {f"{__name__}.{f.__name__}": f for f in (_space, _newline, _line_end)}


def load_nodes(text: object) -> tuple[StatementNode, ...] | None:
    """Return the statements ``dump_nodes`` wrote as ``text``, or None if it did not."""
    if not isinstance(text, str):
        return None
    try:
        nodes = _NodeUnpickler(io.BytesIO(base64.b64decode(text))).load()
    except Exception:  # noqa: BLE001 - a damaged entry is only work to do again
        return None
    if not isinstance(nodes, tuple) or not all(
        isinstance(n, cst.SimpleStatementLine | cst.BaseCompoundStatement)
        for n in nodes
    ):
        return None
    return nodes


# The classes found so far, by (module, name): a tree names a dozen or so, and
# every cell's tree names them again.
_FOUND: dict[tuple[str, str], type] = {}


class _NodeUnpickler(pickle.Unpickler):
    """An unpickler that refers to LibCST's node classes and to nothing else."""

    def find_class(self, module: str, name: str) -> object:
        found = _FOUND.get((module, name)) or _MAKERS.get(f"{module}.{name}")
        if found is not None:
            return found
        cls = super().find_class(module, name) if module.startswith("libcst.") else None
        if not (isinstance(cls, type) and issubclass(cls, _ALLOWED)):
            raise pickle.UnpicklingError(f"not a LibCST node: {module}.{name}")
        _FOUND[module, name] = cls
        return cls
