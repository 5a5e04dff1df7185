"""Run the notebook top to bottom in a fresh kernel and compare with its stored outputs.

This is the reference run: it shows which stored outputs a fresh kernel reproduces.
The notebook is executed from a copy in memory; the user's file is never written.
Needs the ``execute`` extra (nbclient and ipykernel), imported only when used.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nb2pkg.checks.verify import CellOutput
from nb2pkg.errors import Finding, InputError, Severity, finding
from nb2pkg.model import shown_text

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


def _outputs_text(outputs: Iterable[Any]) -> tuple[str, str | None]:
    """Return (comparable text of the outputs, the error they end with, if any)."""
    parts: list[str] = []
    error = None
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") == "stdout":
            parts.append(_join(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "text/plain" in data and kind == "execute_result":
                parts.append(_join(data["text/plain"]))
        elif kind == "error":
            error = f"{out.get('ename', '')}: {out.get('evalue', '')}"
    return normalise("".join(parts)), error


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def execute_and_compare(
    path: Path, *, timeout: int = 60
) -> tuple[tuple[Finding, ...], tuple[CellOutput, ...]]:
    """Run ``path`` in a fresh kernel; return a finding per cell that differs,
    and what each code cell printed and showed (for ``convert --verify``).

    NBP112: a cell's printed output or result differs from the stored one.
    NBP113: a cell fails in the fresh run though its stored run did not.

    Raises:
        InputError: nbclient or ipykernel is not installed, or no kernel starts.
    """
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError:
        raise InputError(
            "check --execute and convert --verify run a kernel: they need nbclient "
            "and ipykernel: pip install 'nb2pkg[execute]'"
        ) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stored = nbformat.read(str(path), as_version=4)
        fresh = nbformat.read(str(path), as_version=4)
    client = NotebookClient(
        fresh,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - any kernel failure is one user message
        raise InputError(
            f"the notebook could not run in a fresh kernel ({exc})"
        ) from None
    return tuple(_compare(stored.cells, fresh.cells)), tuple(
        _printed_and_shown(path.name, fresh.cells)
    )


def _printed_and_shown(notebook: str, cells: list[Any]) -> Iterable[CellOutput]:
    """Yield what each code cell printed, then the text of its shown result."""
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        parts: list[str] = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream" and out.get("name") == "stdout":
                parts.append(_join(out.get("text", "")))
            elif kind == "execute_result":
                parts.append(
                    shown_text(_join(out.get("data", {}).get("text/plain", "")))
                )
        yield CellOutput(notebook, number, "".join(parts))


def _compare(stored: list[Any], fresh: list[Any]) -> Iterable[Finding]:
    for number, (old, new) in enumerate(zip(stored, fresh, strict=True), start=1):
        if old.get("cell_type") != "code":
            continue
        old_text, old_error = _outputs_text(old.get("outputs", []))
        new_text, new_error = _outputs_text(new.get("outputs", []))
        if new_error and not old_error:
            note = (
                f"fails in a fresh kernel ({new_error[:100]}); its stored run did not"
            )
            yield finding("NBP113", note, cell=number, severity=Severity.ERROR)
        elif old.get("outputs") and old_text != new_text:
            yield finding("NBP112", _difference(old_text, new_text), cell=number)


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
