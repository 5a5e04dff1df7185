"""Every notebook of ../shared/corpus converts, or is refused with a clear error."""

from __future__ import annotations

import ast
import itertools
import json
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from nb2pkg import Nb2PkgError, Options, check, convert
from nb2pkg.errors import CODES
from nb2pkg.plan.deps import distribution_for, runtime_only
from tests.conftest import CORPUS

NOTEBOOKS = sorted(CORPUS.glob("*.ipynb")) if CORPUS.is_dir() else []

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not NOTEBOOKS, reason="../shared/corpus is not present"),
]


def kernel_language(path: Path) -> str:
    """Return the language the notebook's metadata names ("python" if none)."""
    meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    spec = meta.get("kernelspec") or {}
    info = meta.get("language_info") or {}
    return str(spec.get("language") or info.get("name") or "python").lower()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem[:60] for p in NOTEBOOKS])
def test_converts_python_and_refuses_other_languages(
    path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    if not kernel_language(path).startswith("python"):
        with pytest.raises(Nb2PkgError, match="converts Python notebooks only") as exc:
            convert(path, options=Options(output=out, name="converted"))
        assert "\n" not in str(exc.value)
        assert not out.exists()
        return
    result = convert(path, options=Options(output=out, name="converted"))
    for file in out.rglob("*.py"):
        ast.parse(file.read_text(encoding="utf-8"))
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {str(f.path) for f in result.files} == written
    assert (out / "src" / "converted" / "__init__.py").is_file()
    assert all(f.code in CODES for f in result.findings)


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


# The corpus notebooks written for nbdev (MANIFEST: "nbdev export comments").
NBDEV = [
    p
    for p in NOTEBOOKS
    if p.name
    in (
        "fastai__fastcore__nbs__06_logargs.ipynb",
        "fastai__fastcore__nbs__04_dispatch.ipynb",
        "fastai__nbdev__nbs__api__01_config.ipynb",
    )
]
_EXPORT = re.compile(r"^\s*#\s*\|?\s*export[si]?\s*$")
_DEFAULT_EXP = re.compile(r"^\s*#\s*\|?\s*default_exp\s+([\w.]+)\s*$")


def nbdev_would_export(path: Path) -> tuple[str, dict[str, str]]:
    """Return nbdev's module name and {name: AST dump} of the definitions it exports.

    Read straight from the JSON, as nbdev does: a code cell is exported when a line
    of its leading comments is an export directive (``#| export``, ``# export``).
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    module, definitions = "", {}
    for raw in notebook["cells"]:
        if raw["cell_type"] != "code":
            continue
        source = "".join(raw["source"])
        lines = source.splitlines()
        leading = list(
            itertools.takewhile(lambda ln: ln.strip().startswith("#"), lines)
        )
        for line in leading:
            if match := _DEFAULT_EXP.match(line):
                module = match.group(1)
        if any(_EXPORT.match(line) for line in leading):
            for node in ast.parse(source).body:
                if isinstance(
                    node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                ):
                    definitions[node.name] = ast.dump(node)
    return module, definitions


@pytest.mark.parametrize("path", NBDEV, ids=[p.stem[:60] for p in NBDEV])
def test_nbdev_notebook_converts_to_the_module_nbdev_would_write(
    path: Path, tmp_path: Path
) -> None:
    module, expected = nbdev_would_export(path)
    assert module and expected, "the notebook is not an nbdev notebook"
    result = convert(path, options=Options(output=tmp_path / "pkg", name="converted"))
    assert [m.name for m in result.plan.modules] == [module]
    assert result.plan.pipeline is None  # nbdev exports no loose cell
    text = (
        (tmp_path / "pkg" / "src" / "converted" / module.replace(".", "/"))
        .with_suffix(".py")
        .read_text(encoding="utf-8")
    )
    got = {
        node.name: ast.dump(node)
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    # nbdev keeps every exported definition; a name defined twice keeps the last.
    assert got == expected
