"""Recognise IPython syntax in a cell and turn it into Python, reporting each line.

IPython syntax is recognised only where IPython itself sees it: at the start of a
statement, never inside a string, brackets or a backslash continuation. Each line is
either translated (``%time expr`` -> ``expr``) or left out, and every line touched
gives a finding with its cell and line number. A left-out line that was indented
becomes ``pass``, so the block around it stays valid (the Colab idiom
``if "google.colab" in sys.modules: %pip install ...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TypedDict

from nb2pkg.errors import Finding, Severity, finding

# Magics whose argument is Python code that should still run, with the options
# that take a value (the statement follows the options).
RUNNING_MAGICS: dict[str, frozenset[str]] = {
    "time": frozenset(),
    "timeit": frozenset({"-n", "-r", "-p"}),
    "prun": frozenset({"-l", "-s", "-T", "-D"}),
}
# Cell magics whose body is Python code that runs once, as a plain cell would.
RUNNING_CELL_MAGICS = frozenset({"time", "timeit", "prun", "capture"})

_LINE_MAGIC = re.compile(r"(?P<indent>[ \t]*)%{1,2}(?P<name>\w*)(?P<rest>.*)")
_ASSIGN_MAGIC = re.compile(
    r"(?P<indent>[ \t]*)(?P<target>[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)"
    r"\s*=\s*(?P<sigil>[%!])(?P<rest>.*)"
)
_AUTOMAGIC = re.compile(r"(?P<indent>[ \t]*)(?:pip|conda)\s+(?:install|uninstall)\b")
_INDENT = re.compile(r"[ \t]*")


class _Where(TypedDict):
    cell: int
    line: int


@dataclass(frozen=True, slots=True)
class Translated:
    """A cell's source with IPython syntax replaced, and what was done to it."""

    source: str
    findings: tuple[Finding, ...]


@dataclass(slots=True)
class _Scanner:
    """Tracks whether the next line starts a statement (not in a string/brackets)."""

    quote: str | None = None
    depth: int = 0
    continued: bool = False

    @property
    def at_statement(self) -> bool:
        return self.quote is None and self.depth == 0 and not self.continued

    def feed(self, line: str) -> tuple[int, bool]:
        """Advance over ``line``; return (where its comment starts, saw a ``?``)."""
        i, n, question = 0, len(line), False
        self.continued = False
        comment = n
        while i < n:
            ch = line[i]
            if self.quote is not None:
                if ch == "\\":
                    i += 2
                    continue
                if line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                    continue
                i += 1
                continue
            if ch == "#":
                comment = i
                break
            if ch in "\"'":
                triple = line[i : i + 3]
                self.quote = triple if triple in ('"""', "'''") else ch
                i += len(self.quote)
                continue
            if ch in "([{":
                self.depth += 1
            elif ch in ")]}":
                self.depth = max(0, self.depth - 1)
            elif ch == "?":
                question = True
            i += 1
        code = line[:comment].rstrip()
        if self.quote in ("'", '"') and not line.endswith("\\"):
            self.quote = None  # an unterminated one-line string ends with its line
        if self.quote is None and code.endswith("\\"):
            self.continued = True
        return comment, question


def translate_ipython(source: str, *, cell: int) -> Translated:
    """Return ``source`` with IPython syntax translated or left out, with findings."""
    lines = source.split("\n")
    findings: list[Finding] = []
    start = _cell_magic(lines, cell, findings)
    if start is None:
        return Translated("", tuple(findings))
    scanner = _Scanner()
    out = lines[:start]
    i = start
    while i < len(lines):
        line = lines[i]
        handled = (
            _handle_line(line, scanner, cell=cell, line_no=i + 1)
            if (scanner.at_statement)
            else None
        )
        if handled is None:
            scanner.feed(line)
            out.append(line)
            i += 1
            continue
        replacement, note = handled
        findings.append(note)
        out.append(replacement)
        i += 1
        while line.rstrip().endswith("\\") and i < len(lines):  # continued magic
            line = lines[i]
            out.append("")
            i += 1
    return Translated("\n".join(out), tuple(findings))


