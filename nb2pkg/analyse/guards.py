"""``if __name__ == "__main__":`` blocks: true in a kernel, so their body runs.

In a package module ``__name__`` is the module's name and the block would not
run: the analysis puts the block's body in its place (NBP314). The test is
recognised twice, the same way: in the ``ast`` that gives each statement its
line, and in the LibCST module the statements come from.
"""

from __future__ import annotations

import ast

import libcst as cst

from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import Cell, StatementNode


def is_main_guard(node: ast.AST) -> bool:
    """Return True for ``if __name__ == "__main__":``, true in a kernel."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = {ast.dump(test.left), ast.dump(test.comparators[0])}
    return sides == {
        ast.dump(ast.Name("__name__", ast.Load())),
        ast.dump(ast.Constant("__main__")),
    }


def main_guards_opened(
    module: cst.Module, cell: Cell, findings: list[Finding]
) -> cst.Module:
    """Return the cell with each ``if __name__ == "__main__":`` block's body in
    its place: in a kernel the test is true, in a package module it is not."""
    body: list[StatementNode] = []
    for stmt in module.body:
        if not (isinstance(stmt, cst.If) and _opens_in_a_kernel(stmt)):
            body.append(stmt)
            continue
        opened: list[StatementNode] = []
        if isinstance(stmt.body, cst.IndentedBlock):
            opened = [s for s in stmt.body.body if isinstance(s, StatementNode)]
        elif isinstance(stmt.body, cst.SimpleStatementSuite):
            opened = [cst.SimpleStatementLine([small]) for small in stmt.body.body]
        if opened:
            first = opened[0]
            opened[0] = first.with_changes(
                leading_lines=[*stmt.leading_lines, *first.leading_lines]
            )
        body.extend(opened)
        note = (
            'the `if __name__ == "__main__":` block runs, as it did in the '
            "notebook (in a module the test would be false)"
        )
        findings.append(
            finding("NBP314", note, cell=cell.number, severity=Severity.INFO)
        )
    return module.with_changes(body=body)


def _opens_in_a_kernel(stmt: cst.If) -> bool:
    """Return True for ``if __name__ == "__main__":`` (as ``is_main_guard``)."""
    test = stmt.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    if not isinstance(target.operator, cst.Equal):
        return False
    sides = [test.left, target.comparator]
    names = [s for s in sides if isinstance(s, cst.Name) and s.value == "__name__"]
    strings = [
        s
        for s in sides
        if isinstance(s, cst.SimpleString) and s.evaluated_value == "__main__"
    ]
    return len(names) == 1 and len(strings) == 1
