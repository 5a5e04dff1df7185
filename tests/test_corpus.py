"""Every notebook of ../shared/corpus converts, or is refused with a clear error."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nb2pkg import Nb2PkgError, Options, convert
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
