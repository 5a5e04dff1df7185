"""Read a notebook file into the model, repairing small schema breaks."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat

from nb2pkg.errors import Finding, InputError, NotebookError, finding
from nb2pkg.model import Cell, Notebook, Output
from nb2pkg.read.directives import mark_cells

log = logging.getLogger(__name__)

_CELL_KINDS = frozenset({"code", "markdown", "raw"})
# A DataFrame's HTML bigger than this is not read for tests.
_MAX_HTML = 200_000


def read_notebook(path: Path) -> Notebook:
    """Return the notebook at ``path``, upgraded to nbformat 4 and repaired.

    Raises:
        NotebookError: the file cannot be read, is not a notebook, cannot be
            repaired, or its kernel is not Python.
    """
    return reads_notebook(_read_regular_file(path), path=path)


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


def notebook_paths(inputs: Sequence[Path]) -> list[Path]:
    """Return the notebooks the inputs name: files as given, folders searched.

    A folder gives every ``.ipynb`` below it, sorted, except Jupyter's
    checkpoints and hidden folders. A file given twice counts once.

    Raises:
        InputError: an input does not exist, or a folder holds no notebook.
    """
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*.ipynb")
                if not any(
                    part.startswith(".") for part in p.relative_to(path).parts[:-1]
                )
            )
            if not inside:
                raise InputError("the folder holds no notebook (.ipynb)", path=path)
            found.extend(inside)
        else:
            found.append(path)
    unique = {_real(p): p for p in reversed(found)}
    return [p for p in found if unique[_real(p)] is p]


def _real(path: Path) -> Path:
    """Return ``path`` with its links resolved, as far as they resolve (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop: RuntimeError before Python 3.13
        return path.absolute()


def _digest(raw: bytes | str) -> str:
    return hashlib.sha256(
        raw.encode("utf-8") if isinstance(raw, str) else raw
    ).hexdigest()


def reads_notebook(raw: bytes | str, *, path: Path) -> Notebook:
    """Return the notebook whose JSON text is ``raw``; ``path`` names it in messages."""
    data = _load_json(raw, path=path)
    repairs: list[Finding] = []
    text = raw if isinstance(raw, str) else raw.decode("latin-1")
    if _SURROGATE_ESCAPE.search(text):
        data = _without_lone_surrogates(data, repairs)
    nb = _upgrade(data, path=path, repairs=repairs)
    _check_language(nb, path=path)
    cells = tuple(_make_cell(i, c, repairs) for i, c in enumerate(nb["cells"]))
    _validate(nb, repairs)
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


def _load_json(raw: bytes | str, *, path: Path) -> dict[str, Any]:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotebookError(
                "is not a notebook (not UTF-8 text; is it a binary file?)", path=path
            ) from None
    raw = raw.removeprefix("\ufeff")
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


# A lone surrogate can only come from a JSON escape (UTF-8 cannot encode one).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any, repairs: list[Finding]) -> Any:
    """Return ``value`` with every lone surrogate replaced by U+FFFD.

    Such text cannot be written as UTF-8 (a title in a docstring, a cell in a
    module): it is replaced, and the repair reported once.
    """
    found = False

    def clean(item: Any) -> Any:
        nonlocal found
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                found = True
                return _LONE_SURROGATE.sub("\ufffd", item)
            return item
        if isinstance(item, list):
            return [clean(v) for v in item]
        if isinstance(item, dict):
            return {clean(k): clean(v) for k, v in item.items()}
        return item

    cleaned = clean(value)
    if found:
        note = "text with lone surrogates (broken emoji escapes); replaced with U+FFFD"
        repairs.append(finding("NBP001", note))
    return cleaned


def _version_of(data: dict[str, Any], repairs: list[Finding]) -> int:
    """Return the nbformat version to read ``data`` as, repairing the fields.

    A missing or non-number ``nbformat`` is guessed from the layout (version 4
    keeps ``cells`` at the top, versions 2 and 3 in ``worksheets``), and so is
    an old number on a version 4 layout; ``nbformat_minor`` must be a number.
    """
    version = data.get("nbformat")
    layout = 4 if isinstance(data.get("cells"), list) else 3
    cells = data["cells"] if layout == 4 else []
    v4_cells = layout == 4 and all(isinstance(c, dict) and "source" in c for c in cells)
    # Cell ids came with version 4.5.
    minor_guess = 5 if any(isinstance(c, dict) and "id" in c for c in cells) else 0
    if not isinstance(version, int) or isinstance(version, bool):
        note = f"nbformat is {version!r}, not a version; read as version {layout}"
        repairs.append(finding("NBP001", note))
        version = layout
        data["nbformat_minor"] = minor_guess
    elif version < 4 and v4_cells and not isinstance(data.get("worksheets"), list):
        note = f"says nbformat {version} but is laid out as version 4; read as 4"
        repairs.append(finding("NBP001", note))
        version = 4
    data["nbformat"] = version
    minor = data.get("nbformat_minor", 0)
    if not isinstance(minor, int) or isinstance(minor, bool) or minor < 0:
        digits = isinstance(minor, str) and minor.isdigit()
        fixed = int(minor) if digits else minor_guess
        repairs.append(
            finding("NBP001", f"nbformat_minor is {minor!r}; read as {fixed}")
        )
        data["nbformat_minor"] = fixed
    if not isinstance(data.get("metadata", {}), dict):
        repairs.append(finding("NBP001", "notebook metadata is not a mapping; emptied"))
        data["metadata"] = {}
    return version


def _upgrade(data: dict[str, Any], *, path: Path, repairs: list[Finding]) -> Any:
    """Return an nbformat-4 NotebookNode for ``data``."""
    version = _version_of(data, repairs)
    if version > 4:
        raise NotebookError(
            f"nbformat {version} is newer than this nb2pkg understands; upgrade nb2pkg",
            path=path,
        )
    if version not in nbformat.versions:
        raise NotebookError(f"nbformat {version} does not exist", path=path)
    if version < 4:
        _repair_old_cells(data, repairs)
    else:
        _repair_cells(data, repairs)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            old = nbformat.versions[version].to_notebook_json(
                data, minor=data.get("nbformat_minor", 0)
            )
            nb = nbformat.convert(old, 4)
    except Exception as exc:  # noqa: BLE001 - nbformat's upgrade fails many ways
        log.debug("nbformat cannot upgrade %s: %r", path, exc)
        raise NotebookError(
            f"cannot read it as an nbformat {version} notebook: its cells are not "
            f"laid out as version {version} lays them out; open and save it in "
            'Jupyter, or correct its "nbformat" field',
            path=path,
        ) from None
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = nbformat.from_dict({})
        repairs.append(finding("NBP001", "notebook metadata missing; added"))
    if not isinstance(nb.get("cells"), list):
        raise NotebookError("is not a notebook (no list of cells in it)", path=path)
    return nb


def _repair_cells(data: dict[str, Any], repairs: list[Finding]) -> None:
    """Fill the keys nbformat's v4 reader needs (it fails on a cell without them)."""
    for number, cell in enumerate(data.get("cells") or [], start=1):
        if not isinstance(cell, dict):
            continue
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = {}
            repairs.append(
                finding("NBP001", "cell without metadata; added", cell=number)
            )
        if cell.get("cell_type") == "code" and not isinstance(
            cell.get("outputs"), list
        ):
            cell["outputs"] = []
            repairs.append(
                finding("NBP001", "code cell without outputs; added", cell=number)
            )
        if cell.get("cell_type") == "code":
            cell.setdefault("execution_count", None)


def _repair_old_cells(data: dict[str, Any], repairs: list[Finding]) -> None:
    """Fill fields that nbformat's v2/v3 upgrade code assumes are present."""
    for sheet in data.get("worksheets") or []:
        if not isinstance(sheet, dict):
            continue
        for cell in sheet.get("cells") or []:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                if "input" not in cell:
                    cell["input"] = ""
                    repairs.append(
                        finding("NBP001", "code cell without input; emptied")
                    )
                cell.setdefault("outputs", [])


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


def _validate(nb: Any, repairs: list[Finding]) -> None:
    """Validate explicitly: nbformat's readers only log schema errors."""
    _repair_ids(nb, repairs)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        first = str(exc.message) if hasattr(exc, "message") else str(exc)
        repairs.append(
            finding("NBP001", f"does not follow the nbformat schema ({first[:120]})")
        )
    except Exception as exc:  # noqa: BLE001 - validation is advisory; never fatal
        log.debug("validation failed: %r", exc)


def _repair_ids(nb: Any, repairs: list[Finding]) -> None:
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
        return
    seen: set[str] = set()
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict):
            continue
        cid = cell.get("id")
        if not isinstance(cid, str) or cid in seen or not cid:
            new = f"cell-{index + 1}"
            while new in seen:
                new += "x"
            if isinstance(cid, str) and cid in seen:
                repairs.append(
                    finding(
                        "NBP001", f"duplicate cell id {cid!r}; renamed", cell=index + 1
                    )
                )
            cell["id"] = new
            cid = new
        seen.add(cid)
