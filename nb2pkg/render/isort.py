"""Imports inside loose code, as isort (and ruff's ``I001``) writes them.

The package's top-level imports are written sorted by ``extract.import_block``;
an import the notebook made inside a block (``if``, ``try``) stays where it is,
with its names in isort's order: plain names on one line, each ``a as b`` on a
line of its own. Definitions are the author's, left as written.
"""

from __future__ import annotations

import libcst as cst

from nb2pkg.analyse.names import isort_key
from nb2pkg.model import StatementNode


def sorted_import_names(node: StatementNode) -> StatementNode:
    """Return the loose code with each ``from m import b, a`` naming a, b as
    isort writes them (ruff's ``I001``); nested definitions are left as written."""
    changed = node.visit(_SortImportNames())
    return changed if isinstance(changed, type(node)) else node


class _SortImportNames(cst.CSTTransformer):
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_SimpleStatementLine(
        self,
        original_node: cst.SimpleStatementLine,
        updated_node: cst.SimpleStatementLine,
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        (first, *rest) = updated_node.body
        if rest or not isinstance(first, cst.ImportFrom):
            return updated_node
        names = first.names
        if isinstance(names, cst.ImportStar) or len(names) < 2:  # noqa: PLR2004
            return updated_node

        def order(alias: cst.ImportAlias) -> tuple[int, str, str]:
            return isort_key(cst.Module([]).code_for_node(alias.name))

        # Plain names on one line, each ``a as b`` on a line of its own.
        plain = sorted((a for a in names if a.asname is None), key=order)
        aliased = sorted((a for a in names if a.asname is not None), key=order)
        groups = ([plain] if plain else []) + [[a] for a in aliased]
        if groups == [list(names)]:
            return updated_node
        lines = []
        for i, group in enumerate(groups):
            last = len(group) - 1
            aliases = [
                a.with_changes(
                    comma=cst.MaybeSentinel.DEFAULT
                    if j == last
                    else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
                for j, a in enumerate(group)
            ]
            statement = first.with_changes(names=aliases, lpar=None, rpar=None)
            line = updated_node.with_changes(body=[statement])
            lines.append(line if i == 0 else line.with_changes(leading_lines=()))
        return cst.FlattenSentinel(lines)
