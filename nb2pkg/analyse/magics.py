"""Recognise IPython syntax in a cell and turn it into Python, reporting each line.

IPython syntax is recognised only where IPython itself sees it: at the start of a
statement, never inside a string, brackets or a backslash continuation. Each line is
translated (``%time expr`` -> ``expr``) or left out, as ``LINE_MAGICS`` and
``CELL_MAGICS`` say, and every line touched gives a finding with its cell and line.
A left-out line that was indented becomes ``pass``, so the block around it stays
valid (the Colab idiom ``if "google.colab" in sys.modules: %pip install ...``).
Install lines (``%pip install``, ``!pip install``, ``%conda install``) also give
their requirements, which become the package's dependencies.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from typing import TypedDict

from nb2pkg.analyse.installs import parse_install
from nb2pkg.analyse.magic_rules import (
    CELL_MAGICS,
    LINE_MAGICS,
    NO_OPTIONS,
    OPTIONS_WITH_VALUE,
    UNKNOWN,
    Action,
)
from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import Install

INFO, WARNING = Severity.INFO, Severity.WARNING

_LINE_MAGIC = re.compile(r"(?P<indent>[ \t]*)%{1,2}(?P<name>\w*)(?P<rest>.*)")
_ASSIGN_MAGIC = re.compile(
    r"(?P<indent>[ \t]*)(?P<target>[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)"
    r"\s*=\s*(?P<sigil>%|!!?)(?P<rest>.*)"
)
_AUTOMAGIC = re.compile(r"(?P<indent>[ \t]*)(?P<command>(?:pip|conda)\s+install\b.*)")
_GET_IPYTHON = re.compile(
    r"(?P<indent>[ \t]*)(?:(?P<target>[A-Za-z_][\w.]*)\s*=\s*)?get_ipython\(\)\."
    r"(?P<method>run_line_magic|magic|system|getoutput)\((?P<args>.*)\)\s*"
)
_INDENT = re.compile(r"[ \t]*")


class _Where(TypedDict):
    cell: int
    line: int


@dataclass(frozen=True, slots=True)
class Translated:
    """A cell's source with IPython syntax replaced, and what was done to it."""

    source: str
    findings: tuple[Finding, ...]
    installs: tuple[Install, ...] = ()


@dataclass(slots=True)
class _Outcome:
    """The replacement for one IPython line."""

    code: str
    finding: Finding
    installs: list[Install] = field(default_factory=list)


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
            if self.quote is not None:
                i = self._through_string(line, i)
                continue
            ch = line[i]
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
            question = question or ch == "?"
            i += 1
        code = line[:comment].rstrip()
        if self.quote in ("'", '"') and not line.endswith("\\"):
            self.quote = None  # an unterminated one-line string ends with its line
        if self.quote is None and code.endswith("\\"):
            self.continued = True
        return comment, question

    def _through_string(self, line: str, i: int) -> int:
        """Return where to go on from ``line[i]``, inside a string; note its end."""
        assert self.quote is not None
        if line[i] == "\\":
            return i + 2
        if line.startswith(self.quote, i):
            end = i + len(self.quote)
            self.quote = None
            return end
        return i + 1


def translate_ipython(source: str, *, cell: int) -> Translated:
    """Return ``source`` with IPython syntax translated or left out, with findings."""
    lines = source.split("\n")
    findings: list[Finding] = []
    installs: list[Install] = []
    start = _cell_magic(lines, cell, findings, installs)
    if start is None:
        return Translated("", tuple(findings), tuple(installs))
    scanner = _Scanner()
    out = lines[:start]
    i = start
    while i < len(lines):
        line = lines[i]
        where: _Where = {"cell": cell, "line": i + 1}
        outcome = _handle_line(line, scanner, where) if scanner.at_statement else None
        if outcome is None:
            scanner.feed(line)
            out.append(line)
            i += 1
            continue
        findings.append(outcome.finding)
        installs.extend(outcome.installs)
        out.append(outcome.code)
        i += 1
        while line.rstrip().endswith("\\") and i < len(lines):  # continued magic
            line = lines[i]
            out.append("")
            i += 1
    return Translated("\n".join(out), tuple(findings), tuple(installs))


