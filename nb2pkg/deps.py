"""Work out which distributions the generated package needs from its imports."""

from __future__ import annotations

import functools
import importlib.metadata
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import libcst as cst

from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import Statement


@functools.cache
def import_name_table() -> dict[str, str]:
    """Return the shipped import-name -> distribution table (``import_names.tsv``)."""
    text = resources.files("nb2pkg").joinpath("import_names.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, dist = line.split("\t")
            table[name.strip()] = dist.strip()
    return table


@functools.cache
def _installed() -> dict[str, list[str]]:
    return dict(importlib.metadata.packages_distributions())


def imported_modules(statement: Statement) -> tuple[str, ...]:
    """Return the absolute modules an import statement (or guarded block) imports."""
    found: list[str] = []

    class Visitor(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            for alias in node.names:
                found.append(cst.Module([]).code_for_node(alias.name))

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if not node.relative and node.module is not None:
                found.append(cst.Module([]).code_for_node(node.module))

    statement.node.visit(Visitor())
    return tuple(found)


def distribution_for(module: str) -> str | None:
    """Return the distribution that provides ``module``, or None if none is known."""
    table = import_name_table()
    parts = module.split(".")
    for i in range(len(parts), 0, -1):  # most specific first: google.protobuf
        dotted = ".".join(parts[:i])
        if dotted in table:
            return table[dotted]
    dists = _installed().get(parts[0])
    return sorted(dists)[0] if dists else None


def find_dependencies(
    imports: Iterable[Statement], *, package: str, notebook_dir: Path
) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
    """Return the sorted requirements for ``imports``, and what was noticed."""
    requirements: set[str] = set()
    findings: list[Finding] = []
    seen: set[str] = set()
    for statement in imports:
        for module in imported_modules(statement):
            root = module.split(".")[0]
            if root in seen or root == package or root in sys.stdlib_module_names:
                continue
            seen.add(root)
            if (notebook_dir / f"{root}.py").is_file() or (
                notebook_dir / root
            ).is_dir():
                note = (
                    f"`{root}` is a local module beside the notebook: copy it into the "
                    "package or publish it"
                )
                findings.append(finding("NBP401", note, cell=statement.cell))
                continue
            dist = distribution_for(module)
            if dist is None:
                dist = root.replace("_", "-")
                note = f"no installed distribution provides `{root}`; assumed `{dist}`"
                findings.append(
                    finding("NBP402", note, cell=statement.cell, severity=Severity.INFO)
                )
            requirements.add(dist)
    return tuple(sorted(requirements, key=str.lower)), tuple(findings)
