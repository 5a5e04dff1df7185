"""Link notebooks converted into one package: each becomes a module of its own.

In a kernel, ``%run other.ipynb`` runs another notebook and leaves its globals
behind, and ``from other import f`` (with an import hook such as ``ipynb`` or
``import_ipynb``) imports one. In the package both become imports relative to the
package's root: ``from .other import f``, naming exactly the names used. A notebook
is planned after the notebooks it uses, so what they define is known.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from nb2pkg.analyse.names import bound_name, is_relative_import
from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import (
    CellAnalysis,
    Kind,
    Notebook,
    Plan,
    Statement,
)
from nb2pkg.options import normalise_name
from nb2pkg.read.directives import RESERVED_MODULES

PIPELINES = "pipelines"  # the subpackage of the notebooks' run() modules
_RUN = re.compile(r"^%run\s+(?P<args>.+?)\s*$")
# Import hooks that load notebooks as modules: ``ipynb.fs.full.other``.
_HOOK_PREFIXES = ("ipynb.fs.full.", "ipynb.fs.defs.")


@dataclass(frozen=True, slots=True)
class Source:
    """One notebook of a package made of several, and the module it becomes."""

    notebook: Notebook
    analyses: tuple[CellAnalysis, ...]
    module: str  # where its definitions go (two notebooks may share one)
    pipeline: str = ""  # its own module for run(), under pipelines/

    @property
    def key(self) -> Path:
        """Return what tells the notebook apart from the others: its path."""
        return self.notebook.path


@dataclass(slots=True)
class Provided:
    """What a planned notebook leaves behind for the notebooks that use it.

    ``modules``: its module-level names and the module of each; ``imports``: the
    names its imports bind, and those imports.
    """

    modules: dict[str, str] = field(default_factory=dict)
    imports: dict[str, Statement] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.modules or name in self.imports


def mapped_module(path: Path, mapping: Mapping[str, str]) -> str | None:
    """Return the module ``[tool.nb2pkg.modules]`` gives a notebook, by name or stem."""
    return mapping.get(path.name) or mapping.get(path.stem)


def module_names(
    paths: Sequence[Path], mapping: Mapping[str, str] | None = None
) -> dict[Path, str]:
    """Return the module each notebook becomes, from ``mapping`` or its file name.

    ``mapping`` is keyed by file name (``a.ipynb``) or stem. Else
    ``01_load-data.ipynb`` becomes ``load_data``: an ordering prefix is dropped.
    A name taken twice, or reserved, gets a number; a name the mapping gives may
    be given twice, and those notebooks share the module.
    """
    mapping = mapping or {}
    given = {p: mapped_module(p, mapping) for p in paths}
    # A name derived from a file never lands in a module the mapping names.
    taken = set(RESERVED_MODULES) | {PIPELINES} | {g for g in given.values() if g}
    out: dict[Path, str] = {}
    for path in paths:
        mapped = given[path]
        if mapped:
            out[path] = mapped
            continue
        name = normalise_name(re.sub(r"^[\d_.\-\s]+(?=[A-Za-z])", "", path.stem))
        base, n = name or "notebook", 1
        name = base
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        out[path] = name
    return out


def planning_order(sources: Sequence[Source]) -> tuple[list[Source], list[Finding]]:
    """Return the sources with each after the ones it uses, and any cycle found."""
    order: list[Source] = []
    findings: list[Finding] = []
    state: dict[Path, str] = {}

    def visit(source: Source) -> None:
        state[source.key] = "open"
        for other in used_sources(source, sources):
            if state.get(other.key) == "open":
                note = (
                    f"{source.notebook.path.name} and {other.notebook.path.name} use "
                    "each other; the package cannot import them both: move the "
                    "shared code into one"
                )
                findings.append(finding("NBP610", note))
            elif other.key not in state:
                visit(other)
        state[source.key] = "done"
        order.append(source)

    for source in sources:
        if source.key not in state:
            visit(source)
    return order, findings


def link(
    source: Source, sources: Sequence[Source], provided: Mapping[Path, Provided]
) -> tuple[CellAnalysis, ...]:
    """Return the source's analyses with ``%run`` and notebook imports made relative.

    ``provided`` holds, per notebook already planned (by path), the names it
    leaves behind.
    """
    wanted = _wanted_names(source.analyses)
    stems = _stems(sources)
    out: list[CellAnalysis] = []
    for analysis in source.analyses:
        number = analysis.cell.number
        statements: list[Statement] = []
        findings = list(analysis.findings)
        for line, target in _run_lines(analysis.cell.source):
            other = _target(source, sources, target)
            findings = [f for f in findings if (f.code, f.line) != ("NBP202", line)]
            if other is None or other is source:
                note = (
                    f"`%run {target}` left out: convert {Path(target).name} together "
                    "with this notebook to import its code"
                )
                findings.append(finding("NBP202", note, cell=number, line=line))
                continue
            gives = provided.get(other.key, Provided())
            pairs = [(n, n) for n in sorted(wanted) if n in gives]
            added = _imports(pairs, gives, cell=number, line=line)
            statements.extend(added)
            findings.append(_translated(f"%run {target}", added, number, line))
        for s in analysis.statements:
            other = _imported_source(s, stems)
            if other is None or other is source:
                statements.append(s)
                continue
            gives = provided.get(other.key, Provided())
            added, lost = _rewrite(s, other, gives, wanted)
            statements.extend(added)
            findings.append(_translated(s.code.strip(), added, number, s.line))
            for name in lost:
                note = (
                    f"`{name}` is not defined at module level in "
                    f"{other.notebook.path.name}, so the package cannot import it"
                )
                findings.append(finding("NBP611", note, cell=number, line=s.line))
        if findings != list(analysis.findings):  # something was linked
            statements.sort(key=lambda s: s.line)  # each import where its line was
        out.append(
            replace(analysis, statements=tuple(statements), findings=tuple(findings))
        )
    return tuple(out)


def provides(
    plan: Plan, analyses: Iterable[CellAnalysis], inherited: Provided
) -> Provided:
    """Return the names a planned notebook leaves behind for ``%run``.

    Its module-level definitions, its imports, and what it got from the notebooks
    it ran itself (``inherited``).
    """
    out = Provided(dict(inherited.modules), dict(inherited.imports))
    for s in (s for a in analyses for s in a.statements):
        if s.kind is Kind.IMPORT and not is_relative_import(s):
            out.imports.update(dict.fromkeys(s.defines, s))
    for module in plan.modules:
        out.modules.update({n: module.name for s in module.body for n in s.defines})
    return out


def _wanted_names(analyses: Iterable[CellAnalysis]) -> frozenset[str]:
    """Return the names a notebook reads but never binds itself."""
    statements = [s for a in analyses for s in a.statements]
    used = {n for s in statements for n in s.uses | s.eager_uses | s.mutates}
    return frozenset(used - {n for s in statements for n in s.defines})


def _imports(
    pairs: Sequence[tuple[str, str]], gives: Provided, *, cell: int, line: int
) -> list[Statement]:
    """Return the imports binding each (name, as) pair from what ``gives`` holds."""
    by_module: dict[str, list[str]] = {}
    out: list[Statement] = []
    for name, bound in pairs:
        if name in gives.modules:
            alias = f"{name} as {bound}" if bound != name else name
            by_module.setdefault(gives.modules[name], []).append(alias)
        elif name == bound and gives.imports[name] not in out:
            out.append(gives.imports[name])
    out = [replace(s, cell=cell, line=line, mutates=frozenset()) for s in out]
    for module, names in by_module.items():
        node = cst.parse_statement(f"from .{module} import {', '.join(names)}")
        bound_names = frozenset(a.split(" as ")[-1] for a in names)
        out.append(
            Statement(
                cell=cell, kind=Kind.IMPORT, node=node, defines=bound_names, line=line
            )
        )
    return out


def _rewrite(
    s: Statement, other: Source, gives: Provided, wanted: frozenset[str]
) -> tuple[list[Statement], list[str]]:
    """Return an import of another notebook made relative, and the names it lacks."""
    small = _small_import(s)
    where = {"cell": s.cell, "line": s.line}
    if isinstance(small, cst.Import):
        bound = bound_name(small.names[0])
        suffix = f" as {bound}" if bound != other.module else ""
        node = cst.parse_statement(f"from . import {other.module}{suffix}")
        return [replace(s, node=node, defines=frozenset({bound}))], []
    assert isinstance(small, cst.ImportFrom)
    if isinstance(small.names, cst.ImportStar):
        pairs = [(n, n) for n in sorted(wanted) if n in gives]
        return _imports(pairs, gives, **where), []
    pairs = [(_dotted(a.name), bound_name(a)) for a in small.names]
    lost = [name for name, _ in pairs if name not in gives]
    kept = [(name, bound) for name, bound in pairs if name in gives]
    return _imports(kept, gives, **where), lost


def _translated(
    shown: str, added: Sequence[Statement], cell: int, line: int
) -> Finding:
    result = "; ".join(s.code.strip() for s in added) or "nothing the notebook uses"
    note = f"`{shown}` becomes `{result}`" if added else f"`{shown}` imports {result}"
    return finding("NBP201", note, cell=cell, line=line, severity=Severity.INFO)


def used_sources(source: Source, sources: Sequence[Source]) -> list[Source]:
    """Return the other notebooks ``source`` runs or imports, each once."""
    used: dict[Path, Source] = {}
    stems = _stems(sources)
    for analysis in source.analyses:
        found = [
            _target(source, sources, t) for _, t in _run_lines(analysis.cell.source)
        ]
        found += [_imported_source(s, stems) for s in analysis.statements]
        used.update((o.key, o) for o in found if o is not None and o is not source)
    return list(used.values())


def notebooks_run(source: str) -> list[str]:
    """Return the notebooks a cell's source runs with ``%run`` or may import
    (``from ipynb.fs.full.prices import f``, ``import prices``), as file names
    relative to its folder."""
    found = [target for _, target in _run_lines(source)]
    for match in _IMPORT_LINE.finditer(source):
        dotted = match.group("module")
        for prefix in _HOOK_PREFIXES:
            dotted = dotted.removeprefix(prefix)
        if dotted.isidentifier():
            found.append(f"{dotted}.ipynb")
    return found


# ``from a.b import c`` or ``import a.b`` at the start of a line.
_IMPORT_LINE = re.compile(r"^\s*(?:from|import)\s+(?P<module>[\w.]+)", re.MULTILINE)


def _run_lines(source: str) -> list[tuple[int, str]]:
    """Return (line, target) for each top-level ``%run NOTEBOOK`` of a cell."""
    found: list[tuple[int, str]] = []
    for number, text in enumerate(source.splitlines(), start=1):
        match = _RUN.match(text)
        if not match:
            continue
        try:
            words = shlex.split(match.group("args"))
        except ValueError:
            continue
        files = [w for w in words if not w.startswith("-")]
        if "-m" not in words and files and files[0].endswith(".ipynb"):
            found.append((number, files[0]))
    return found


def _target(source: Source, sources: Sequence[Source], target: str) -> Source | None:
    wanted = (source.notebook.path.parent / target).resolve()
    return next((s for s in sources if s.notebook.path.resolve() == wanted), None)


def _stems(sources: Sequence[Source]) -> dict[str, Source]:
    """Return the sources by their notebook's file name stem (the first of each)."""
    return {s.notebook.path.stem: s for s in reversed(sources)}