def _cell_magic(
    lines: list[str], cell: int, findings: list[Finding], installs: list[Install]
) -> int | None:
    """Handle a ``%%magic`` first line; return where normal lines start, or None."""
    first = next((i for i, text in enumerate(lines) if text.strip()), None)
    if first is None or not lines[first].startswith("%%"):
        return 0
    head = lines[first]
    match = _LINE_MAGIC.fullmatch(head)
    name = match.group("name") if match else ""
    rule = CELL_MAGICS.get(name, UNKNOWN)
    where: _Where = {"cell": cell, "line": first + 1}
    if rule.action is not Action.BODY:
        for number, text in enumerate(lines[first + 1 :], start=first + 2):
            installs.extend(_installs(text.strip(), {"cell": cell, "line": number}))
        note = f"`{_short(head)}` cell left out"
        findings.append(finding("NBP206", note, severity=rule.severity, **where))
        return None
    rest = match.group("rest").strip() if match else ""
    setup = (
        _strip_options(rest, OPTIONS_WITH_VALUE["timeit"]) if name == "timeit" else ""
    )
    lines[first] = setup
    note = f"`{_short(head)}`: {Action.BODY.value}"
    if name == "capture":
        target = [w for w in rest.split() if not w.startswith("-")]
        if target:
            note += f"; the captured output {target[-1]!r} is not kept"
    findings.append(finding("NBP201", note, severity=INFO, **where))
    return first + 1


def _handle_line(line: str, scanner: _Scanner, where: _Where) -> _Outcome | None:
    """Return the outcome for an IPython line, or None for a Python line."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    rewritten = _from_get_ipython(line)
    if rewritten is not None:
        line, stripped = rewritten, rewritten.strip()
    indent = _INDENT.match(line).group()  # type: ignore[union-attr]
    assigned = _ASSIGN_MAGIC.fullmatch(line)
    automagic = _AUTOMAGIC.fullmatch(line)
    if stripped.startswith("%"):
        match = _LINE_MAGIC.fullmatch(line)
        name, rest = (match.group("name"), match.group("rest")) if match else ("", "")
        return _line_magic(indent, name, rest.strip(), None, where)
    if stripped.startswith("!"):
        return _shell(indent, stripped.lstrip("!"), None, where)
    if stripped.startswith("?"):
        return _left_out(
            indent, "NBP204", f"`{_short(stripped)}` left out (help)", where
        )
    if assigned:
        target, rest = assigned.group("target"), assigned.group("rest")
        if assigned.group("sigil") == "%":
            magic = _LINE_MAGIC.fullmatch("%" + rest)
            name, args = (
                (magic.group("name"), magic.group("rest")) if magic else ("", "")
            )
            return _line_magic(indent, name, args.strip(), target, where)
        return _shell(indent, rest, target, where)
    if automagic:
        return _line_magic(indent, "pip", automagic.group("command")[3:], None, where)
    comment, question = replace(scanner).feed(line)
    if question and line[:comment].rstrip().endswith("?"):
        return _left_out(
            indent, "NBP204", f"`{_short(stripped)}` left out (help)", where
        )
    return None


def _from_get_ipython(line: str) -> str | None:
    """Return ``get_ipython().run_line_magic("x", "y")`` as ``%x y`` (and kin)."""
    match = _GET_IPYTHON.fullmatch(line)
    if match is None:
        return None
    try:
        args = ast.literal_eval(f"({match.group('args')},)")
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not args or not all(isinstance(a, str) for a in args):
        return None
    method = match.group("method")
    if method == "run_line_magic" and len(args) == 2:
        text = f"%{args[0]} {args[1]}"
    elif method in ("system", "getoutput") and len(args) == 1:
        text = f"!{args[0]}"
    elif method == "magic" and len(args) == 1:
        text = f"%{args[0]}"
    else:
        return None
    target = match.group("target")
    return match.group("indent") + (f"{target} = " if target else "") + text


def _line_magic(
    indent: str, name: str, args: str, target: str | None, where: _Where
) -> _Outcome:
    rule = LINE_MAGICS.get(name, UNKNOWN)
    shown = _short(f"{target + ' = ' if target else ''}%{name} {args}".strip())
    action = rule.action
    if action is Action.INSTALL:
        return _install_outcome(indent, f"{name} {args}", shown, where)
    if action is Action.SHELL:
        return _shell(indent, args, target, where)
    code = _replacement(action, name, args, target)
    # The notebook plots: the plot extra needs matplotlib.
    plots = (
        [Install("matplotlib", where["cell"], where["line"], "plot")]
        if name in ("matplotlib", "pylab")
        else []
    )
    if code is not None:
        note = f"`{shown}` {action.value}"
        found = finding("NBP201", note, severity=rule.severity, **where)
        return _Outcome(indent + code, found, plots)
    if target is not None:
        note = f"`{shown}` left out, so {target} is not defined"
        return _left_out(indent, "NBP202", note, where)
    outcome = _left_out(indent, "NBP202", f"`{shown}` left out", where, rule.severity)
    outcome.installs.extend(plots)
    return outcome


def _replacement(
    action: Action, name: str, args: str, target: str | None
) -> str | None:
    """Return the Python a magic becomes, or None when it is left out."""
    if action is Action.RUN:
        statement = _strip_options(args, OPTIONS_WITH_VALUE.get(name, NO_OPTIONS))
        if not statement:
            return None
        return f"{target} = {statement}" if target else statement
    if target is not None:
        return None
    if action is Action.ENV:
        return _env(args)
    if action is Action.CD:
        return _cd(args)
    if action is Action.PYLAB:
        return (
            "from pylab import *; import numpy as np; import matplotlib.pyplot as plt"
        )
    return None


def _shell(indent: str, command: str, target: str | None, where: _Where) -> _Outcome:
    command = command.strip()
    shown = _short(f"{target + ' = ' if target else ''}!{command}")
    if parse_install(command) is not None:
        return _install_outcome(indent, command, shown, where)
    if target is None:
        return _left_out(indent, "NBP203", f"`{shown}` left out (shell command)", where)
    literal = _command_literal(command)
    code = (
        f"import subprocess; {target} = subprocess.run({literal}, shell=True, "
        "capture_output=True, text=True, check=False).stdout.splitlines()"
    )
    note = f"`{shown}` runs through subprocess.run (a list of output lines)"
    return _Outcome(indent + code, finding("NBP201", note, severity=WARNING, **where))


def _command_literal(command: str) -> str:
    """Return a Python literal for a shell command, keeping IPython's ``{x}``/``$x``."""
    if "{" not in command and "$" not in command:
        return repr(command)
    text = re.sub(r"(?<!\$)\$([A-Za-z_]\w*)", r"{\1}", command).replace("$$", "$")
    return "f" + repr(text)


