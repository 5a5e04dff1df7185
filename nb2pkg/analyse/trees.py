"""Statement trees as text, so the cache can keep a cell's LibCST nodes.

Parsing is most of what converting a notebook again costs: LibCST builds its
nodes at about 250 kB of source a second, and loading them pickled is about
three times faster. The pickle is read back by an unpickler that builds LibCST
nodes and nothing else: a cache file someone else wrote can at worst give
wrong trees (as it could give wrong facts), never run code.
"""

from __future__ import annotations

import base64
import io
import pickle
from collections.abc import Iterable

import libcst as cst

from nb2pkg.model import StatementNode

_ALLOWED = (cst.CSTNode, cst.MaybeSentinel)


def dump_nodes(nodes: Iterable[StatementNode]) -> str:
    """Return ``nodes`` as text for ``load_nodes``."""
    data = pickle.dumps(tuple(nodes), protocol=pickle.HIGHEST_PROTOCOL)
    return base64.b64encode(data).decode("ascii")


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
        found = _FOUND.get((module, name))
        if found is not None:
            return found
        cls = super().find_class(module, name) if module.startswith("libcst.") else None
        if not (isinstance(cls, type) and issubclass(cls, _ALLOWED)):
            raise pickle.UnpicklingError(f"not a LibCST node: {module}.{name}")
        _FOUND[module, name] = cls
        return cls
