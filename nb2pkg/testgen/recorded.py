"""Characterisation tests of the pipeline: what each step's cells printed and showed.

``python -m PKG`` prints what the notebook printed and shows what it showed
(``plan.show``), so the notebook's recorded outputs are what ``run()`` must
print, cell by cell. Only a notebook that ran cleanly, top to bottom, gives
such evidence: every code cell run once in order, no error, and ``run()``
needing no argument. A cell whose code or output changes from run to run
(randomness, time, memory addresses, elided reprs) pins nothing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nb2pkg.credentials import find_credential
from nb2pkg.errors import Finding, finding
from nb2pkg.model import Cell, CellAnalysis, PipelinePlan, StepRecord, shown_text
from nb2pkg.testgen.expected import approx_kind

# Code whose output can change from run to run, and text that does.
_UNSTABLE_CODE = re.compile(
    r"\b(random|rand|randn|randint|shuffle|uuid\d?|time|now|today|perf_counter|"
    r"getpid|id|hash|input|urlopen|requests|tqdm)\b"
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
    if pipeline.required or not _ran_cleanly(cells):
        return (), ()
    by_number = {c.number: c for c in cells}
    records = []
    findings: list[Finding] = []
    for step in pipeline.functions:
        expected = []
        for number in sorted({s.cell for s in step.statements} & by_number.keys()):
            text = _printed_and_shown(by_number[number])
            kind = find_credential(text) if text else None
            if kind is not None:
                note = (
                    f"its output looks like it holds {kind}: no test was made from "
                    "it; clear the output, and revoke the credential"
                )
                findings.append(finding("NBP110", note, cell=number))
            elif text:
                expected.append((number, text))
        if expected:
            records.append(StepRecord(step.name, step.title, tuple(expected)))
    return tuple(records), tuple(findings)


def _ran_cleanly(cells: Sequence[Cell]) -> bool:
    """Return True if every code cell ran once, in order, without an error."""
    counts = [c.execution_count for c in cells if c.execution_count is not None]
    if not counts or len(counts) != len(cells):
        return False
    if counts != sorted(counts) or len(set(counts)) != len(counts):
        return False
    return not any(o.output_type == "error" for c in cells for o in c.outputs)


def _printed_and_shown(cell: Cell) -> str:
    """Return what ``run()`` prints for the cell: its stdout, then its result."""
    if _UNSTABLE_CODE.search(cell.source) or _IPYTHON_LINE.search(cell.source):
        return ""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type == "execute_result":
            parts.append(shown_text(output.text))
    text = "".join(parts)
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
