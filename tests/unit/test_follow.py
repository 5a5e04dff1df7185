"""A notebook converted alone brings the notebooks it runs with %run (#21)."""

from __future__ import annotations

import json
from pathlib import Path

from nbformat.v4 import new_code_cell, new_notebook

from nb2pkg.analyse.batch import followed_runs
from nb2pkg.api import convert
from nb2pkg.options import Options
from nb2pkg.read.notebook import read_notebook
from tests.conftest import MakeNotebook


def test_run_and_notebook_imports_are_followed_inside_the_folder(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    make_nb("RATE = 2", name="prices")
    make_nb(
        "from ipynb.fs.full.prices import RATE\ndef total(n):\n    return n * RATE",
        name="cart",
    )
    main = make_nb("%run cart.ipynb", "print(total(3))", name="report")
    outside = tmp_path.parent / "elsewhere.ipynb"
    outside.write_text(json.dumps(new_notebook(cells=[new_code_cell("X = 1")])))
    make_nb(
        f"%run ../{outside.name}\n%run missing.ipynb\n%run report.ipynb", name="loop"
    )

    assert [p.name for p in followed_runs(read_notebook(main))] == [
        "cart.ipynb",
        "prices.ipynb",
    ]
    # Outside the folder, missing, or already there: not followed.
    assert followed_runs(read_notebook(tmp_path / "loop.ipynb")) == [
        tmp_path / "report.ipynb",
        tmp_path / "cart.ipynb",
        tmp_path / "prices.ipynb",
    ]


def test_a_notebook_converted_alone_runs_as_its_kernel_did(
    make_nb: MakeNotebook,
) -> None:
    make_nb("RATE = 2", name="prices")
    make_nb("%run prices.ipynb\ndef total(n):\n    return n * RATE", name="cart")
    main = make_nb("%run cart.ipynb", "print(total(3))", name="report")

    result = convert(main, options=Options(dry_run=True))
    codes = [f.code for f in result.findings]
    assert codes.count("NBP612") == 2 and "NBP305" not in codes
    assert result.plan.package == "report"  # named after the notebook given
    assert "prices.ipynb" in result.plan.notebooks
