"""The name analysis (nb2pkg.scopes) against LibCST's ScopeProvider, as an oracle.

nb2pkg finds what each statement binds and reads with its own scope analysis
over the standard library's ast, because LibCST's ScopeProvider is about ten
times slower. Here the ScopeProvider answer is worked out as nb2pkg used to, and
the two must agree on generated statements, the examples and the corpus, except
where nb2pkg is right and the oracle is not: ``True``/``False``/``None`` are no names,
``import a.b`` binds ``a`` only, a ``match`` pattern binds its captures, and
string annotations read names.
"""

from __future__ import annotations

import builtins
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libcst.metadata import (
    BuiltinScope,
    FunctionScope,
    GlobalScope,
    MetadataWrapper,
    ScopeProvider,
)

from nb2pkg.analyse.cells import _parse
from nb2pkg.analyse.scopes import scan
from nb2pkg.analyse.visitors import TopLevelVisitor
from nb2pkg.errors import Nb2PkgError
from nb2pkg.read.notebook import read_notebook
from tests.conftest import CORPUS, EXAMPLES

Names = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]
_CONSTANTS = {"True", "False", "None"}


class _Updated(TopLevelVisitor):
    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.names.add(node.target.value)


class _Changed(TopLevelVisitor):
    def _target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._target(element.value)
            return
        base = target
        while isinstance(base, cst.Subscript | cst.Attribute):
            base = base.value
        if base is not target and isinstance(base, cst.Name):
            self.names.add(base.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._target(node.target)


def oracle(statement: cst.BaseStatement) -> Names:
    """Return (binds, reads, reads when run, changes) as ScopeProvider sees them."""
    wrapper = MetadataWrapper(cst.Module(body=[statement]), unsafe_skip_copy=True)
    scopes = {s for s in wrapper.resolve(ScopeProvider).values() if s is not None}
    defines: set[str] = set()
    uses: set[str] = set()
    eager: set[str] = set()
    for scope in scopes:
        if isinstance(scope, GlobalScope):
            defines |= {a.name.split(".")[0] for a in scope.assignments}
        for access in scope.accesses:
            node: cst.CSTNode = access.node
            while isinstance(node, cst.Attribute):
                node = node.value
            if not isinstance(node, cst.Name) or node.value in _CONSTANTS:
                continue
            referents = access.referents
            if referents and not any(
                isinstance(r.scope, GlobalScope | BuiltinScope) for r in referents
            ):
                continue
            uses.add(node.value)
            inner = access.scope
            while inner is not None and not isinstance(inner, GlobalScope):
                if isinstance(inner, FunctionScope):
                    break
                inner = inner.parent
            else:
                eager.add(node.value)
    updated, changed = _Updated(), _Changed()
    statement.visit(updated)
    statement.visit(changed)
    return (
        frozenset(defines),
        frozenset(uses | updated.names),
        frozenset(eager | updated.names),
        frozenset(changed.names),
    )


def _code(statement: cst.BaseStatement) -> str:
    return cst.Module(body=[statement]).code


def ours(statement: cst.BaseStatement) -> Names:
    (defines, uses, eager), _, changed = scan(_code(statement))
    return frozenset(defines), frozenset(uses), frozenset(eager), frozenset(changed)


def _statements(source: str) -> list[cst.BaseStatement]:
    return list(cst.parse_module(source).body)


# Small statements covering Python's scoping rules, combined at random below.
PIECES = [
    "x = y + 1",
    "x += z",
    "df['a'] = df['b'] * k",
    "a.b.c = d",
    "del q",
    "del df['a'], e.f",
    "for i in range(n):\n    total = total + i",
    "with open(p) as fh:\n    text = fh.read()",
    "try:\n    r = risky()\nexcept ValueError as err:\n    print(err)",
    "import os.path\nfrom math import sqrt as root",
    "def f(a, b=default, *args, c: Ann = 2, **kw) -> Ret:\n"
    "    global g\n    g = a + outer\n    return helper(a) + [v for v in vals]",
    "class K(Base, metaclass=Meta):\n    attr = const\n    other = attr + more\n"
    "    def m(self):\n        return attr + self.attr\n"
    "    __slots__ = ()",
    "squares = [w * w for w in ws if w > limit]",
    "pairs = {k: v for k, v in items.items()}",
    "gen = (t for t in ts)",
    "fn = lambda u, w=wd: u + free",
    "if (n := compute()) > 3:\n    print(n)",
    "@decorate(arg)\ndef decorated():\n    return inner_name",
    "async def coro():\n    await thing()",
    "def outer_fn():\n    local = 1\n    def inner():\n        nonlocal local\n"
    "        local = local + glob\n    return inner",
    "print(*[c for c in cs], sep=sep)",
    "x: int = annotated_value",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4))