def _imported_source(s: Statement, stems: Mapping[str, Source]) -> Source | None:
    """Return the notebook an import statement imports, if it is one of ours
    (``stems`` maps their file name stems to them)."""
    if s.kind is not Kind.IMPORT:
        return None
    small = _small_import(s)
    if isinstance(small, cst.ImportFrom):
        if small.module is None or small.relative:
            return None
        return _by_stem(_dotted(small.module), stems)
    if isinstance(small, cst.Import) and len(small.names) == 1:
        alias = small.names[0]
        if isinstance(alias.name, cst.Attribute) and alias.asname is None:
            # ``import ipynb.fs.full.other`` binds ``ipynb``: no module of ours
            # can stand in for it; the code is left as it is.
            return None
        return _by_stem(_dotted(alias.name), stems)
    return None


def _by_stem(dotted: str, stems: Mapping[str, Source]) -> Source | None:
    for prefix in _HOOK_PREFIXES:
        dotted = dotted.removeprefix(prefix)
    return stems.get(dotted)


def _small_import(s: Statement) -> cst.Import | cst.ImportFrom | None:
    node = s.node
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
        small = node.body[0]
        if isinstance(small, cst.Import | cst.ImportFrom):
            return small
    return None


def _dotted(node: cst.BaseExpression) -> str:
    return cst.Module([]).code_for_node(node)
