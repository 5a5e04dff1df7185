"""Read what the author said about each cell: cell tags and directive comments.

Three spellings mean the same things:

- a cell tag (``export``, ``module:data``, ``skip`` ...), optionally prefixed
  ``nb2pkg:``, as JupyterLab's property inspector sets them;
- a comment on the cell's first lines: ``# nb2pkg: export``;
- nbdev's ``#| export`` (and its older ``# export`` / ``#export``), ``#| exporti``,
  ``#| default_exp NAME``, ``#| hide``, ``#| eval: false``.

Directive lines are taken out of the code (replaced by blank lines, so that line
numbers in messages stay right). An unknown directive is a warning naming the cell;
tags other tools own (jupyter-book's ``remove-cell``, nbval's ...) are left alone.
"""

from __future__ import annotations

import difflib
import keyword
import re
from dataclasses import replace

from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import Cell, Marks

VOCABULARY = (
    "export",
    "module: NAME",
    "skip",
    "test",
    "parameters",
    "pipeline",
    "main",
)
_KEYS = frozenset(
    {"export", "module", "skip", "test", "parameters", "pipeline", "main"}
)
# Module names nb2pkg itself writes.
RESERVED_MODULES = frozenset({"pipeline", "__main__", "__init__"})

_OURS = re.compile(r"^\s*#\s*nb2pkg\s*:\s*(?P<body>.*?)\s*$", re.IGNORECASE)
_NBDEV = re.compile(r"^\s*#\s*\|\s*(?P<body>.*?)\s*$")
# nbdev 1 wrote its directives as plain comments: ``# export``, ``#default_exp x``.
_NBDEV1 = re.compile(
    r"^\s*#\s*(?P<body>export[is]?(?:\s+[\w.]+)?|default_exp\s+[\w.]+|hide|notest"
    r"|eval\s*:\s*false)\s*$",
    re.IGNORECASE,
)
_NOQA = re.compile(r"^noqa\b", re.IGNORECASE)
# Tags with a meaning of their own elsewhere that nb2pkg follows.
_SKIP_TAGS = {
    "active-ipynb": "jupytext: runs only in the notebook",
    "injected-parameters": "papermill: values injected for one run",
}


def mark_cells(cells: tuple[Cell, ...]) -> tuple[tuple[Cell, ...], list[Finding]]:
    """Return the cells with their marks set and directive lines blanked out."""
    findings: list[Finding] = []
    marked = tuple(_mark(cell, findings) for cell in cells)
    return marked, findings


def _mark(cell: Cell, findings: list[Finding]) -> Cell:
    if cell.kind != "code":
        return cell
    marks = Marks()
    for tag in cell.tags:
        marks = _tag(tag, marks, cell.number, findings)
    lines = cell.source.split("\n")
    changed = False
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if not line.lstrip().startswith("#"):
            break
        new = _comment(line, marks, cell.number, i + 1, findings)
        if new is not None:
            marks = new
            lines[i] = ""
            changed = True
    if marks == Marks() and not changed:
        return cell
    marks = _settle(marks, cell.number, findings)
    source = "\n".join(lines) if changed else cell.source
    return replace(cell, source=source, marks=marks)


def _tag(tag: str, marks: Marks, cell: int, findings: list[Finding]) -> Marks:
    text = tag.strip()
    if text.lower() in _SKIP_TAGS:
        return replace(marks, skip=True, why=_SKIP_TAGS[text.lower()])
    prefixed = text.lower().startswith("nb2pkg:")
    body = text[len("nb2pkg:") :].strip() if prefixed else text
    key, value = _split(body)
    if key in _KEYS:
        return _apply(key, value, marks, cell, findings, f"tag {text!r}")
    if prefixed or _close(key):
        _unknown(f"tag {text!r}", key, cell, None, findings)
    return marks  # a tag another tool owns


def _comment(
    line: str, marks: Marks, cell: int, number: int, findings: list[Finding]
) -> Marks | None:
    """Return the marks with the directive on ``line`` applied; None if it is code."""
    ours = _OURS.match(line)
    if ours:
        body = ours.group("body")
        if _NOQA.match(body):
            return None  # a noqa comment, read by the checks
        for item in filter(None, (p.strip() for p in body.split(","))):
            key, value = _split(item)
            if key in _KEYS:
                marks = _apply(key, value, marks, cell, findings, f"`# nb2pkg: {item}`")
            else:
                _unknown(f"directive `# nb2pkg: {item}`", key, cell, number, findings)
        return marks
    nbdev = _NBDEV.match(line) or _NBDEV1.match(line)
    if nbdev:
        return _nbdev(nbdev.group("body"), marks, cell, findings)
    return None


