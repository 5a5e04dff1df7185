"""Characterisation tests of the pipeline: what each step's cells printed and showed.

``python -m PKG`` prints what the notebook printed and shows what it showed
(``plan.show``), so the notebook's recorded outputs are what ``run()`` must
print, cell by cell. Only a cell the notebook ran in order gives such
evidence (``_in_order``), in a notebook with no error and a ``run()`` needing
no argument. A cell whose code or output changes from run to run
(randomness, time, memory addresses, elided reprs) pins nothing.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from nb2pkg.analyse.names import DEFINITIONS, imported_modules, lone_expression
from nb2pkg.analyse.randomness import RANDOM_USE, SEED
from nb2pkg.credentials import find_credential
from nb2pkg.errors import Finding, finding
from nb2pkg.model import (
    Cell,
    CellAnalysis,
    PipelinePlan,
    StepRecord,
    TestCase,
    TestKind,
)
from nb2pkg.outputs import printed_text, run_text, shown_text
from nb2pkg.testgen.expected import approx_kind, result_case

# Code whose output can change from run to run, and text that does.
_UNSTABLE_CODE = re.compile(
    r"\b(random|rand|randn|randint|shuffle|uuid\d?|time|now|today|perf_counter|empty|"
    r"getpid|id|hash|input|urlopen|requests|tqdm)\b|['\"]https?://"
)
_UNSTABLE_TEXT = re.compile(r"0x[0-9a-fA-F]{6,}|\.\.\.|…|\x1b\[")
# IPython syntax: what it printed (a shell command, a timing) run() does not.
_IPYTHON_LINE = re.compile(r"^\s*[!%]|\?\s*$", re.MULTILINE)
# Longer outputs are not copied into a test.
_MAX_TEXT = 4_000


def recorded_steps(
    pipeline: PipelinePlan, analyses: Sequence[CellAnalysis]
) -> tuple[tuple[StepRecord, ...], tuple[Finding, ...]]:
    """Return, per step, what its cells printed and showed in the notebook, and
    an NBP110 finding for each cell whose output looks like a credential (no
    test copies it).

    Empty unless the notebook ran cleanly in order (see the module docstring).
    """
    cells = [a.cell for a in analyses if a.cell.source.strip()]
    if pipeline.required:
        return (), ()
    trusted = _in_order(cells)
    drawn = _drawn_unseeded(analyses)
    by_number = {c.number: c for c in cells if c.number in trusted - drawn}
    index = _shown_index(pipeline)
    roots = {m.split(".")[0] for s in pipeline.imports for m in imported_modules(s)}
    numpy, pandas = "numpy" in roots, "pandas" in roots
    records = []
    findings: list[Finding] = []
    for step in pipeline.functions:
        expected, values = [], []
        for number in sorted({s.cell for s in step.statements} & by_number.keys()):
            cell = by_number[number]
            text = _printed_and_shown(cell)
            kind = find_credential(text) if text else None
            if kind is not None:
                note = (
                    f"its output looks like it holds {kind}: no test was made from "
                    "it; clear the output, and revoke the credential"
                )
                findings.append(finding("NBP110", note, cell=number))
                continue
            value = (
                _shown_value(cell, index.get(number), numpy=numpy, pandas=pandas)
                if text
                else None
            )
            if value is not None:
                values.append((number, value))
                text = printed_text(cell.outputs)
            if text:
                expected.append((number, text))
        if expected or values:
            records.append(
                StepRecord(step.name, step.title, tuple(expected), tuple(values))
            )
    return tuple(records), tuple(findings)


# Shown results compared as values (``result_case``): numbers, literals, arrays.
_VALUE_KINDS = frozenset(
    {TestKind.EQUAL, TestKind.APPROX, TestKind.ALLCLOSE, TestKind.PANDAS}
)


def _drawn_unseeded(analyses: Sequence[CellAnalysis]) -> set[int]:
    """Return the cells whose code draws random numbers before any seed is set,
    or reads a value made from such a draw: their outputs differ every run."""
    tainted: set[str] = set()
    cells: set[int] = set()
    seeded = False
    for s in (s for a in analyses for s in a.statements):
        if s.kind in DEFINITIONS:
            continue
        code = s.code
        draw = RANDOM_USE.search(code)
        before = code[: draw.start()] if draw else ""
        if (draw and not seeded and not SEED.search(before)) or s.uses & tainted:
            tainted |= s.defines | s.mutates
            cells.add(s.cell)
        seeded = seeded or SEED.search(code) is not None
    return cells


def _shown_index(pipeline: PipelinePlan) -> dict[int, int]:
    """Return cell number -> the index of its shown value among the values its
    step shows, in order (one top-level show call per shown cell)."""
    index: dict[int, int] = {}
    for step in pipeline.functions:
        first = len(index)
        for s in step.statements:
            expr = lone_expression(s)
            call = expr.value if expr is not None else None
            if (
                pipeline.show
                and isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value == pipeline.show
            ):
                index[s.cell] = len(index) - first
    return index


def _shown_value(
    cell: Cell, index: int | None, *, numpy: bool, pandas: bool
) -> TestCase | None:
    """Return the check of the cell's shown result as a value, if it has one: a
    DataFrame or Series by its shape, labels and the values shown."""
    result = next((o for o in cell.outputs if o.output_type == "execute_result"), None)
    if index is None or result is None or not shown_text(result.text):
        return None
    base = TestCase(module="", name="", cell=cell.number, kind=TestKind.EQUAL)
    case = result_case(
        result, f"shown[{index}]", base, classes=frozenset(), numpy=numpy, pandas=pandas
    )
    return case if case is not None and case.kind in _VALUE_KINDS else None


def _in_order(cells: Sequence[Cell]) -> set[int]:
    """Return the numbers of the cells whose outputs run() must reproduce.

    A cell's output is evidence when the notebook ran it in order: every cell
    above it ran before it and every cell below it after it (execution counts),
    and no cell above it was left unrun. A cell that failed makes no evidence at
    all: run() stops there.
    """
    if any(o.output_type == "error" for c in cells for o in c.outputs):
        return set()
    counts: list[int] = []
    for cell in cells:
        if cell.execution_count is None:
            break  # this cell never ran: run() runs it, the notebook did not
        counts.append(cell.execution_count)
    later = [0] * len(counts)  # the lowest count below each cell
    lowest = sys.maxsize
    for i in reversed(range(len(counts))):
        later[i] = lowest
        lowest = min(lowest, counts[i])
    rest = [c.execution_count for c in cells[len(counts) :]]
    lowest_unrun = min((n for n in rest if n is not None), default=sys.maxsize)
    trusted: set[int] = set()
    highest = 0
    for i, count in enumerate(counts):
        if highest < count < min(later[i], lowest_unrun):
            trusted.add(cells[i].number)
        highest = max(highest, count)
    return trusted


def _printed_and_shown(cell: Cell) -> str:
    """Return what ``run()`` prints for the cell: its stdout, then its result."""
    if _UNSTABLE_CODE.search(cell.source) or _IPYTHON_LINE.search(cell.source):
        return ""
    text = run_text(cell.outputs)
    if not text.strip() or len(text) > _MAX_TEXT or _UNSTABLE_TEXT.search(text):
        return ""
    return text


def value_check(text: str) -> tuple[str, bool] | None:
    """Return (a Python literal, whether to compare it approximately) when a
    cell printed or showed one value on one line (a number, list, dict, tuple);
    None for other text, which is compared as text.

    A value is compared as a value: ``0.1 + 0.2`` printed ``0.30000000000000004``
    matches ``pytest.approx(0.3)``, and ``2`` does not match ``12``.
    """
    line = text.removesuffix("\n")
    if not line.strip() or "\n" in line:
        return None
    try:
        value = ast.literal_eval(line)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if isinstance(value, str | bytes | bool) or value is None:
        return None
    literal = repr(value)  # the value's own spelling: no comment, no trailing text
    approx = approx_kind(literal)
    return None if approx is None else (literal, approx)


# What run() needs that a test machine may not have, read from the pipeline's code.
_NETWORK = re.compile(
    r"\b(requests|urllib|urlopen|httpx|aiohttp|http\.client|socket|boto3|"
    r"download|wget)\b|['\"]https?://"
)
_GPU = re.compile(r"\bcuda\b|\.to\(\s*['\"]cuda|device\s*=\s*['\"]cuda")
_TRAINING = re.compile(
    r"\.fit\(|\.fit_generator\(|\.train\(|\bepochs?\b|\bfor\s+epoch\b|"
    r"\.backward\(\)|optimizer\.step\(|GridSearchCV|RandomizedSearchCV"
)


@dataclass(frozen=True, slots=True)
class RunNeeds:
    """Why the pipeline's tests might not run here: each a reason to skip, said.

    ``network``: run() reads from the network; a connection that fails skips.
    ``gpu``: run() uses CUDA; without a GPU the tests skip. ``slow``: run()
    trains a model (a long-running step): the tests carry the ``slow`` marker,
    which ``pytest -m "not slow"`` skips.
    """

    network: bool = False
    gpu: bool = False
    slow: bool = False


def run_needs(pipeline: PipelinePlan) -> RunNeeds:
    """Return what the pipeline's run() needs, from its code and imports."""
    code = "".join(
        s.code for s in (*pipeline.imports, *pipeline.lazy_imports, *pipeline.steps)
    )
    return RunNeeds(
        network=_NETWORK.search(code) is not None,
        gpu=_GPU.search(code) is not None,
        slow=_TRAINING.search(code) is not None,
    )
