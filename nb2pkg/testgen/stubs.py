"""Stubs with substance: a function with no evidence gets a test to fill in.

The stub skips, and says what is missing. Where the notebook did call the
function (in code that could not become a test: it reads state only the
notebook had), the stub shows that call and what it returned, so the user has
the call to repeat and the kind of value to expect.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst

from nb2pkg.analyse.names import called_in_order, lone_expression
from nb2pkg.credentials import find_credential
from nb2pkg.model import CellAnalysis, Kind, Statement, TestCase, TestKind

# A shown value longer than this is cut in the stub's comment.
_SHOWN_CHARS = 70


def stub(module: str, s: Statement, analyses: Sequence[CellAnalysis]) -> TestCase:
    """Return the skipping test of a function no cell gave evidence for."""
    signature = ""
    if isinstance(s.node, cst.FunctionDef):
        signature = cst.Module([]).code_for_node(s.node.params)
    call = f"{s.name}({' '.join(signature.split())})"
    return TestCase(
        module=module,
        name=f"test_{s.name.lower()}_todo",
        cell=s.cell,
        kind=TestKind.STUB,
        reason="no recorded output to compare",
        expression=call,
        body=_seen(s.name, analyses),
    )


def _seen(name: str, analyses: Sequence[CellAnalysis]) -> str:
    """Return comments showing where the notebook called ``name`` and what it
    showed then; empty if no cell did."""
    for analysis in analyses:
        for statement in analysis.statements:
            if statement.kind in (Kind.DEF, Kind.CLASS):
                continue
            if name not in statement.code or name not in called_in_order(
                statement.node
            ):
                continue
            code = statement.code.strip().split("\n")[0]
            lines = [
                f"# The notebook called it in cell {analysis.cell.number}:",
                f"#     {code}",
            ]
            shown = _shown(analysis)
            last = analysis.statements[-1]
            if shown and statement is last:
                lines.append(f"# and showed {shown}")
            elif shown and lone_expression(last) and statement.defines & last.uses:
                through = last.code.strip().split("\n")[0]
                lines.append(f"# and, through `{through}`, showed {shown}")
            lines.append(
                "# Repeat the call with inputs you build here, and assert on it."
            )
            return "\n".join(lines)
    return ""


def _shown(analysis: CellAnalysis) -> str:
    """Return what kind of value the cell showed, with the start of its text."""
    text = next(
        (o.text for o in analysis.cell.outputs if o.output_type == "execute_result"),
        "",
    ).strip()
    if not text or find_credential(text) is not None:
        return ""
    first = text.split("\n")[0]
    start = first if len(first) <= _SHOWN_CHARS else first[:_SHOWN_CHARS] + "..."
    html = any(o.html for o in analysis.cell.outputs)
    if html:
        return f"a pandas DataFrame: {start}"
    if text.startswith("array("):
        return f"a numpy array: {start}"
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return f"this: {start}"
    return f"a {type(value).__name__}: {start}"