def _cell_magic(lines: list[str], cell: int, findings: list[Finding]) -> int | None:
    """Handle a ``%%magic`` first line; return where normal lines start, or None."""
    first = next((i for i, text in enumerate(lines) if text.strip()), None)
    if first is None or not lines[first].startswith("%%"):
        return 0
    head = lines[first]
    match = _LINE_MAGIC.fullmatch(head)
    name = match.group("name") if match else ""
    if name not in RUNNING_CELL_MAGICS:
        findings.append(
            finding(
                "NBP206", f"`{_short(head)}` cell left out", cell=cell, line=first + 1
            )
        )
        return None
    rest = match.group("rest").strip() if match else ""
    lines[first] = _timeit_setup(rest) if name == "timeit" else ""
    note = f"`{_short(head)}`: the body is kept and runs once"
    if name == "capture":
        target = [w for w in rest.split() if not w.startswith("-")]
        if target:
            note += f"; the captured output {target[-1]!r} is not kept"
    findings.append(
        finding("NBP201", note, cell=cell, line=first + 1, severity=Severity.INFO)
    )
    return first + 1


def _timeit_setup(rest: str) -> str:
    """Return the setup statement on a ``%%timeit`` line (it runs once)."""
    return _strip_options(rest, RUNNING_MAGICS["timeit"])


def _handle_line(
    line: str, scanner: _Scanner, *, cell: int, line_no: int
) -> tuple[str, Finding] | None:
    """Return (replacement, finding) for an IPython line, or None for Python."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    indent = _INDENT.match(line).group()  # type: ignore[union-attr]
    left_out = indent + "pass" if indent else ""
    where: _Where = {"cell": cell, "line": line_no}
    shown = _short(stripped)
    if stripped.startswith("%"):
        return _line_magic(line, left_out, where)
    if stripped.startswith("!"):
        return left_out, finding(
            "NBP203", f"`{shown}` left out (shell command)", **where
        )
    if stripped.startswith("?"):
        return left_out, finding("NBP204", f"`{shown}` left out (help)", **where)
    assigned = _ASSIGN_MAGIC.fullmatch(line)
    if assigned:
        return _assigned_magic(assigned, left_out, where)
    if _AUTOMAGIC.match(line):
        return left_out, finding("NBP202", f"`{shown}` left out (automagic)", **where)
    comment, question = replace(scanner).feed(line)
    if question and line[:comment].rstrip().endswith("?"):
        return left_out, finding("NBP204", f"`{shown}` left out (help)", **where)
    return None


def _line_magic(line: str, left_out: str, where: _Where) -> tuple[str, Finding]:
    match = _LINE_MAGIC.fullmatch(line)
    name = match.group("name") if match else ""
    shown = _short(line.strip())
    if match and name in RUNNING_MAGICS:
        statement = _strip_options(match.group("rest").strip(), RUNNING_MAGICS[name])
        if statement:
            note = f"`{shown}` runs as plain Python"
            return match.group("indent") + statement, finding(
                "NBP201", note, severity=Severity.INFO, **where
            )
    return left_out, finding("NBP202", f"`{shown}` left out (magic)", **where)


def _assigned_magic(
    match: re.Match[str], left_out: str, where: _Where
) -> tuple[str, Finding]:
    target, rest = match.group("target"), match.group("rest")
    shown = _short(match.group(0).strip())
    if match.group("sigil") == "%":
        magic = _LINE_MAGIC.fullmatch("%" + rest)
        name = magic.group("name") if magic else ""
        if magic and name in RUNNING_MAGICS:
            statement = _strip_options(
                magic.group("rest").strip(), RUNNING_MAGICS[name]
            )
            if statement:
                line = f"{match.group('indent')}{target} = {statement}"
                return line, finding(
                    "NBP201",
                    f"`{shown}` runs as plain Python",
                    severity=Severity.INFO,
                    **where,
                )
        code = "NBP202"
    else:
        code = "NBP203"
    note = f"`{shown}` left out, so {target} is not defined"
    return left_out, finding(code, note, **where)


def _strip_options(rest: str, takes_value: frozenset[str]) -> str:
    """Return ``rest`` without the leading ``-x [value]`` options of a magic."""
    words = rest.split()
    i = 0
    while i < len(words) and words[i].startswith("-") and len(words[i]) > 1:
        i += 2 if words[i] in takes_value else 1
    if i == 0:
        return rest
    if i >= len(words):
        return ""
    # Keep the statement's own spacing: cut at the first word that is code.
    pos = 0
    for word in words[:i]:
        pos = rest.index(word, pos) + len(word)
    return rest[pos:].strip()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
