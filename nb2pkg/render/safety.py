"""Prove that the rendered package means what the notebook meant (as black does)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Sequence
from pathlib import PurePosixPath

from nb2pkg.analyse.names import DEFINITIONS
from nb2pkg.cache import Memo, key
from nb2pkg.errors import EquivalenceError
from nb2pkg.model import Plan, RenderedFile, Statement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def check_files(
    files: Sequence[RenderedFile],
    plan: Plan,
    *,
    strict: bool = False,
    memo: Memo | None = None,
) -> dict[PurePosixPath, set[str]]:
    """Return the Python files whose definitions differ from the notebook's.

    Each file is given with the names of the definitions that differ.

    Every ``.py`` file must compile and ``pyproject.toml`` must parse; each
    definition placed by the plan must be AST-equal to its notebook source.
    With ``strict``, any problem raises ``EquivalenceError`` instead. ``memo``
    keeps what a file (by its text) and a definition (by its code) were found
    to be, so a file checked before is not parsed again.

    Raises:
        EquivalenceError: a file does not compile or parse (always), or, with
            ``strict``, a definition changed.
    """
    store = memo or Memo()
    placed = _placed_definitions(plan)
    wanted = {s.name for s in placed}
    found: dict[str, set[str]] = {}
    where: dict[str, set[PurePosixPath]] = {}
    for file in files:
        if file.path.name == "pyproject.toml":
            _parse_toml(file)
        if file.path.suffix != ".py":
            continue
        for name, dumps in _definitions(file, wanted, store).items():
            found.setdefault(name, set()).update(dumps)
            where.setdefault(name, set()).add(file.path)
    bad: dict[PurePosixPath, set[str]] = {}
    for statement in placed:
        expected = _expected(statement, store)
        if expected not in found.get(statement.name, set()):
            if strict or statement.name not in where:
                raise EquivalenceError(
                    f"`{statement.name}` (cell {statement.cell}) is not the same in "
                    "the generated code; this is a bug in nb2pkg, please report it"
                )
            for path in where[statement.name]:
                bad.setdefault(path, set()).add(statement.name)
    return bad


def _definitions(
    file: RenderedFile, wanted: set[str], store: Memo
) -> dict[str, list[str]]:
    """Return the AST (a digest) of each definition in ``file`` named in ``wanted``.

    The file must compile. The store keeps, by the file's text, the names of all
    its definitions and the digests found so far; only a name not yet digested
    makes the file be parsed again.
    """
    entry_key = key(f"definitions\n{file.text}")
    entry = store.get(entry_key)
    if isinstance(entry, dict) and isinstance(entry.get("names"), list):
        digests = entry.get("digests", {})
        need = wanted & {n for n in entry["names"] if isinstance(n, str)}
        if (
            isinstance(digests, dict)
            and need <= digests.keys()
            and all(isinstance(digests[n], list) for n in need)
        ):
            return {n: [str(d) for d in digests[n]] for n in need}
    tree = _compile(file)
    names: set[str] = set()
    out: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, _DEFINITIONS):
            names.add(node.name)
            if node.name in wanted:
                out.setdefault(node.name, []).append(key(ast.dump(node)))
    store.put(entry_key, {"names": sorted(names), "digests": out})
    return out


def _expected(statement: Statement, store: Memo) -> str:
    """Return the digest of a definition's AST as the notebook wrote it."""
    entry_key = key(f"definition\n{statement.code}")
    digest = store.get(entry_key)
    if not isinstance(digest, str):
        digest = key(ast.dump(ast.parse(statement.code).body[0]))
        store.put(entry_key, digest)
    return digest


def _placed_definitions(plan: Plan) -> list[Statement]:
    statements = [s for m in plan.modules for s in m.body]
    for pipeline in plan.pipelines:
        statements.extend(pipeline.steps)
    return [s for s in statements if s.kind in DEFINITIONS]


def _compile(file: RenderedFile) -> ast.Module:
    try:
        tree = ast.parse(file.text, filename=str(file.path))
        compile(tree, str(file.path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise EquivalenceError(
            f"{file.path} does not compile ({exc}); this is a bug in nb2pkg, "
            "please report it"
        ) from None
    return tree


def _parse_toml(file: RenderedFile) -> None:
    try:
        tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as exc:
        raise EquivalenceError(f"{file.path} is not valid TOML ({exc})") from None
