"""Repair the small schema breaks real notebooks have, each repair a finding.

Each repair is reported as NBP001, so the user sees what was assumed; what cannot
be repaired is refused with one clear line (``NotebookError``).
"""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path
from typing import Any

from nb2pkg.errors import Finding, NotebookError, finding

log = logging.getLogger(__name__)

# A lone surrogate can only come from a JSON escape (UTF-8 cannot encode one).
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: Any, repairs: list[Finding]) -> Any:
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


def upgrade(data: dict[str, Any], *, path: Path, repairs: list[Finding]) -> Any:
    """Return an nbformat-4 NotebookNode for ``data``."""
    version = _version_of(data, repairs)
    if version > 4:
        raise NotebookError(
            f"nbformat {version} is newer than this nb2pkg understands; upgrade nb2pkg",
            path=path,
        )
    if version not in VERSIONS:
        raise NotebookError(f"nbformat {version} does not exist", path=path)
    if version < 4:
        _repair_old_cells(data, repairs)
    else:
        _repair_cells(data, repairs)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = _as_version_4(data) if version == 4 else _upgraded(data, version)
    except Exception as exc:  # noqa: BLE001 - nbformat's upgrade fails many ways
        log.debug("nbformat cannot upgrade %s: %r", path, exc)
        raise NotebookError(
            f"cannot read it as an nbformat {version} notebook: its cells are not "
            f"laid out as version {version} lays them out; open and save it in "
            'Jupyter, or correct its "nbformat" field',
            path=path,
        ) from None
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = {}
        repairs.append(finding("NBP001", "notebook metadata missing; added"))
    if not isinstance(nb.get("cells"), list):
        raise NotebookError("is not a notebook (no list of cells in it)", path=path)
    return nb


# The versions nbformat reads (nbformat.versions).
VERSIONS = (1, 2, 3, 4)


def _upgraded(data: dict[str, Any], version: int) -> Any:
    """Return an older notebook as nbformat upgrades it to version 4."""
    import nbformat  # a moment to import: most notebooks are version 4

    old = nbformat.versions[version].to_notebook_json(
        data, minor=data.get("nbformat_minor", 0)
    )
    return nbformat.convert(old, 4)


def _as_version_4(data: dict[str, Any]) -> dict[str, Any]:
    """Return a version-4 notebook's JSON as nbformat's reader gives it.

    Text kept as a list of lines (sources, streams, mime bundles other than
    JSON) is joined and transient metadata dropped, in place; it fails where
    nbformat fails (a cell or an output that is not an object). Plain dicts,
    not NotebookNodes: nbformat is not imported to read a current notebook.
    """
    cells = data["cells"]
    for cell in cells:
        if not isinstance(cell, dict):
            raise TypeError(f"a cell is {type(cell).__name__}, not an object")
        _join_cell(cell)
    metadata = data["metadata"]
    for key in ("orig_nbformat", "orig_nbformat_minor", "signature"):
        metadata.pop(key, None)
    for cell in cells:
        cell["metadata"].pop("trusted", None)
    return data


def _join_cell(cell: dict[str, Any]) -> None:
    if isinstance(cell.get("source"), list):
        cell["source"] = "".join(cell["source"])
    for attachment in cell.get("attachments", {}).values():
        _join_bundle(attachment)
    if cell.get("cell_type") == "code":
        for output in cell.get("outputs", []):
            kind = output.get("output_type", "")
            if kind in ("execute_result", "display_data"):
                _join_bundle(output.get("data", {}))
            elif kind and isinstance(output.get("text", ""), list):
                output["text"] = "".join(output["text"])


def _join_bundle(bundle: dict[str, Any]) -> None:
    """Join the lines of each text value of a mime bundle (JSON ones are data)."""
    for mime, value in list(bundle.items()):
        json_mime = mime == "application/json" or (
            mime.startswith("application/") and mime.endswith("+json")
        )
        if (
            not json_mime
            and isinstance(value, list)
            and all(isinstance(line, str) for line in value)
        ):
            bundle[mime] = "".join(value)


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


def schema_problems(nb: Any) -> list[Finding]:
    """Validate explicitly: nbformat's readers only log schema errors."""
    import nbformat  # its schema's validator takes a moment to build

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        first = str(exc.message) if hasattr(exc, "message") else str(exc)
        note = f"does not follow the nbformat schema ({first[:120]})"
        return [finding("NBP001", note)]
    except Exception as exc:  # noqa: BLE001 - validation is advisory; never fatal
        log.debug("validation failed: %r", exc)
    return []


def repair_ids(nb: Any, repairs: list[Finding]) -> None:
    """Give each cell of an nbformat 4.5+ notebook a unique id."""
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
