"""[tool.nb2pkg] in the nearest pyproject.toml, and the command line over it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg.cli import app
from nb2pkg.errors import InputError
from nb2pkg.options import Options
from nb2pkg.read.config import find_config, with_config
from tests.conftest import MakeNotebook

runner = CliRunner()


def write_config(folder: Path, text: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_nearest_pyproject_is_used(tmp_path: Path) -> None:
    write_config(tmp_path, '[tool.nb2pkg]\nname = "outer"\n')
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    assert find_config(inner)[1] == {"name": "outer"}
    write_config(tmp_path / "a", "[project]\nname = 'x'\n")
    assert find_config(inner) == (tmp_path / "a" / "pyproject.toml", {})


def test_a_template_dir_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    write_config(tmp_path, '[tool.nb2pkg]\ntemplate-dir = "tlp"\n')
    with pytest.raises(InputError, match="template folder .*tlp does not exist"):
        with_config(Options(), tmp_path / "n.ipynb")
    with pytest.raises(InputError, match="does not exist"):
        with_config(Options(template_dir=tmp_path / "nowhere"), tmp_path / "n.ipynb")


def test_config_fills_what_the_caller_did_not_give(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        '[tool.nb2pkg]\nname = "cfg"\nmode = "tagged"\nlayout = "flat"\n'
        'template-dir = "tpl"\ntests = false\npin = true\n',
    )
    (tmp_path / "tpl").mkdir()
    nb = tmp_path / "n.ipynb"
    options = with_config(Options(), nb)
    assert (options.name, options.mode, options.layout) == ("cfg", "tagged", "flat")
    assert options.template_dir == tmp_path / "tpl"
    assert (options.tests, options.pin) == (False, True)
    given = with_config(Options(name="cli"), nb, given=frozenset({"name"}))
    assert given.name == "cli"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.nb2pkg]\nnmae = "x"\n', "unknown key 'nmae'"),
        ("[tool.nb2pkg]\ntests = 'no'\n", "tests must be a bool"),
        ('[tool.nb2pkg]\nmode = "nbdev"\n', "mode must be one of auto, tagged"),
        ('[tool.nb2pkg]\nlayout = "deep"\n', "layout must be one of src, flat"),
        ("[tool.nb2pkg\n", "cannot read its settings"),
        ('[tool.nb2pkg.modules]\n"a.ipynb" = "2fast"\n', "is not a module name"),
        ('[tool.nb2pkg.modules]\n"a.ipynb" = "pipeline"\n', "is not a module name"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    write_config(tmp_path, text)
    with pytest.raises(InputError, match=message):
        with_config(Options(), tmp_path / "n.ipynb")


def test_cli_options_override_the_config(make_nb: MakeNotebook, tmp_path: Path) -> None:
    nb = make_nb("def f():\n    return 1")
    write_config(tmp_path, '[tool.nb2pkg]\nname = "from_config"\nlayout = "flat"\n')
    result = runner.invoke(app, ["convert", str(nb), "--dry-run", "-q"])
    assert result.exit_code == 0, result.output
    assert "from_config/core.py" in result.output.replace("\\", "/")
    result = runner.invoke(
        app, ["convert", str(nb), "--dry-run", "-q", "--name", "cli", "--layout", "src"]
    )
    assert result.exit_code == 0, result.output
    assert "src/cli/core.py" in result.output.replace("\\", "/")


def test_bad_config_exits_2_with_one_line(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("x = 1")
    write_config(tmp_path, '[tool.nb2pkg]\nmode = "all"\n')
    result = runner.invoke(app, ["convert", str(nb), "--dry-run"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "mode must be one of" in result.output


def test_template_dir_from_config_overrides_a_template(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("def f():\n    return 1")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "README.md.j2").write_text("# {{ plan.title }} (team style)\n")
    write_config(tmp_path, '[tool.nb2pkg]\ntemplate-dir = "team"\n')
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(nb), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "README.md").read_text() == "# experiment (team style)\n"


def test_the_module_mapping_names_each_notebooks_module(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    write_config(
        tmp_path,
        '[tool.nb2pkg]\nname = "proj"\n'
        '[tool.nb2pkg.modules]\n"a.ipynb" = "data.load"\nb = "model"\n',
    )
    a = make_nb("def load():\n    return 1", name="a")
    b = make_nb("%run a.ipynb", "def fit():\n    return load()", name="b")
    out = tmp_path / "out"
    result = runner.invoke(app, ["convert", str(a), str(b), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "src/proj/data/load.py").exists()
    assert "from .data.load import load" in (out / "src/proj/model.py").read_text()
    alone = tmp_path / "alone"
    result = runner.invoke(app, ["convert", str(a), "-o", str(alone), "-q"])
    assert result.exit_code == 0, result.output
    assert (alone / "src/proj/data/load.py").exists()