def _nbdev(body: str, marks: Marks, cell: int, findings: list[Finding]) -> Marks:
    """Apply one nbdev (or Quarto) cell option; Quarto's own ones are ignored."""
    words = body.replace(":", " : ", 1).split()
    if not words:
        return marks
    key = words[0].lower()
    rest = " ".join(w for w in words[1:] if w != ":")
    if key in ("export", "exports", "exporti"):
        marks = replace(marks, export=True, internal=key == "exporti", nbdev=True)
        if rest:
            marks = _apply("module", rest, marks, cell, findings, f"`#| {body}`")
        return marks
    if key == "default_exp":
        name = _module_name(rest, cell, findings, f"`#| {body}`")
        return replace(marks, default_module=name, nbdev=True) if name else marks
    if key == "hide":
        return replace(marks, hide=True, nbdev=True)
    if key == "notest" or (key == "eval" and rest.lower() == "false"):
        return replace(marks, no_run=True, nbdev=True)
    return marks  # a Quarto option (echo, output, code-fold ...): not about code


def _apply(
    key: str, value: str, marks: Marks, cell: int, findings: list[Finding], said: str
) -> Marks:
    if key == "module":
        name = _module_name(value, cell, findings, said)
        return replace(marks, module=name) if name else marks
    if value and key not in ("pipeline", "main"):
        note = f"{said}: `{key}` takes no value; `{value}` ignored"
        findings.append(finding("NBP601", note, cell=cell))
    if key in ("pipeline", "main"):
        return replace(marks, pipeline=True, step=value)
    if key == "export":
        return replace(marks, export=True)
    if key == "skip":
        return replace(marks, skip=True)
    if key == "test":
        return replace(marks, test=True)
    return replace(marks, parameters=True)


def _dotted_identifier(value: str) -> bool:
    return all(p.isidentifier() and not keyword.iskeyword(p) for p in value.split("."))


def is_module_name(value: str) -> bool:
    """Return True if ``value`` is a dotted name nb2pkg may give a module."""
    return _dotted_identifier(value) and value not in RESERVED_MODULES


def _module_name(value: str, cell: int, findings: list[Finding], said: str) -> str:
    if is_module_name(value.strip()):
        return value.strip()
    valid = _dotted_identifier(value.strip())
    why = "nb2pkg writes that module itself" if valid else "not a module name"
    note = f"{said}: `{value.strip()}` cannot be a module ({why}); ignored"
    findings.append(finding("NBP602", note, cell=cell))
    return ""


def _split(item: str) -> tuple[str, str]:
    match = re.match(r"^\s*([\w-]+)\s*(?:[:=]\s*|\s+)?(.*?)\s*$", item)
    if not match:
        return item.strip().lower(), ""
    return match.group(1).lower(), match.group(2)


def _close(key: str) -> bool:
    return bool(difflib.get_close_matches(key, _KEYS, n=1, cutoff=0.8))


def _unknown(
    what: str, key: str, cell: int, line: int | None, findings: list[Finding]
) -> None:
    hint = difflib.get_close_matches(key, _KEYS, n=1, cutoff=0.6)
    known = f"did you mean `{hint[0]}`?" if hint else "known: " + ", ".join(VOCABULARY)
    findings.append(
        finding("NBP601", f"unknown {what}, ignored; {known}", cell=cell, line=line)
    )


def _settle(marks: Marks, cell: int, findings: list[Finding]) -> Marks:
    """Resolve marks that contradict each other: skip wins, then export."""
    roles = [
        r
        for r, on in (
            ("export", marks.export),
            ("test", marks.test),
            ("parameters", marks.parameters),
            ("pipeline", marks.pipeline),
        )
        if on
    ]
    if marks.skip and (roles or marks.module):
        note = f"the cell is marked skip and {', '.join(roles or ['module'])}: skipped"
        findings.append(finding("NBP605", note, cell=cell))
        return Marks(skip=True, why=marks.why)
    if len(roles) > 1:
        note = f"the cell is marked {' and '.join(roles)}; {roles[0]} is used"
        findings.append(finding("NBP605", note, cell=cell))
        keep = roles[0]
        return replace(
            marks,
            export=keep == "export",
            test=keep == "test",
            parameters=keep == "parameters",
            pipeline=keep == "pipeline",
        )
    return marks


def left_out_note(cell: Cell) -> Finding:
    """Return the finding that says why a marked cell is left out."""
    why = cell.marks.why or "marked skip"
    return finding(
        "NBP603", f"cell left out ({why})", cell=cell.number, severity=Severity.INFO
    )