def _install_outcome(indent: str, command: str, shown: str, where: _Where) -> _Outcome:
    installs = _installs(command, where)
    parsed = parse_install(command)
    problems = parsed.problems if parsed else []
    if parsed is None:
        note, severity = f"`{shown}` left out", INFO
    elif problems:
        note, severity = f"`{shown}` left out; {'; '.join(problems)}", WARNING
    else:
        note, severity = f"`{shown}` {Action.INSTALL.value}", INFO
    outcome = _left_out(indent, "NBP202", note, where, severity)
    outcome.installs.extend(installs)
    return outcome


def _installs(command: str, where: _Where) -> list[Install]:
    parsed = parse_install(command.lstrip("!%"))
    if parsed is None:
        return []
    found = [
        Install(text, where["cell"], where["line"]) for text in parsed.requirements
    ]
    found += [
        Install(path, where["cell"], where["line"], "file") for path in parsed.files
    ]
    return found


def _env(args: str) -> str | None:
    match = re.fullmatch(r"(\w+)(?:\s*=\s*|\s+)(.+)", args.strip())
    if match is None:
        return None  # ``%env`` or ``%env NAME`` only shows values
    name, value = match.group(1), match.group(2).strip()
    return f"import os; os.environ[{name!r}] = {value!r}"


def _cd(args: str) -> str | None:
    path = _strip_options(args, NO_OPTIONS)
    if not path or path == "-" or "$" in path or "{" in path:
        return None
    return f"import os; os.chdir(os.path.expanduser({path.strip(chr(34) + chr(39))!r}))"


def _left_out(
    indent: str, code: str, note: str, where: _Where, severity: Severity = WARNING
) -> _Outcome:
    return _Outcome(
        indent + "pass" if indent else "",
        finding(code, note, severity=severity, **where),
    )


def _strip_options(rest: str, takes_value: frozenset[str]) -> str:
    """Return ``rest`` without the leading ``-x [value]`` options of a magic."""
    words = rest.split()
    i = 0
    while i < len(words) and words[i].startswith("-") and len(words[i]) > 1:
        i += 2 if words[i] in takes_value else 1
    if i == 0:
        return rest.strip()
    if i >= len(words):
        return ""
    pos = 0  # keep the statement's own spacing: cut after the last option word
    for word in words[:i]:
        pos = rest.index(word, pos) + len(word)
    return rest[pos:].strip()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
