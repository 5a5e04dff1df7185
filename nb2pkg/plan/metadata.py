"""The package's name and metadata, from the notebook: title, summary, Python."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from nb2pkg.analyse.names import imported_modules
from nb2pkg.errors import InputError
from nb2pkg.model import Notebook, Statement
from nb2pkg.options import Generation, check_package_name, normalise_name


def package_name(
    notebook: Notebook, imports: Iterable[Statement], generation: Generation
) -> str:
    roots = frozenset(m.split(".")[0] for s in imports for m in imported_modules(s))
    name = generation.name or normalise_name(notebook.path.stem)
    if not name:
        raise InputError(
            f"cannot make a package name from the file name {notebook.path.name!r} "
            "(a package name is ASCII letters, digits and _); give one with --name"
        )
    return check_package_name(name, imported=roots)


def headings(notebook: Notebook) -> dict[int, str]:
    """Return cell number -> heading text for markdown cells that start with one."""
    found: dict[int, str] = {}
    for cell in notebook.cells:
        first = cell.source.strip().split("\n")[0] if cell.kind == "markdown" else ""
        match = _HEADING.match(first)
        if match:
            found[cell.number] = _plain(match.group(1))
    return found


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def parent_headings(notebook: Notebook) -> dict[int, str]:
    """Return code cell number -> the heading of the section above the one the
    cell is in (``Series`` for a cell under ``## Series`` / ``### Alignment``)."""
    stack: list[tuple[int, str]] = []  # (level, text) of the open sections
    found: dict[int, str] = {}
    title = ""  # the notebook's first heading names the whole: no section's parent
    for cell in notebook.cells:
        if cell.kind != "markdown":
            if len(stack) >= 2 and stack[-2][1] != title:
                found[cell.number] = stack[-2][1]
            continue
        for line in cell.source.split("\n"):
            match = _HEADING.match(line)
            if match:
                level = len(line.strip()) - len(line.strip().lstrip("#"))
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, _plain(match.group(1))))
                title = title or stack[-1][1]
    return found


# A docstring longer than this is cut after its last whole sentence that fits.
_DOC_CHARS = 240


def cell_span(numbers: Sequence[int]) -> str:
    """Return ``cell 4`` or ``cells 4-9`` for cell numbers in order."""
    first, last = numbers[0], numbers[-1]
    return f"cell {first}" if first == last else f"cells {first}-{last}"


def step_doc(notebook: Notebook, first_cell: int, title: str) -> str:
    """Return a step's docstring: the first paragraph of prose in the markdown
    just above its first cell (under its heading), else its heading."""
    above: list[str] = []
    for cell in reversed(notebook.cells[: first_cell - 1]):
        if cell.kind != "markdown":
            break
        above.insert(0, cell.source)
    for paragraph in re.split(r"\n\s*\n", "\n\n".join(above)):
        text = paragraph.strip()
        if not text or _HEADING.match(text.splitlines()[0]):
            continue
        if text.startswith(("<", "!", "|", "```", "$$", ">")):
            continue
        return _sentences(_plain(" ".join(text.split())))
    return f"{title}." if title and not title.endswith((".", "?", "!")) else title


def _sentences(text: str) -> str:
    """Return ``text`` cut after the last whole sentence within _DOC_CHARS."""
    if len(text) <= _DOC_CHARS:
        return text
    cut = max(text.rfind(end, 0, _DOC_CHARS) for end in (". ", "? ", "! "))
    return text[: cut + 1] if cut > 0 else text[:_DOC_CHARS].rsplit(" ", 1)[0] + "..."


def title_and_summary(notebook: Notebook) -> tuple[str, str]:
    """Return the notebook's first heading and the first paragraph after it."""
    title, summary = "", ""
    for cell in notebook.cells:
        if cell.kind != "markdown":
            if title or summary:
                break
            continue
        for paragraph in re.split(r"\n\s*\n", cell.source):
            text = paragraph.strip()
            heading = _HEADING.match(text.splitlines()[0]) if text else None
            if heading and not title:
                title = _plain(heading.group(1))
            elif (
                text
                and not heading
                and not summary
                and not text.startswith(("<", "!", "|"))
            ):
                summary = whole_sentences(_plain(" ".join(text.split())))
        if title and summary:
            break
    stem = notebook.path.stem
    return title or stem, summary


# Where a sentence ends: ``.``, ``?`` or ``!``, then a space and a capital.
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9\"'(])")


def whole_sentences(text: str, limit: int = 300) -> str:
    """Return the whole sentences ``text`` starts with, within ``limit``
    characters: a description is a sentence, never "we saw the recipe...:"."""
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if not sentence.endswith((".", "?", "!")) or sentence.endswith("..."):
            break
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept)


def _plain(text: str) -> str:
    """Return markdown inline text without links' targets and emphasis marks."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]{1,3}", "", text).strip()


def requires_python(version: str | None) -> str:
    match = re.match(r"(\d+)\.(\d+)", version or "")
    return f">={match.group(1)}.{match.group(2)}" if match else ">=3.10"
