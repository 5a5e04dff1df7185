"""Run the notebook top to bottom in a fresh kernel and compare with its stored outputs.

This is the reference run: it shows which stored outputs a fresh kernel reproduces.
The kernel runs the cells of the notebook as nb2pkg read it (``nb2pkg.model``),
from memory; the user's file is never read again or written.
Needs the ``execute`` extra (nbclient and ipykernel), imported only when used.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

from nb2pkg.checks.verify import CellOutput
from nb2pkg.errors import Finding, InputError, Severity, finding
from nb2pkg.model import Cell, Notebook, Output
from nb2pkg.outputs import run_text
from nb2pkg.read.notebook import output_of

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{4,}\b")
_TIMING = re.compile(
    r"^(CPU times|Wall time|\d+(\.\d+)? ?[nµu]?s ± .*per loop).*$|"
    r"\d+(\.\d+)? ?(ns|µs|us|ms|s|it/s|s/it)\b",
    re.MULTILINE,
)


def normalise(text: str) -> str:
    """Return output text without what changes from run to run.

    ANSI colour codes, memory addresses and timings are masked; trailing spaces go.
    """
    text = _ANSI.sub("", text)
    text = _ADDRESS.sub("0x…", text)
    text = _TIMING.sub("<time>", text)
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _outputs_text(outputs: Iterable[Output]) -> tuple[str, str | None]:
    """Return (comparable text of the outputs, the error they end with, if any)."""
    parts: list[str] = []
    error = None
    for out in outputs:
        if (
            out.output_type == "stream"
            and out.name == "stdout"
            or out.output_type == "execute_result"
        ):
            parts.append(out.text)
        elif out.output_type == "error":
            error = f"{out.name}: {out.value}"
    return normalise("".join(parts)), error


def execute_and_compare(
    notebook: Notebook, *, timeout: int = 60
) -> tuple[tuple[Finding, ...], tuple[CellOutput, ...]]:
    """Run ``notebook`` in a fresh kernel; return a finding per cell that
    differs, and what each code cell printed and showed (for ``convert
    --verify``).

    The kernel runs the notebook's cells as nb2pkg read them, in its folder.
    NBP112: a cell's printed output or result differs from the stored one.
    NBP113: a cell fails in the fresh run though its stored run did not.

    Raises:
        InputError: nbclient or ipykernel is not installed, or no kernel starts.
    """
    fresh = _run(notebook, timeout)
    return tuple(_compare(notebook.cells, fresh)), tuple(
        _printed_and_shown(notebook, fresh)
    )


def _run(notebook: Notebook, timeout: int) -> list[tuple[Output, ...]]:
    """Return the outputs of each of the notebook's cells in a fresh kernel."""
    try:
        from nbclient import NotebookClient
        from nbformat import v4
    except ImportError:
        raise InputError(
            "check --execute and convert --verify run a kernel: they need nbclient "
            "and ipykernel: pip install 'nb2pkg[execute]'"
        ) from None
    make = {"code": v4.new_code_cell, "markdown": v4.new_markdown_cell}
    cells = [make.get(c.kind, v4.new_raw_cell)(c.source) for c in notebook.cells]
    client = NotebookClient(
        v4.new_notebook(cells=cells),
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(notebook.path.parent.resolve())}},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ran = client.execute()
    except Exception as exc:  # noqa: BLE001 - any kernel failure is one user message
        raise InputError(
            f"the notebook could not run in a fresh kernel ({exc})"
        ) from None
    return [tuple(output_of(o) for o in c.get("outputs", [])) for c in ran.cells]


def _printed_and_shown(
    notebook: Notebook, fresh: list[tuple[Output, ...]]
) -> Iterable[CellOutput]:
    """Yield what each code cell printed, then the text of its shown result."""
    for cell, outputs in zip(notebook.cells, fresh, strict=True):
        if cell.kind != "code":
            continue
        yield CellOutput(notebook.path.name, cell.number, run_text(outputs))


def _compare(
    stored: Iterable[Cell], fresh: list[tuple[Output, ...]]
) -> Iterable[Finding]:
    for cell, outputs in zip(stored, fresh, strict=True):
        if cell.kind != "code":
            continue
        old_text, old_error = _outputs_text(cell.outputs)
        new_text, new_error = _outputs_text(outputs)
        if new_error and not old_error:
            note = (
                f"fails in a fresh kernel ({new_error[:100]}); its stored run did not"
            )
            yield finding("NBP113", note, cell=cell.number, severity=Severity.ERROR)
        elif cell.outputs and old_text != new_text:
            yield finding("NBP112", _difference(old_text, new_text), cell=cell.number)


def _difference(old: str, new: str) -> str:
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for a, b in zip(old_lines, new_lines, strict=False):
        if a != b:
            return (
                f"output differs in a fresh kernel: stored {a[:40]!r}, now {b[:40]!r}"
            )
    return "output differs in a fresh kernel: " + (
        "lines are missing" if len(new_lines) < len(old_lines) else "extra lines"
    )
