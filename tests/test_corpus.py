"""Every notebook of ../shared/corpus converts, or is refused with a clear error."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from nb2pkg import Nb2PkgError, Options, check, convert
from nb2pkg.deps import distribution_for, runtime_only
from tests.conftest import CORPUS

NOTEBOOKS = sorted(CORPUS.glob("*.ipynb")) if CORPUS.is_dir() else []

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not NOTEBOOKS, reason="../shared/corpus is not present"),
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem[:60] for p in NOTEBOOKS])
def test_converts_or_refuses_clearly(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    try:
        result = convert(path, options=Options(output=out, name="converted"))
    except Nb2PkgError as exc:
        assert "\n" not in str(exc)
        return
    for file in out.rglob("*.py"):
        ast.parse(file.read_text(encoding="utf-8"))
    package = out / "src" / "converted"
    assert (package / "__init__.py").is_file()
    assert result.findings is not None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem[:60] for p in NOTEBOOKS])
def test_every_third_party_import_is_declared(path: Path, tmp_path: Path) -> None:
    """Each import of the generated code, at any depth, maps to a requirement."""
    try:
        result = convert(
            path, options=Options(output=tmp_path / "pkg", name="converted")
        )
    except Nb2PkgError:
        return
    declared = {
        canonicalize_name(Requirement(r).name)
        for r in [
            *result.plan.dependencies,
            *(r for _, rs in result.plan.extras for r in rs),
        ]
    }
    local = {f.message.split("`")[1] for f in result.findings if f.code == "NBP401"}
    for file in (tmp_path / "pkg" / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [f"{node.module}.{a.name}" for a in node.names]
            for module in modules:
                root = module.split(".")[0]
                if (
                    root in sys.stdlib_module_names
                    or root in local
                    or root == "converted"
                    or runtime_only(module)
                ):
                    continue
                parts = module.split(".")
                candidates = {
                    d
                    for i in range(len(parts), 0, -1)
                    if (d := distribution_for(".".join(parts[:i]))) is not None
                } or {root.replace("_", "-")}
                assert {canonicalize_name(d) for d in candidates} & declared, module


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem[:60] for p in NOTEBOOKS])
def test_check_never_crashes(path: Path) -> None:
    try:
        result = check(path)
    except Nb2PkgError as exc:
        assert "\n" not in str(exc)
        return
    assert all(f.code.startswith("NBP") for f in result.findings)
