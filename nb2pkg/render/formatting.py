"""Format the package's Python files with black, piece by piece, from a cache.

black formats a module's top-level functions independently of one another: two
blank lines apart, each formatted alone. A large module (the pipeline of a big
notebook) is therefore cut between such functions into pieces of a few thousand
characters, each formatted alone and cached by its text, and joined again with
two blank lines. After one cell is edited, only its piece is formatted again;
and the pieces of one large file are spread over every core.

A cut is made only where that join is what black itself writes: between two
top-level functions, or after the imports and before the first function, with
nothing but blank lines between, where the second function is not decorated and
the first is no ``...`` stub (black keeps overload stubs together). black is told
the Python versions the package supports, as it infers them from
``requires-python`` when the user runs it in the package; left to guess them, it
would guess from each piece alone (a trailing comma after ``**kwargs``).

Importing black takes a tenth of a second, and converting again after an edit
formats one piece or two: with more than one core, ``black_worker`` imports it
in a worker while the notebook is read and planned, and that worker formats
them. Such a conversion never imports black here: the versions black targets
are kept in the cache with its output.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import itertools
import logging
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from typing import TYPE_CHECKING

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from nb2pkg.cache import Memo, key
from nb2pkg.errors import Finding, finding
from nb2pkg.model import RenderedFile
from nb2pkg.parallel import helper, later, pool_map

if TYPE_CHECKING:
    import black
    from black.mode import TargetVersion

log = logging.getLogger(__name__)
# Below this much code to format, black runs in this process: workers cost more.
_WORTH_CHARS = 60_000
# A file longer than this is cut into pieces of about this size.
PIECE_CHARS = 2_000
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFINITIONS = (*_FUNCTIONS, ast.ClassDef)


def format_files(
    files: Sequence[RenderedFile],
    *,
    requires_python: str,
    jobs: int | None,
    memo: Memo,
    worker: Executor | None = None,
) -> tuple[list[RenderedFile], list[Finding]]:
    """Return the files with their Python formatted by black, and what failed.

    A file black cannot format is kept as it is, with an NBP501 finding.
    ``memo`` holds black's output of pieces formatted before, by their text,
    and the versions black targets. ``worker`` (from ``black_worker``) formats
    the pieces too few to be worth more processes.
    """
    targets = _target_values(requires_python, memo, worker)
    # Unknown versions: black guesses them per piece; so only whole files.
    size_limit = PIECE_CHARS if targets else sys.maxsize
    salt = ",".join(map(str, targets))
    pieces = {
        f.path: pieces_of(f.text, size_limit) if f.path.suffix == ".py" else []
        for f in files
    }
    known: dict[str, str] = {}
    todo: dict[str, str] = {}  # piece -> its cache key, each piece once
    for text in (p for ps in pieces.values() for p in ps):
        if text in known or text in todo:
            continue
        piece_key = key(f"{salt}\n{text}")
        cached = memo.get(piece_key)
        if isinstance(cached, str):
            known[text] = cached
        else:
            todo[text] = piece_key
    failed: dict[str, str] = {}
    done = _format(list(todo), requires_python, jobs=jobs, worker=worker)
    for (text, piece_key), (black_text, error) in zip(todo.items(), done, strict=True):
        if error:
            failed[text] = error
        else:
            known[text] = black_text
            memo.put(piece_key, black_text)
    out: list[RenderedFile] = []
    findings: list[Finding] = []
    for file in files:
        errors = [failed[p] for p in pieces[file.path] if p in failed]
        if errors:
            note = f"{file.path}: black could not format it ({errors[0]})"
            findings.append(finding("NBP501", note))
            out.append(file)
        elif pieces[file.path]:
            text = "\n\n".join(known[p] for p in pieces[file.path])
            out.append(RenderedFile(file.path, text))
        else:
            out.append(file)
    return out, findings


@contextlib.contextmanager
def black_worker(jobs: int | None) -> Iterator[Executor | None]:
    """Yield a worker that is importing black now, for ``format_files``; None
    with one job. Until then it is free for other work (``api`` has it check
    the notebooks' schema). It is stopped on leaving."""
    with helper(jobs, _import_black) as worker:
        yield worker


def _import_black() -> None:
    import black  # noqa: F401 - the import is the point


def _format(
    texts: list[str], requires_python: str, *, jobs: int | None, worker: Executor | None
) -> list[tuple[str, str]]:
    """Return ``_black`` of each text: in workers if there is much to format,
    else in ``worker``, else here."""
    black_it = functools.partial(_black, requires_python=requires_python)
    worth = sum(len(t) for t in texts) > _WORTH_CHARS
    if texts and worker is not None and not worth:
        formatted = [later(worker, black_it, text) for text in texts]
        return [result() for result in formatted]
    if worth:
        import black  # noqa: F401 - before forking: every worker shares it
    return pool_map(black_it, texts, jobs=jobs, worth=worth)


def _target_values(
    requires_python: str, memo: Memo, worker: Executor | None
) -> list[int]:
    """Return the minor versions black targets for ``requires_python``, kept
    in ``memo`` (black need not be imported to know them again); ``worker``
    works them out if it is there."""
    entry = key(f"black targets\n{requires_python}")
    kept = memo.get(entry)
    if isinstance(kept, list) and all(type(v) is int for v in kept):
        return kept
    if worker is not None:
        values = later(worker, target_values, requires_python)()
    else:
        values = target_values(requires_python)
    memo.put(entry, values)
    return values


def target_values(requires_python: str) -> list[int]:
    """Return the minor versions of ``black_targets``, in order."""
    return sorted(v.value for v in black_targets(requires_python))


def pieces_of(text: str, size: int = PIECE_CHARS) -> list[str]:
    """Return ``text`` cut into pieces black formats alone (see the module doc).

    A file shorter than ``size``, or one that does not parse, is one piece.
    """
    if len(text) <= size:
        return [text]
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [text]
    lines = text.splitlines(keepends=True)
    offsets = list(itertools.accumulate((len(line) for line in lines), initial=0))
    cuts = [0]
    for before, node in zip(body, body[1:], strict=False):
        end = before.end_lineno or before.lineno
        long_enough = offsets[end] - offsets[cuts[-1]] >= size
        if long_enough and _cuttable(before, node, lines[end : node.lineno - 1]):
            cuts.append(end)
    cuts.append(len(lines))
    return ["".join(lines[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)]


def _cuttable(before: ast.stmt, node: ast.stmt, between: list[str]) -> bool:
    """Return True if black puts exactly two blank lines between the two."""
    if not isinstance(node, _FUNCTIONS) or node.decorator_list:
        return False
    if any(line.strip() for line in between):
        return False  # a comment: black attaches it to what follows
    if isinstance(before, _FUNCTIONS):
        return not _is_stub(before)
    return isinstance(before, ast.Import | ast.ImportFrom)


def _is_stub(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Return True for ``def f(): ...``: black lets such stubs sit together."""
    last = node.body[-1]
    return isinstance(last, ast.Expr) and isinstance(last.value, ast.Constant)


def black_targets(requires_python: str) -> set[TargetVersion]:
    """Return the versions black formats for, as black infers them itself.

    Empty (black guesses per file) if ``requires_python`` does not say.
    """
    from black.mode import TargetVersion

    try:
        allowed = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return set()
    return {v for v in TargetVersion if allowed.contains(f"3.{v.value}")}


@functools.lru_cache(maxsize=8)
def _mode(requires_python: str) -> black.Mode:
    import black

    return black.Mode(target_versions=black_targets(requires_python))


def _black(text: str, *, requires_python: str) -> tuple[str, str]:
    """Return (black's output, "") or (text, why black failed)."""
    import black

    text, kept = _set_aside(text)
    try:
        formatted = black.format_str(text, mode=_mode(requires_python))
    except Exception as exc:  # noqa: BLE001 - black may fail on any odd code
        log.debug("black failed: %r", exc)
        return _put_back(text, kept), type(exc).__name__
    return _put_back(formatted, kept), ""


# A line longer than this that is a whole assignment or expression (data pasted
# into a cell: a list of a million numbers) is left as it is, marked
# ``# fmt: skip``: black would spend a minute writing one number a line.
LONG_LINE = 20_000
_PLACEHOLDER = "_nb2pkg_long_line_{} = 0  # fmt: skip"


def _set_aside(text: str) -> tuple[str, list[str]]:
    """Return ``text`` with each long line that is one whole assignment or
    expression replaced by a short placeholder statement, and the lines set
    aside (``_put_back`` restores them).

    black leaves a ``# fmt: skip`` line as it is and spaces it as any other
    statement, so the restored file is what black itself writes of it.
    """
    if len(text) <= LONG_LINE or not any(
        len(line) > LONG_LINE for line in text.splitlines()
    ):
        return text, []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return text, []
    lines = text.splitlines(keepends=True)
    whole = {
        node.lineno - 1
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.Expr)
        and node.end_lineno == node.lineno
        and len(lines[node.lineno - 1]) > LONG_LINE
        and _spans_line(node, lines[node.lineno - 1])
    }
    kept: list[str] = []
    for i in sorted(whole):
        line = lines[i]
        indent = line[: len(line) - len(line.lstrip())]
        lines[i] = f"{indent}{_PLACEHOLDER.format(len(kept))}\n"
        kept.append(line.strip())
    return "".join(lines), kept


def _spans_line(node: ast.stmt, line: str) -> bool:
    """Return True if the statement is all the line holds (no comment, no
    second statement): nothing black would move."""
    code = line.rstrip("\r\n").encode("utf-8")
    indent = len(code) - len(code.lstrip())
    return node.col_offset == indent and node.end_col_offset == len(code)


def _put_back(text: str, kept: list[str]) -> str:
    """Return ``text`` with the long lines ``_set_aside`` took out, marked."""
    for i, line in enumerate(kept):
        text = text.replace(_PLACEHOLDER.format(i), f"{line}  # fmt: skip", 1)
    return text


def protected(file: RenderedFile, names: set[str]) -> RenderedFile:
    """Return the file with the definitions named ``names`` marked ``# fmt: off``.

    Those are the definitions black would change in meaning (it reindents
    docstrings): black leaves them as written and formats the rest. Definitions
    at top level or one function down (in a pipeline step) are marked.
    """
    try:
        tree = ast.parse(file.text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return file
    spans: list[tuple[int, int, int]] = []
    for top in tree.body:
        inner = top.body if isinstance(top, _FUNCTIONS) else []
        for node in [top, *inner]:
            if isinstance(node, _DEFINITIONS) and node.name in names:
                first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                spans.append((first, node.end_lineno or node.lineno, node.col_offset))
    lines = file.text.splitlines(keepends=True)
    for first, last, column in sorted(spans, reverse=True):
        lines.insert(last, " " * column + "# fmt: on\n")
        lines.insert(first - 1, " " * column + "# fmt: off\n")
    return RenderedFile(file.path, "".join(lines))
