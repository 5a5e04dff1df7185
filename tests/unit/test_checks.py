"""`nb2pkg check`: one small notebook per finding code, filters, noqa, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg import Options, check
from nb2pkg.cli import app
from tests.conftest import MakeNotebook, cell

runner = CliRunner()


def codes(path: Path, **options: object) -> list[str]:
    return [f.code for f in check(path, options=Options(**options)).findings]  # type: ignore[arg-type]


def test_clean_notebook_has_no_findings(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("x = 1", count=1), cell("print(x)", count=2))
    assert codes(nb) == []


def test_nbp101_name_used_before_the_cell_that_defines_it(
    make_nb: MakeNotebook,
) -> None:
    nb = make_nb(cell("print(total)", count=2), cell("total = 3", count=1))
    result = check(nb)
    (used,) = [f for f in result.findings if f.code == "NBP101"]
    assert (used.cell, used.line) == (1, 1)
    assert "first defined in cell 2" in used.message


def test_nbp101_ignores_function_bodies(make_nb: MakeNotebook) -> None:
    nb = make_nb(
        cell("def f():\n    return later", count=1), cell("later = 1", count=2)
    )
    assert "NBP101" not in codes(nb)


def test_nbp102_name_never_defined(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("print(undefined_thing)", count=1))
    assert codes(nb) == ["NBP102"]
    # Text that merely mentions a star import is not one.
    mention = make_nb(cell("print('import *', undefined_thing)", count=1), name="m")
    assert codes(mention) == ["NBP102"]
    star = make_nb(cell("from math import *\nprint(sqrt(2))", count=1), name="s")
    assert "NBP102" not in codes(star)


def test_nbp103_out_of_order_execution(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("a = 1", count=5), cell("b = 2", count=3))
    (f,) = check(nb).findings
    assert (f.code, f.cell) == ("NBP103", 2)


def test_nbp104_and_nbp105_unexecuted_cells(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("a = 1"), cell("b = 2", count=1), cell("c = 3", result="3"))
    found = codes(nb)
    assert "NBP105" in found and "NBP104" in found


def test_nbp106_stale_output_from_a_later_redefinition(make_nb: MakeNotebook) -> None:
    nb = make_nb(
        cell("rate = 0.1", count=1),
        cell("rate * 100", count=4, result="50.0"),  # ran after cell 3
        cell("rate = 0.5", count=3),
    )
    (stale,) = [f for f in check(nb).findings if f.code == "NBP106"]
    assert stale.cell == 2 and "redefined in cell 3" in stale.message


def test_nbp106_not_when_the_cell_defines_the_name_itself(
    make_nb: MakeNotebook,
) -> None:
    nb = make_nb(
        cell("rate = 0.1\nrate * 100", count=4, result="10.0"),
        cell("rate = 0.5", count=3),
    )
    assert "NBP106" not in codes(nb)


def test_nbp107_outputs_are_info_or_an_error(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("print(1)", count=1, stdout="1\n"))
    assert check(nb).failed() is False
    assert codes(nb) == ["NBP107"]
    assert check(nb, options=Options(no_outputs=True)).failed() is True


def test_nbp108_large_output(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("print('x' * 500)", count=1, stdout="x" * 500))
    assert "NBP108" in codes(nb, max_output_bytes=100)


@pytest.mark.parametrize(
    "secret",
    [
        "AKIAABCDEFGHIJKLMNOP",
        "hf_" + "a" * 34,
        "ghp_" + "b" * 36,
        "-----BEGIN RSA PRIVATE KEY-----",
    ],
)
def test_nbp109_secret_in_an_output(make_nb: MakeNotebook, secret: str) -> None:
    nb = make_nb(cell("print(token)", count=1, stdout=f"token: {secret}\n"))
    assert "NBP109" in codes(nb)


def test_nbp111_unseeded_randomness(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("import numpy as np\nx = np.random.rand(3)", count=1))
    (f,) = [f for f in check(nb).findings if f.code == "NBP111"]
    assert (f.cell, f.line) == (1, 2)
    seeded = make_nb(
        cell("import numpy as np\nnp.random.seed(0)\nx = np.random.rand(3)", count=1),
        name="s",
    )
    assert "NBP111" not in codes(seeded)


@pytest.mark.parametrize(
    "source",
    ["rng = np.random.RandomState(42)\nrng.rand(2)", "rng = np.random.default_rng(0)"],
)
def test_nbp111_not_for_seeded_generators(make_nb: MakeNotebook, source: str) -> None:
    nb = make_nb(cell("import numpy as np\n" + source, count=1))
    assert "NBP111" not in codes(nb)


def test_nbp111_not_for_random_calls_inside_functions(make_nb: MakeNotebook) -> None:
    nb = make_nb(
        cell("import numpy as np\ndef f():\n    return np.random.rand(2)", count=1)
    )
    assert "NBP111" not in codes(nb)


def test_nbp111_line_skips_comments_above(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("import numpy as np\n# draw\n\nx = np.random.rand(2)", count=1))
    (f,) = [f for f in check(nb).findings if f.code == "NBP111"]
    assert f.line == 4


def test_nbp102_names_the_unparsable_cell_that_defines_it(
    make_nb: MakeNotebook,
) -> None:
    nb = make_nb(
        cell("classes = [1, 2]\nprint classes", count=1), cell("len(classes)", count=2)
    )
    (f,) = [f for f in check(nb).findings if f.code == "NBP102"]
    assert "appears only in cell 1, which cannot be parsed" in f.message


def test_magics_that_do_not_port_are_reported(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("%run other.py", count=1), cell("%matplotlib inline", count=2))
    assert codes(nb) == ["NBP202"]  # %run is lost; %matplotlib is harmless


def test_select_ignore_and_noqa(make_nb: MakeNotebook) -> None:
    nb = make_nb(
        cell("print(a)", count=1),
        cell("import numpy as np\nnp.random.rand(2)", count=2),
    )
    assert codes(nb) == ["NBP102", "NBP111"]
    assert codes(nb, select=frozenset({"NBP11"})) == ["NBP111"]
    assert codes(nb, ignore=frozenset({"NBP102"})) == ["NBP111"]
    silenced = make_nb(cell("print(a)  # nb2pkg: noqa: NBP102", count=1), name="q")
    assert codes(silenced) == []
    other_code = make_nb(cell("print(a)  # nb2pkg: noqa: NBP101", count=1), name="r")
    assert codes(other_code) == ["NBP102"]


def test_cli_exit_codes_and_json(make_nb: MakeNotebook, tmp_path: Path) -> None:
    clean = make_nb(cell("x = 1", count=1), name="clean")
    dirty = make_nb(cell("print(y)", count=1), name="dirty")
    assert runner.invoke(app, ["check", str(clean)]).exit_code == 0
    result = runner.invoke(app, ["check", str(dirty)])
    assert result.exit_code == 1
    assert "dirty.ipynb: cell 1, line 1: NBP102 [warning]" in result.output
    as_json = runner.invoke(app, ["check", str(dirty), "--format", "json"])
    data = json.loads(as_json.stdout)
    assert data["counts"] == {"NBP102": 1}
    assert data["notebooks"][0]["findings"][0]["cell"] == 1
    bad = tmp_path / "bad.ipynb"
    bad.write_text("nope")
    assert runner.invoke(app, ["check", str(clean), str(bad)]).exit_code == 2


def test_convert_reports_hidden_state_and_strict_refuses(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb(cell("print(total)", count=2), cell("total = 3", count=1))
    ok = runner.invoke(app, ["convert", str(nb), "-o", str(tmp_path / "a")])
    assert ok.exit_code == 0
    assert "NBP101" in ok.output
    strict = runner.invoke(
        app, ["convert", str(nb), "-o", str(tmp_path / "b"), "--strict"]
    )
    assert strict.exit_code == 2
    assert "--strict" in strict.output and "NBP101" in strict.output
    assert not (tmp_path / "b").exists()
