"""The imports each module of the package needs: trimmed to the names it uses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

import libcst as cst

from nb2pkg.analyse.names import bound_name, imported_modules
from nb2pkg.model import PipelinePlan, Statement
from nb2pkg.plan.deps import PLOT_ROOTS


def imports_for(
    names: set[str], imports: Iterable[Statement], unresolved: bool
) -> tuple[Statement, ...]:
    """Return the import statements binding any of ``names``, trimmed and deduplicated.

    ``from x import a, b`` keeps only the names used; a star import is kept when
    some name is not resolved otherwise (``unresolved``).
    """
    chosen: dict[str, Statement] = {}
    for s in imports:
        if not s.defines:
            if unresolved:
                chosen.setdefault(s.code.strip(), s)
            continue
        if not s.defines & names:
            continue
        trimmed = _trimmed(s, names)
        chosen.setdefault(trimmed.code.strip(), trimmed)
    return tuple(chosen.values())


def _trimmed(s: Statement, names: set[str]) -> Statement:
    node = s.node
    if not isinstance(node, cst.SimpleStatementLine):
        return s  # a guarded try/except import block: kept whole
    small = node.body[0]
    if not isinstance(small, cst.Import | cst.ImportFrom) or isinstance(
        small.names, cst.ImportStar
    ):
        return s
    aliases = [a for a in small.names if bound_name(a) in names]
    if len(aliases) == len(small.names) or not aliases:
        return s
    aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    small = small.with_changes(names=aliases)
    return replace(
        s,
        node=node.with_changes(body=[small]),
        defines=frozenset(bound_name(a) for a in aliases),
    )


_SESSION_ROOTS = frozenset({"IPython", "ipywidgets"})


def session_only(s: Statement) -> bool:
    """Return True for an import of IPython's or its widgets' display helpers."""
    modules = imported_modules(s)
    return is_plot_import(s) and all(m.split(".")[0] in _SESSION_ROOTS for m in modules)


def is_plot_import(s: Statement) -> bool:
    modules = imported_modules(s)
    return (
        bool(s.defines)  # ``import *`` is allowed at module level only
        and isinstance(s.node, cst.SimpleStatementLine)
        and bool(modules)
        and all(m.split(".")[0] in PLOT_ROOTS for m in modules)
    )


# pandas draws with matplotlib: ``df.plot(...)``, ``df.plot.bar(...)``, ``s.hist()``.
_PANDAS_PLOT = re.compile(r"\.(plot(\.\w+)?|hist|boxplot)\(")
_DRAWING_ROOTS = frozenset({"matplotlib", "seaborn", "plotnine", "pylab"})


def pandas_drawing(pipeline: PipelinePlan) -> Statement | None:
    """Return the first statement of run() that draws with pandas, if any."""
    return next((s for s in pipeline.steps if _PANDAS_PLOT.search(s.code)), None)


def draws(pipeline: PipelinePlan) -> bool:
    """Return True if the pipeline's run() draws figures with matplotlib."""
    imported = {
        m.split(".")[0]
        for s in (*pipeline.imports, *pipeline.lazy_imports)
        for m in imported_modules(s)
    }
    return bool(imported & _DRAWING_ROOTS) or pandas_drawing(pipeline) is not None
