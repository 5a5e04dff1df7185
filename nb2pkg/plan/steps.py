"""Split the notebook's loose code into step functions with real inputs and outputs.

A markdown heading starts a step. A step's parameters are the names it reads that
earlier steps made; it returns the names that later steps read. Names the package's
modules define (functions, constants, imports) are read as module globals, not
passed. A function defined in a step that reads a name only a later step makes would
lose its closure if the two were split, so such steps are merged.
"""

from __future__ import annotations

import bisect
import functools
import keyword
from collections.abc import Callable, Mapping, Sequence

import libcst as cst

from nb2pkg.analyse.names import BUILTIN_NAMES, DEFINITIONS
from nb2pkg.analyse.visitors import TopLevelVisitor, literal_names
from nb2pkg.model import Statement, Step
from nb2pkg.options import normalise_name


def make_steps(
    statements: Sequence[Statement],
    *,
    headings: Mapping[int, str],
    module_names: frozenset[str],
    global_names: frozenset[str],
    lazy_imports: Sequence[Statement],
    parameters: frozenset[str] = frozenset(),
    unknown: frozenset[str] = frozenset(),
    parents: Mapping[int, str] | None = None,
) -> tuple[tuple[Step, ...], tuple[str, ...]]:
    """Return the step functions for the pipeline's ``statements``, and run()'s inputs.

    A name a step reads before any earlier step binds it (from a cell run out of
    order, or from the environment) becomes a required keyword argument of run(),
    passed on to the steps that read it: honest code, no undefined name.

    Args:
        statements: the loose code, in notebook order.
        headings: cell number -> heading text, for the markdown cells with one.
        module_names: names the package's modules and imports provide.
        global_names: names run() used to declare global (kept global).
        lazy_imports: plotting imports, made inside the steps that use them.
        parameters: run()'s keyword arguments, passed to the steps that read them.
        unknown: names maybe from elsewhere (a star import): inputs only if bound later.
        parents: code cell number -> its section's parent heading (for names).
    """
    groups, titles = _merge_for_closures(*_split_at_headings(statements, headings))
    reads = [_reads(g) for g in groups]
    # ``except E as e`` binds e only inside its handler: never a step's output.
    defines = [{n for s in g for n in s.defines} - _handler_names(g) for g in groups]
    global_names |= _rebound_under_closures(groups, defines) - parameters
    lazy_names = {n for s in lazy_imports for n in s.defines}
    outside = (module_names | global_names | BUILTIN_NAMES | lazy_names) - parameters
    unbound = _unbound(groups, reads, defines, outside | parameters, unknown)
    inputs = parameters | unbound
    passed = outside - inputs
    taken = {n for s in statements for n in s.defines | s.uses} | module_names | {"run"}
    needs = _needs(groups, reads, defines, set(inputs))
    steps: list[Step] = []
    for i, group in enumerate(groups):
        before = set().union(*defines[:i]) | inputs
        returns = tuple(sorted((defines[i] & set().union(*needs[i + 1 :])) - passed))
        verb = functools.partial(_verb, group, returns)  # walked only on a clash
        other = ((parents or {}).get(group[0].cell, ""), verb)
        name = _unique_name(titles[i], i + 1, taken, other)
        taken.add(name)
        uses = {n for s in group for n in s.uses}  # what its lazy imports serve
        steps.append(
            Step(
                name=name,
                title=titles[i],
                params=tuple(sorted((needs[i] & before) - passed)),
                returns=returns,
                global_names=tuple(sorted(global_names & defines[i])),
                imports=tuple(s for s in lazy_imports if s.defines & uses),
                statements=tuple(group),
            )
        )
    return tuple(steps), tuple(sorted(unbound))


def _needs(
    groups: Sequence[Sequence[Statement]],
    reads: Sequence[set[str]],
    defines: Sequence[set[str]],
    inputs: set[str],
) -> list[set[str]]:
    """Return what each step needs from before it: what it reads first, and
    what it may leave unbound (``if big: mode = "slow"``) that it or a later
    step reads: on that path the name keeps the value it had."""
    needs: list[set[str]] = [set() for _ in groups]
    later: set[str] = set()
    for i in reversed(range(len(groups))):
        before = set().union(*defines[:i]) | inputs
        maybe, read_after = _maybe_bound(groups[i])
        kept = before & ((maybe & later) | read_after)
        needs[i] = reads[i] | kept
        later |= needs[i]
    return needs


