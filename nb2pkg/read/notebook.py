"""Read a notebook file into the model, repairing small schema breaks."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

from nb2pkg.errors import Finding, NotebookError, finding
from nb2pkg.model import Cell, Notebook, Output
from nb2pkg.read.directives import mark_cells
from nb2pkg.read.repair import (
    SURROGATE_ESCAPE,
    repair_ids,
    schema_problems,
    upgrade,
    without_lone_surrogates,
)

log = logging.getLogger(__name__)

_CELL_KINDS = frozenset({"code", "markdown", "raw"})
# A DataFrame's HTML bigger than this is not read for tests.
_MAX_HTML = 200_000


def read_notebook(path: Path, *, schema: bool = True) -> Notebook:
    """Return the notebook at ``path``, upgraded to nbformat 4 and repaired
    (``schema``: see ``reads_notebook``).

    Raises:
        NotebookError: the file cannot be read, is not a notebook, cannot be
            repaired, or its kernel is not Python.
    """
    return reads_notebook(_read_regular_file(path), path=path, schema=schema)


def _read_regular_file(path: Path) -> bytes:
    """Return the bytes of the regular file at ``path``.

    A FIFO would block for ever and a device may never end: only regular files
    are read, and the check is made on the file opened (without blocking), not
    on its name.

    Raises:
        NotebookError: it cannot be opened, or is not a regular file.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise NotebookError(
            f"cannot read the file ({exc.strerror or exc})", path=path
        ) from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotebookError(
                "is not a regular file (a folder, a FIFO or a device); give the "
                "notebook's own path",
                path=path,
            )
        try:
            return handle.read()
        except OSError as exc:
            raise NotebookError(
                f"cannot read the file ({exc.strerror or exc})", path=path
            ) from None


def _digest(raw: bytes | str) -> str:
    return hashlib.sha256(
        raw.encode("utf-8") if isinstance(raw, str) else raw
    ).hexdigest()


def reads_notebook(raw: bytes | str, *, path: Path, schema: bool = True) -> Notebook:
    """Return the notebook whose JSON text is ``raw``; ``path`` names it in messages.

    Without ``schema``, what nbformat's schema finds wrong is not among its
    findings: ``schema_findings`` gives it (on another core, as it takes long).
    """
    nb, cells, repairs = _repaired(raw, path=path)
    if schema:
        repairs.extend(schema_problems(nb))
    cells, marks = mark_cells(cells)
    repairs.extend(marks)
    info = nb["metadata"].get("language_info")
    version = info.get("version") if isinstance(info, dict) else None
    return Notebook(
        path=path,
        cells=cells,
        language_version=version if isinstance(version, str) else None,
        findings=tuple(repairs),
        sha256=_digest(raw),
    )


def schema_findings(path: Path) -> tuple[Finding, ...]:
    """Return what nbformat's schema finds wrong with the notebook at ``path``,
    read and repaired as ``read_notebook`` reads it (none if it cannot be)."""
    try:
        nb, _, _ = _repaired(_read_regular_file(path), path=path)
    except NotebookError:
        return ()  # read_notebook says what is wrong
    return tuple(schema_problems(nb))


def _repaired(
    raw: bytes | str, *, path: Path
) -> tuple[Any, tuple[Cell, ...], list[Finding]]:
    """Return the notebook's JSON upgraded and repaired, its cells, and the repairs."""
    data = _load_json(raw, path=path)
    repairs: list[Finding] = []
    text = raw if isinstance(raw, str) else raw.decode("latin-1")
    if SURROGATE_ESCAPE.search(text):
        data = without_lone_surrogates(data, repairs)
    nb = upgrade(data, path=path, repairs=repairs)
    _check_language(nb, path=path)
    cells = tuple(_make_cell(i, c, repairs) for i, c in enumerate(nb["cells"]))
    repair_ids(nb, repairs)
    return nb, cells, repairs


def _load_json(raw: bytes | str, *, path: Path) -> dict[str, Any]:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotebookError(
                "is not a notebook (not UTF-8 text; is it a binary file?)", path=path
            ) from None
    raw = raw.removeprefix("\ufeff")
    if path.suffix == ".py":
        return _load_script(raw, path=path)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            "is not a notebook "
            f"(invalid JSON at line {exc.lineno}, column {exc.colno})",
            path=path,
        ) from None
    except RecursionError:
        raise NotebookError(
            "is not a notebook (JSON nested too deeply)", path=path
        ) from None
    if not isinstance(data, dict) or not (
        isinstance(data.get("cells"), list) or isinstance(data.get("worksheets"), list)
    ):
        raise NotebookError("is not a notebook (no list of cells in it)", path=path)
    return data