def test_scopes_agree_with_scope_provider(pieces: list[str]) -> None:
    source = "\n".join(pieces)
    wrapped = "if flag:\n" + "\n".join("    " + line for line in source.splitlines())
    for code in (source, wrapped):
        for statement in _statements(code):
            assert ours(statement) == oracle(statement), _code(statement)


@pytest.mark.parametrize(
    ("source", "defines", "uses"),
    [
        ("del x", set(), {"x"}),
        ("import a.b.c", {"a"}, set()),
        ("x = None if flag else True", {"x"}, {"flag"}),
        ("class K:\n    def m(self):\n        return __hidden()", {"K"}, {"__hidden"}),
        # ScopeProvider misses the names in string annotations; pyflakes does not.
        (
            "def f(x: 'np.ndarray') -> 'List[int]':\n    pass",
            {"f"},
            {"np", "List", "int"},
        ),
        # ScopeProvider misses what a match pattern captures.
        (
            "match cmd:\n    case [a1, *rest]:\n        act(a1, rest)\n"
            "    case Point(x=px):\n        pass",
            {"a1", "rest", "px"},
            {"cmd", "act", "Point", "a1", "rest"},
        ),
    ],
)
def test_where_scopes_differ_from_the_oracle_they_are_right(
    source: str, defines: set[str], uses: set[str]
) -> None:
    (statement,) = _statements(source)
    found_defines, found_uses, _, _ = ours(statement)
    assert found_defines == defines
    assert found_uses == uses


def _notebook_statements(paths: list[Path]) -> list[cst.BaseStatement]:
    out: list[cst.BaseStatement] = []
    for path in paths:
        try:
            notebook = read_notebook(path)
        except Nb2PkgError:
            continue
        for cell in notebook.code_cells:
            parsed = _parse(cell)
            if parsed.module is not None:
                out.extend(parsed.module.body)
    return out


def _agree(statements: list[cst.BaseStatement]) -> list[str]:
    return [_code(s) for s in statements if ours(s) != oracle(s)]


def test_examples_agree() -> None:
    statements = _notebook_statements(sorted(EXAMPLES.rglob("*.ipynb")))
    assert len(statements) > 100
    assert _agree(statements) == []


@pytest.mark.corpus
def test_corpus_agrees() -> None:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not beside the project")
    statements = _notebook_statements(sorted(CORPUS.glob("*.ipynb")))
    assert len(statements) > 3000
    assert _agree(statements) == []


def test_builtins_are_reads_like_any_global() -> None:
    (statement,) = _statements("print(len(items))")
    _, uses, eager, _ = ours(statement)
    assert {"print", "len", "items"} <= uses
    assert uses <= set(dir(builtins)) | {"items"}
    assert eager == uses


@pytest.mark.parametrize(
    ("source", "defines", "uses", "eager"),
    [
        # Python 3.12's symtable folds these into the module: w would look bound.
        ("s = [w * w for w in ws]", {"s"}, {"ws"}, {"ws"}),
        ("[(hit := k) for k in ks]", {"hit"}, {"ks"}, {"ks"}),
        # A class body's names are not seen by its comprehensions or methods.
        (
            "class K:\n    a = 1\n    b = [a for _ in r]\n    def m(self):\n"
            "        return a",
            {"K"},
            {"a", "r"},
            {"a", "r"},
        ),
        (
            "def f(x=d):\n    global g\n    g = x + h",
            {"f", "g"},
            {"d", "h"},
            {"d"},
        ),
    ],
)
def test_scope_rules(
    source: str, defines: set[str], uses: set[str], eager: set[str]
) -> None:
    (statement,) = _statements(source)
    assert ours(statement)[:3] == (defines, uses, eager)