def _unbound(
    groups: Sequence[Sequence[Statement]],
    reads: Sequence[set[str]],
    defines: Sequence[set[str]],
    provided: frozenset[str],
    unknown: frozenset[str],
) -> set[str]:
    """Return the names a step reads before any earlier step binds them.

    ``provided``: what run() has without a step (modules, imports, parameters);
    ``unknown``: names that may come from elsewhere, unbound only if some step
    binds them later.
    """
    bound_anywhere = set().union(*defines)
    unbound: set[str] = set()
    for i, group in enumerate(groups):
        early = _reads(group, surely=True) | (reads[i] - bound_anywhere)
        unbound |= early - set().union(*defines[:i]) - provided
    return {n for n in unbound if n not in unknown or n in bound_anywhere}


def _split_at_headings(
    statements: Sequence[Statement], headings: Mapping[int, str]
) -> tuple[list[list[Statement]], list[str]]:
    groups: list[list[Statement]] = []
    titles: list[str] = []
    cells = sorted(headings)
    previous = 0
    for s in statements:
        # A heading is a markdown cell before s; a pipeline mark is s's own cell.
        # The last heading in (previous, s.cell], if any, starts a new group.
        last = bisect.bisect_right(cells, s.cell) - 1
        crossed = last >= 0 and cells[last] > previous
        if crossed or not groups:
            groups.append([])
            if not crossed:  # the first group: the last heading before s
                last = bisect.bisect_left(cells, s.cell) - 1
            titles.append(headings[cells[last]] if last >= 0 else "")
        groups[-1].append(s)
        previous = s.cell
    return groups, titles


def _merge_for_closures(
    groups: list[list[Statement]], titles: list[str]
) -> tuple[list[list[Statement]], list[str]]:
    """Merge a step that defines a function with the later step whose names it reads."""
    while True:
        merge = _closure_over_later(groups)
        if merge is None:
            return groups, titles
        i, j = merge
        groups[i : j + 1] = [[s for g in groups[i : j + 1] for s in g]]
        titles[i : j + 1] = [titles[i] or next((t for t in titles[i : j + 1] if t), "")]


def _closure_over_later(
    groups: Sequence[Sequence[Statement]],
) -> tuple[int, int] | None:
    """Return the first step defining a function that reads a name only a later
    step binds, and the last such step; None if there is none."""
    first_defined: dict[str, int] = {}
    for i, group in enumerate(groups):
        for s in group:
            for name in s.defines:
                first_defined.setdefault(name, i)
    for i, group in enumerate(groups):
        for s in group:
            if s.kind not in DEFINITIONS:
                continue
            later = [first_defined[n] for n in s.uses if first_defined.get(n, -1) > i]
            if later:
                return i, max(later)
    return None


def _reads(group: Sequence[Statement], *, surely: bool = False) -> set[str]:
    """Return the names a step reads before it binds them itself.

    With ``surely``, only the reads that certainly come first: a function body's
    reads wait for a call, and a compound statement (``for``, ``if``, ``with``)
    that binds a name may bind it before reading it.
    """
    bound: set[str] = set()
    reads: set[str] = set()
    for s in group:
        uses = s.uses
        if surely and s.kind in DEFINITIONS:
            uses = s.eager_uses
        elif surely and not isinstance(s.node, cst.SimpleStatementLine):
            uses = s.uses - s.defines
        reads |= uses - bound - _bound_first(s.node)
        bound |= s.defines
    return reads - _handler_names(group)


class _HandlerNames(TopLevelVisitor):
    """Gather ``e`` of ``except E as e``."""

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.names.add(node.name.name.value)


def _rebound_under_closures(
    groups: Sequence[Sequence[Statement]], defines: Sequence[set[str]]
) -> set[str]:
    """Return the names a function reads that a later step binds again.

    In the kernel the function reads the global as it is when it is called; a
    step's local would be the value it had when the function was defined. Such
    names live as module globals of the pipeline, as in the notebook.
    """
    found: set[str] = set()
    for i, group in enumerate(groups):
        later = set().union(*defines[i + 1 :])
        for s in group:
            if s.kind in DEFINITIONS:
                found |= (s.uses - s.eager_uses) & later
    return found


