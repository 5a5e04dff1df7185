"""Decide where each statement goes: module level, the pipeline, or nowhere.

Definitions and side-effect-free constants live at module level unless they read a
name only the notebook's loose code makes; the rest runs, in order, in run().
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import libcst as cst

from nb2pkg.analyse.names import (
    DEFINITIONS,
    changed_in_place,
    has_star_import,
    undefined_names,
)
from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import Kind, Statement, StatementNode


@dataclass(frozen=True, slots=True)
class Placement:
    """Which statements live at module level, and which run in the pipeline."""

    module: tuple[Statement, ...]  # definitions and constants, in dependency order
    imports: tuple[Statement, ...]
    future: tuple[Statement, ...]
    pipeline: tuple[Statement, ...]
    findings: tuple[Finding, ...]


def place_statements(
    statements: Sequence[Statement],
    *,
    exported: frozenset[int] = frozenset(),
    run: frozenset[int] = frozenset(),
    shown: frozenset[int] = frozenset(),
) -> Placement:
    """Return where each statement goes.

    Definitions and side-effect-free constants live at module level unless they
    read a name that only the notebook's loose code defines: those stay in the
    pipeline, where that name exists. At module level the last definition of a
    name wins, as in the kernel; in the pipeline every version stays, in order.

    Args:
        statements: every statement of the cells converted, in notebook order.
        exported: ids of statements the author exported: module level, as they are.
        run: ids of statements the author put in the pipeline.
        shown: ids of expressions whose value the notebook showed: kept, to show.
    """
    findings: list[Finding] = []
    kept = _drop_display(statements, findings, exported | shown)
    # A function the notebook called before defining it again: run() keeps
    # each version where the notebook had it; the module keeps the last.
    versions = _called_between_versions(kept, run)
    last = {s.name: s for s in kept if s.kind in DEFINITIONS and id(s) not in run}
    bindings = Counter(n for s in kept for n in s.defines)
    # A value loose code changes in place (``LABELS.append("b")``) is no constant.
    bindings.update(n for s in kept for n in changed_in_place(s))
    # An import of a name the notebook also defines (``from demo import f``
    # after ``def f``) rebinds it where it stands: run() imports it there.
    defined = {s.name for s in kept if s.kind in DEFINITIONS}
    rebinding = {id(s) for s in kept if s.kind is Kind.IMPORT and s.defines & defined}
    run = run | rebinding
    imports = [s for s in kept if s.kind is Kind.IMPORT and id(s) not in rebinding]
    candidates = [
        s
        for s in kept
        if s.kind not in (Kind.IMPORT, Kind.FUTURE)
        and id(s) not in run
        and (
            id(s) in exported
            or (s.kind in DEFINITIONS and last[s.name] is s)
            or (s.kind is Kind.ASSIGN and all(bindings[n] == 1 for n in s.defines))
        )
    ]
    settled = _settle(candidates, kept, imports, findings, exported)
    module = _needed_constants(settled, exported)
    module_ids = frozenset(id(s) for s in module)
    pipeline = _pipeline(kept, module_ids, last, run | versions, findings)
    return Placement(
        module=dependency_order(module),
        imports=tuple(imports),
        future=tuple(s for s in kept if s.kind is Kind.FUTURE),
        pipeline=tuple(pipeline),
        findings=tuple(findings),
    )


def _pipeline(
    kept: Sequence[Statement],
    module_ids: frozenset[int],
    last: dict[str, Statement],
    run: frozenset[int],
    findings: list[Finding],
) -> list[Statement]:
    """Return the statements run() runs: all but the module's, and the earlier
    versions of its definitions; ``run`` are those kept in run() whatever else."""
    pipeline: list[Statement] = []
    for s in kept:
        if s.kind is Kind.FUTURE or (s.kind is Kind.IMPORT and id(s) not in run):
            continue
        if id(s) in module_ids and id(s) not in run:
            continue
        winner = last.get(s.name) if s.kind in DEFINITIONS else None
        if id(s) in run and winner is s and id(s) in module_ids:
            note = (
                f"`{s.name}` was called before it was defined again: run() keeps "
                "each version where the notebook defined it; the module, the last"
            )
            findings.append(finding("NBP315", note, cell=s.cell, line=s.line))
        elif winner is not None and id(winner) in module_ids and id(s) not in run:
            note = (
                f"`{s.name}` is defined again in cell {winner.cell}; that one is kept"
            )
            findings.append(
                finding(
                    "NBP303", note, cell=s.cell, line=s.line, severity=Severity.INFO
                )
            )
            continue
        pipeline.append(s)
    return pipeline


def _called_between_versions(
    kept: Sequence[Statement], run: frozenset[int]
) -> frozenset[int]:
    """Return the ids of every version of each function or class that loose code
    used before it was defined again (the old body ran for that use)."""
    out: set[int] = set()
    current: dict[str, Statement] = {}
    used: set[str] = set()  # names used since their current version
    chosen: dict[str, list[Statement]] = {}
    for s in kept:
        if s.kind in DEFINITIONS and id(s) not in run:
            if s.name in current and s.name in used:
                chosen.setdefault(s.name, [current[s.name]])
            if s.name in chosen:
                chosen[s.name].append(s)
            current[s.name] = s
            used.discard(s.name)
        # A function body reads names when called, not when defined.
        reads = s.eager_uses if s.kind in DEFINITIONS else s.uses
        used |= reads & current.keys()
    for versions in chosen.values():
        out.update(id(v) for v in versions)
    return frozenset(out)


def _is_global_statement(s: Statement) -> bool:
    node = s.node
    return isinstance(node, cst.SimpleStatementLine) and isinstance(
        node.body[0], cst.Global
    )


def without_replaced(
    body: Sequence[Statement], findings: list[Finding]
) -> list[Statement]:
    """Return a module's statements without each definition a later one
    replaces with nothing in between that could run the first (the author
    exported both): the module would define the name twice (ruff's F811)."""
    replaced: set[int] = set()
    since: dict[str, Statement] = {}  # name -> its exported definition, unread since
    for s in body:
        for name in s.eager_uses if s.kind in DEFINITIONS else s.uses:
            since.pop(name, None)
        if s.kind not in DEFINITIONS:
            for name in s.defines:
                since.pop(name, None)
            continue
        earlier = since.pop(s.name, None)
        if earlier is not None:
            replaced.add(id(earlier))
            note = f"`{s.name}` is defined again in cell {s.cell}; that one is kept"
            findings.append(
                finding(
                    "NBP303",
                    note,
                    cell=earlier.cell,
                    line=earlier.line,
                    severity=Severity.INFO,
                )
            )
        since[s.name] = s
    return [s for s in body if id(s) not in replaced]


def _drop_display(
    statements: Sequence[Statement], findings: list[Finding], kept_ids: frozenset[int]
) -> list[Statement]:
    """Return the statements that do something or show something (``kept_ids``:
    exported or shown), reporting those left out."""
    kept: list[Statement] = []
    for s in statements:
        if s.kind is Kind.DISPLAY and id(s) not in kept_ids:
            if s.code.strip() != "pass":
                note = f"display-only expression `{first_line(s)}` left out"
                findings.append(
                    finding(
                        "NBP306", note, cell=s.cell, line=s.line, severity=Severity.INFO
                    )
                )
        elif s.kind is Kind.IPYTHON:
            note = f"`{first_line(s)}` left out (IPython only)"
            findings.append(finding("NBP205", note, cell=s.cell, line=s.line))
        elif _is_global_statement(s) and id(s) not in kept_ids:
            # At top level it does nothing; in a step it would make names global.
            note = f"`{first_line(s)}` does nothing at top level; left out"
            findings.append(
                finding(
                    "NBP312", note, cell=s.cell, line=s.line, severity=Severity.INFO
                )
            )
        else:
            kept.append(s)
    return kept


def _settle(
    candidates: list[Statement],
    kept: list[Statement],
    imports: list[Statement],
    findings: list[Finding],
    exported: frozenset[int],
) -> list[Statement]:
    """Return the candidates that can live at module level (a fixpoint).

    A candidate that reads a name only loose code makes, or a name no cell makes
    at all, moves to the pipeline, where run() provides it. Exported statements
    stay whatever they read: the author decided; such a name is reported.
    """
    module = list(candidates)
    never = set() if has_star_import(imports) else undefined_names(kept)
    while True:
        ids = {id(s) for s in module}
        module_names = {n for s in [*module, *imports] for n in s.defines}
        loose_names = {n for s in kept if id(s) not in ids for n in s.defines}
        loose_only = (loose_names - module_names) | never
        # What loose code binds or reads: a function writing one of these
        # (``global g``) must write the pipeline's g, as it did the notebook's.
        loose_touched = {
            n
            for s in kept
            if id(s) not in ids and s.kind is not Kind.IMPORT
            for n in s.defines | s.uses
        }
        moved = [
            s
            for s in module
            if id(s) not in exported
            and (s.uses & loose_only or _writes_globals(s) & loose_touched)
        ]
        if not moved:
            break
        for s in moved:
            module.remove(s)
            if s.kind in DEFINITIONS:
                findings.append(_kept_in_pipeline(s, loose_only))
    for s in module:
        if id(s) in exported and s.uses & loose_only:
            names = ", ".join(f"`{n}`" for n in sorted(s.uses & loose_only))
            note = (
                f"exported code reads {names}, which only loose code makes (or no "
                "cell): the module will not find them; export the cells that make them"
            )
            findings.append(finding("NBP604", note, cell=s.cell, line=s.line))
    return module


def _kept_in_pipeline(s: Statement, loose_only: set[str]) -> Finding:
    """Return why a definition stays in the pipeline (NBP304)."""
    read = s.uses & loose_only
    if read:
        names = ", ".join(f"`{n}`" for n in sorted(read))
        note = (
            f"`{s.name}` reads {names}, made by loose code or by no cell, so "
            "it stays in the pipeline; pass them as parameters to export it"
        )
    else:
        names = ", ".join(f"`{n}`" for n in sorted(_writes_globals(s)))
        note = (
            f"`{s.name}` assigns the notebook's global {names}, which loose code "
            "uses, so it stays in the pipeline, where that global lives"
        )
    return finding("NBP304", note, cell=s.cell, line=s.line)


def _writes_globals(s: Statement) -> frozenset[str]:
    """Return the names a definition declares ``global`` and binds when called."""
    return s.defines - {s.name} if s.kind in DEFINITIONS else frozenset()


def _needed_constants(
    module: list[Statement], exported: frozenset[int]
) -> list[Statement]:
    """Keep at module level the constants that definitions need, or named as constants.

    A lowercase value that only the loose code reads stays in run(), where the
    reader of the notebook expects it; what the author exported stays.
    """
    needed = {n for s in module if s.kind in DEFINITIONS for n in s.uses}
    keep = {
        id(s)
        for s in module
        if s.kind in DEFINITIONS
        or id(s) in exported
        or any(n.isupper() or n in needed for n in s.defines)
    }
    while True:
        more = {n for s in module if id(s) in keep for n in s.uses}
        grown = {id(s) for s in module if s.defines & more} | keep
        if grown == keep:
            return [s for s in module if id(s) in keep]
        keep = grown


def dependency_order(module: list[Statement]) -> tuple[Statement, ...]:
    """Order module statements so that each comes after what it needs at import."""
    definer = {n: s for s in module for n in s.defines}
    placed: list[Statement] = []
    done: set[int] = set()
    visiting: set[int] = set()

    def place(s: Statement) -> None:
        if id(s) in done or id(s) in visiting:
            return
        visiting.add(id(s))
        for name in sorted(s.eager_uses):
            need = definer.get(name)
            if need is not None and need is not s:
                place(need)
        visiting.discard(id(s))
        done.add(id(s))
        placed.append(s)

    for s in module:
        place(s)
    return tuple(placed)


def display_as_print(
    placement: Placement, statements: Sequence[Statement]
) -> Placement:
    """Make IPython's ``display(x)`` a ``print(x)`` in run(), unless defined."""
    if any("display" in s.defines for s in statements):
        return placement
    findings = list(placement.findings)
    steps: list[Statement] = []
    for s in placement.pipeline:
        if "display" in s.uses and s.kind is Kind.LOOSE:
            s = replace(
                s,
                node=display_to_print(s.node),
                uses=(s.uses - {"display"}) | {"print"},
                eager_uses=(s.eager_uses - {"display"}) | {"print"},
            )
            note = "IPython's display(...) becomes print(...)"
            findings.append(
                finding(
                    "NBP201", note, cell=s.cell, line=s.line, severity=Severity.INFO
                )
            )
        steps.append(s)
    return replace(placement, pipeline=tuple(steps), findings=tuple(findings))


def first_line(s: Statement) -> str:
    lines = [
        ln for ln in s.code.strip().splitlines() if not ln.lstrip().startswith("#")
    ]
    text = lines[0].strip() if lines else ""
    return text if len(text) <= 60 else text[:57] + "..."


class _DisplayToPrint(cst.CSTTransformer):
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = updated_node.func
        if isinstance(func, cst.Name) and func.value == "display":
            return updated_node.with_changes(func=cst.Name("print"))
        return updated_node


def display_to_print(node: StatementNode) -> StatementNode:
    """Return ``node`` with every ``display(...)`` call made ``print(...)``."""
    changed = node.visit(_DisplayToPrint())
    if not isinstance(changed, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        return node
    return changed