def _load_script(text: str, *, path: Path) -> dict[str, Any]:
    """Return the notebook a jupytext script holds (percent or light format).

    jupytext parses the text (its YAML header with a safe loader); nothing in
    the script runs.
    """
    try:
        import jupytext
    except ImportError:
        raise NotebookError(
            "is a Python script: nb2pkg reads a jupytext paired script (percent or "
            "light format) with jupytext: pip install 'nb2pkg[jupytext]'",
            path=path,
        ) from None
    try:
        notebook = jupytext.reads(text, fmt="py")
    except Exception as exc:  # noqa: BLE001 - any parse failure is one user message
        raise NotebookError(
            f"is not a script jupytext can read ({type(exc).__name__}: {exc})",
            path=path,
        ) from None
    data: dict[str, Any] = json.loads(json.dumps(notebook))
    return data


def _check_language(nb: Any, *, path: Path) -> None:
    meta = nb["metadata"]
    spec = meta.get("kernelspec")
    info = meta.get("language_info")
    lang = (spec.get("language") if isinstance(spec, dict) else None) or (
        info.get("name") if isinstance(info, dict) else None
    )
    if isinstance(lang, str) and lang and not lang.lower().startswith("python"):
        raise NotebookError(
            f"is {article(lang)} {lang} notebook; nb2pkg converts Python notebooks "
            "only",
            path=path,
        )


def article(word: str) -> str:
    """Return "a" or "an", as said before ``word`` ("an R", "a Julia", "an SQL")."""
    first = word[:1].upper()
    spelled = len(word) == 1 or word.isupper()  # said letter by letter: R, SQL
    return "an" if first in ("AEFHILMNORSX" if spelled else "AEIOU") else "a"


def _text(value: Any) -> str:
    """Return notebook text (a string or a list of lines) as one string, \\n-ended."""
    if isinstance(value, list):
        value = "".join(v if isinstance(v, str) else str(v) for v in value)
    elif not isinstance(value, str):
        value = "" if value is None else str(value)
    text = str(value)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _make_cell(index: int, raw: Any, repairs: list[Finding]) -> Cell:
    number = index + 1
    if not isinstance(raw, dict):
        repairs.append(finding("NBP001", "cell is not an object; ignored", cell=number))
        return Cell(index=index, kind="raw", source="")
    kind = raw.get("cell_type")
    if not isinstance(kind, str) or kind not in _CELL_KINDS:
        kind = "code" if "outputs" in raw else "raw"
        repairs.append(
            finding("NBP001", f"unknown cell type; read as {kind}", cell=number)
        )
        raw["cell_type"] = kind
    if "source" not in raw:
        repairs.append(finding("NBP001", "cell without source; emptied", cell=number))
        raw["source"] = ""
    if not isinstance(raw.get("metadata"), dict):
        raw["metadata"] = {}
    tags = raw["metadata"].get("tags")
    tags = (
        tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else ()
    )
    outputs: tuple[Output, ...] = ()
    count = None
    if kind == "code":
        if not isinstance(raw.get("outputs"), list):
            raw["outputs"] = []
        outputs = tuple(_make_output(o, number, repairs) for o in raw["outputs"])
        count = raw.get("execution_count")
        if not isinstance(count, int) or isinstance(count, bool):
            count = None
        raw.setdefault("execution_count", None)
    return Cell(
        index=index,
        kind=kind,
        source=_text(raw["source"]),
        tags=tags,
        outputs=outputs,
        execution_count=count,
    )


def output_of(raw: Any) -> Output:
    """Return the model of one output as nbformat (or a kernel) gives it."""
    return _make_output(raw, 0, [])


def _make_output(raw: Any, number: int, repairs: list[Finding]) -> Output:
    if not isinstance(raw, dict):
        return Output("unknown")
    kind = str(raw.get("output_type", "unknown"))
    if kind == "stream":
        if "name" not in raw:
            raw["name"] = "stdout"
            repairs.append(finding("NBP001", "stream output without name", cell=number))
        return Output(kind, text=_text(raw.get("text")), name=str(raw["name"]))
    if kind == "error":
        return Output(
            kind, name=str(raw.get("ename", "")), value=str(raw.get("evalue", ""))
        )
    data = raw.get("data")
    if not isinstance(data, dict):
        return Output(kind)
    html = _text(data.get("text/html"))
    frame = 'class="dataframe"' in html and len(html) <= _MAX_HTML
    return Output(kind, text=_text(data.get("text/plain")), html=html if frame else "")
