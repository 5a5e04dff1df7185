"""The library versions a notebook recorded: lower bounds for its dependencies.

A notebook that shows ``pd.__version__`` (or prints it) ran with that pandas;
one that ran ``!pip freeze`` or ``!pip list`` recorded every version it had.
What it ran with is the least the package is known to work with.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import libcst as cst
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from nb2pkg.model import CellAnalysis, Kind, Statement
from nb2pkg.outputs import run_text

# A version as libraries print it: 2.1.4, 1.26.0rc1, 0.24.2+cu118.
_VERSION = re.compile(r"(?<![\w.])\d+(?:\.\d+)+(?:[a-z]+\d*)?(?:\+[\w.]+)?(?![\w.])")
# ``pandas==2.1.4`` (pip freeze) or ``pandas   2.1.4`` (pip list).
_LISTED = re.compile(r"^([A-Za-z0-9][\w.-]*)(?:==|\s+)(\d[\w.+!-]*)\s*$")


def recorded_versions(
    analyses: Sequence[CellAnalysis], distribution_for: Callable[[str], str | None]
) -> dict[str, str]:
    """Return canonical distribution name -> the version the notebook recorded.

    ``distribution_for`` maps a module to the distribution that provides it.
    """
    aliases = _module_aliases(s for a in analyses for s in a.statements)
    found: dict[str, str] = {}
    for analysis in analyses:
        text = run_text(analysis.cell.outputs)
        if not text:
            continue
        if re.search(r"\bpip3?\s+(freeze|list)\b", analysis.cell.source):
            for line in text.splitlines():
                match = _LISTED.match(line.strip())
                if match and _valid(match.group(2)):
                    found[canonicalize_name(match.group(1))] = match.group(2)
            continue
        modules = [aliases.get(n, n) for n in _version_reads(analysis)]
        versions = _VERSION.findall(text)
        if modules and len(modules) == len(versions):
            for module, version in zip(modules, versions, strict=True):
                dist = distribution_for(module)
                if dist and _valid(version):
                    found[canonicalize_name(dist)] = version
    return found


def _valid(version: str) -> bool:
    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


def _version_reads(analysis: CellAnalysis) -> list[str]:
    """Return the names whose ``__version__`` the cell reads, in order."""
    if "__version__" not in analysis.cell.source:
        return []
    names: list[str] = []
    for statement in analysis.statements:
        for node in _attributes(statement.node):
            if node.attr.value == "__version__":
                names.append(cst.Module([]).code_for_node(node.value))
    return names


def _attributes(node: cst.CSTNode) -> list[cst.Attribute]:
    found: list[cst.Attribute] = []

    class Visitor(cst.CSTVisitor):
        def visit_Attribute(self, attribute: cst.Attribute) -> None:
            found.append(attribute)

    node.visit(Visitor())
    return found


def _module_aliases(statements: Iterable[Statement]) -> dict[str, str]:
    """Return the name each plain import binds -> its module (``pd`` -> pandas)."""
    aliases: dict[str, str] = {}
    for s in statements:
        node = s.node
        if s.kind is not Kind.IMPORT or not isinstance(node, cst.SimpleStatementLine):
            continue
        for small in node.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    module = cst.Module([]).code_for_node(alias.name)
                    if alias.asname is not None:
                        bound = cst.Module([]).code_for_node(alias.asname.name)
                        aliases[bound] = module
                    else:
                        aliases[module] = module
    return aliases