def _maybe_bound(group: Sequence[Statement]) -> tuple[set[str], set[str]]:
    """Return the names the group binds only on some paths (inside ``if``,
    ``for``, ``while``, ``try``, ``with`` or ``match``, or in a function body:
    ``global x`` there binds x only when it is called), and those of them a
    later statement of the group reads."""
    surely: set[str] = set()  # bound on every path so far
    maybe: set[str] = set()
    read_after: set[str] = set()
    for s in group:
        read_after |= (s.uses - _bound_first(s.node)) & (maybe - surely)
        if isinstance(s.node, cst.SimpleStatementLine):
            surely |= s.defines
        elif s.kind in DEFINITIONS:
            maybe |= s.defines - {s.name} - surely
            surely.add(s.name)
        else:
            maybe |= s.defines - surely
    return maybe - surely, read_after


def _handler_names(group: Sequence[Statement]) -> set[str]:
    visitor = _HandlerNames()
    for s in group:
        # Only a compound statement of the step's own code can hold a handler.
        if (
            not isinstance(s.node, cst.SimpleStatementLine)
            and s.kind not in DEFINITIONS
        ):
            s.node.visit(visitor)
    return visitor.names


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def on_visit(self, node: cst.CSTNode) -> bool:
        data = literal_names(node)  # a big literal: its names without a walk
        if data is not None:
            self.names |= data
            return False
        return super().on_visit(node)


def _names_in(node: cst.CSTNode | None) -> set[str]:
    visitor = _Names()
    if node is not None:
        node.visit(visitor)
    return visitor.names


def _bound_first(node: cst.CSTNode) -> set[str]:
    """Return the names a ``for``/``with`` binds before its body reads them.

    ``for station in stations: use(station)`` reads ``stations``, not ``station``:
    the target is bound first (unless the iterable itself reads it).
    """
    if isinstance(node, cst.For):
        return _names_in(node.target) - _names_in(node.iter)
    if isinstance(node, cst.With):
        targets = {
            n for item in node.items if item.asname for n in _names_in(item.asname)
        }
        return targets - {n for item in node.items for n in _names_in(item.item)}
    return set()


def _unique_name(
    title: str, number: int, taken: set[str], other: tuple[str, Callable[[], str]]
) -> str:
    """Return a step's name: its heading's words, short and whole; when taken,
    its section's parent heading and its own, or a verb and its own (``other``);
    only then a number."""

    def free(name: str) -> bool:
        return bool(name) and not (
            name in taken or keyword.iskeyword(name) or keyword.issoftkeyword(name)
        )

    base = short_name(title) or f"step_{number}"
    parent, verb = other
    for name in (base, short_name(f"{parent} {title}") if parent else ""):
        if free(name):
            return name
    if free(f"{verb()}_{base}"):
        return f"{verb()}_{base}"
    count = 2
    while not free(f"{base}_{count}"):
        count += 1
    return f"{base}_{count}"


_SHOWING = frozenset({"print", "display", "show", "plot", "imshow", "savefig"})


def _verb(group: Sequence[Statement], returns: Sequence[str]) -> str:
    """Return what a step does, as a verb: show, compute or run."""
    called = {n for s in group for n in _names_in(s.node)}
    if called & _SHOWING or any(n.startswith("_show") for n in called):
        return "show"
    return "compute" if returns else "run"


# Words a long name can do without.
_FILLER = frozenset(
    {"a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "with", "via",
     "by", "from", "at", "is", "are", "its", "it", "this", "that", "how", "what",
     "why", "using"}
)  # fmt: skip
# A step's name is cut, at a whole word, to this many characters.
_NAME_CHARS = 32


def short_name(title: str) -> str:
    """Return a function name made of a heading's words: fillers dropped from a
    long one, then cut at a whole word; empty if no name can be made."""
    words = [w for w in normalise_name(title).split("_") if w]
    if not words or not "_".join(words).isidentifier() or words[0] == "nb":
        return ""
    if len("_".join(words)) > _NAME_CHARS:
        words = [words[0], *(w for w in words[1:] if w not in _FILLER)]
    kept = [words[0]]
    for word in words[1:]:
        if len("_".join([*kept, word])) > _NAME_CHARS:
            break
        kept.append(word)
    return "_".join(kept)
