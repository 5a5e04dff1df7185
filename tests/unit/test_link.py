"""Several notebooks into one package: a module each, their links made imports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg.analyse.links import module_names
from nb2pkg.api import convert
from nb2pkg.cli import app
from nb2pkg.errors import InputError
from nb2pkg.model import Plan
from nb2pkg.options import Options
from nb2pkg.read.search import notebook_paths
from tests.conftest import MakeNotebook, cell, markdown, run_package_tests
from tests.terminal import run_in_terminal


def package(
    paths: list[Path], **options: object
) -> tuple[Plan, dict[str, str], list[str]]:
    """Convert without writing; return the plan, the files and the findings' text."""
    result = convert(paths, options=Options(dry_run=True, **options))  # type: ignore[arg-type]
    files = {str(f.path): f.text for f in result.files}
    shown = [f"{f.location()}: {f.message} ({f.code})" for f in result.findings]
    return result.plan, files, shown


def helpers_notebook(make_nb: MakeNotebook) -> Path:
    return make_nb(
        "def double(x):\n    return 2 * x",
        "def half(x):\n    return x / 2",
        name="helpers",
    )


def test_module_names_drop_ordering_prefixes_and_never_collide() -> None:
    paths = [
        Path("01_load-data.ipynb"),
        Path("02 Train.ipynb"),
        Path("x/01_load_data.ipynb"),
        Path("pipeline.ipynb"),
        Path("2024.ipynb"),
    ]
    assert list(module_names(paths).values()) == [
        "load_data",
        "train",
        "load_data_2",
        "pipeline_2",
        "nb_2024",
    ]


def test_each_notebook_becomes_a_module_and_run_calls_every_pipeline(
    make_nb: MakeNotebook,
) -> None:
    load = make_nb(
        "def load():\n    return [1, 2, 3]", "rows = load()\nprint(rows)", name="load"
    )
    train = make_nb(
        "def train(rows):\n    return sum(rows)",
        "print(train([4]))",
        name="train",
    )
    plan, files, _ = package([load, train], name="proj")
    assert [m.name for m in plan.modules] == ["load", "train"]
    assert [p.module for p in plan.pipelines] == ["pipelines.load", "pipelines.train"]
    main = files["src/proj/__main__.py"]
    assert "from proj.pipelines import load" in main
    assert main.index("load.run()") < main.index("train.run()")
    assert "src/proj/pipelines/__init__.py" in files
    assert "from ..load import load" in files["src/proj/pipelines/load.py"]
    assert "tests/test_pipelines_train.py" in files
    assert "from proj.load import load" not in files["src/proj/train.py"]


def test_percent_run_imports_exactly_the_names_used_relative_to_the_package(
    make_nb: MakeNotebook,
) -> None:
    utils = make_nb(
        "import math\nimport json",
        "def area(r):\n    return math.pi * r ** 2",
        "SCALE = 3\nUNUSED = 4",
        "print(area(1))",
        name="utils",
    )
    report = make_nb(
        "%run ./utils.ipynb",
        "def report(r):\n    return round(area(r) * SCALE + math.e, 1)",
        name="report",
    )
    plan, files, shown = package([utils, report], name="proj")
    code = files["src/proj/report.py"]
    assert "import math\n" in code
    assert "from .utils import SCALE, area" in code
    assert "UNUSED" not in code and "json" not in code
    assert any(
        line.startswith("report.ipynb: cell 1, line 1: `%run ./utils.ipynb` becomes")
        for line in shown
    )
    assert not [line for line in shown if "NBP202" in line or "NBP305" in line]


def test_notebook_imports_become_relative_imports(make_nb: MakeNotebook) -> None:
    helpers = helpers_notebook(make_nb)
    user = make_nb(
        "from ipynb.fs.full.helpers import double\nimport helpers as h",
        "def quad(x):\n    return double(double(x))",
        "def eighth(x):\n    return h.half(h.half(h.half(x)))",
        name="user",
    )
    _, files, _ = package([helpers, user], name="proj")
    code = files["src/proj/user.py"]
    assert "from . import helpers as h" in code
    assert "from .helpers import double" in code
    assert "ipynb" not in code


def test_star_import_of_a_notebook_names_what_is_used(make_nb: MakeNotebook) -> None:
    helpers = helpers_notebook(make_nb)
    user = make_nb(
        "from helpers import *",
        "def quad(x):\n    return double(double(x))",
        name="user",
    )
    _, files, shown = package([helpers, user], name="proj")
    assert "from .helpers import double\n" in files["src/proj/user.py"]
    assert not [line for line in shown if "NBP307" in line]


def test_a_name_made_by_another_notebooks_loose_code_is_reported(
    make_nb: MakeNotebook,
) -> None:
    data = make_nb("rows = [1, 2]\nprint(rows)", name="data")
    user = make_nb(
        "from data import rows",
        "%run data.ipynb",
        "print(len(rows))",
        name="user",
    )
    plan, files, shown = package([data, user], name="proj")
    assert any("NBP611" in line and "`rows`" in line for line in shown)
    # What no module defines, run() asks for, as for any name no cell defines.
    user_pipeline = next(p for p in plan.pipelines if p.module == "pipelines.user")
    assert user_pipeline.required == ("rows",)
    compile(files["src/proj/pipelines/user.py"], "user.py", "exec")


def test_notebooks_that_use_each_other_are_reported(make_nb: MakeNotebook) -> None:
    a = make_nb("%run b.ipynb", "def f():\n    return g()", name="a")
    b = make_nb("%run a.ipynb", "def g():\n    return 1", name="b")
    _, _, shown = package([a, b], name="proj")
    assert any("NBP610" in line and "use each other" in line for line in shown)


def test_one_public_name_in_two_notebooks_is_reported_with_both_modules(
    make_nb: MakeNotebook,
) -> None:
    a = make_nb("def load():\n    return 1", name="a")
    b = make_nb("def load():\n    return 2", name="b")
    plan, files, shown = package([a, b], name="proj")
    assert any(
        line.startswith("b.ipynb: ") and "module a and in module b" in line
        for line in shown
    )
    assert files["src/proj/__init__.py"].count('"load"') == 1


def test_tests_from_two_notebooks_for_one_function_get_distinct_names(
    make_nb: MakeNotebook,
) -> None:
    a = make_nb(
        "def add(x, y):\n    return x + y", cell("add(1, 2)", result="3"), name="a"
    )
    b = make_nb("%run a.ipynb", cell("add(2, 2)", result="4"), name="b")
    plan, files, _ = package([a, b], name="proj")
    assert sorted(t.name for t in plan.tests if t.module == "a") == [
        "test_add_1",
        "test_add_2",
    ]
    text = files["tests/test_a.py"]
    assert "Cell 2 of a.ipynb" in text and "Cell 2 of b.ipynb" in text


def test_a_lone_notebooks_percent_run_says_how_to_convert_both(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb("%run setup.ipynb", "x = 1")
    result = convert(path, options=Options(dry_run=True))
    notes = [f.message for f in result.findings if f.code == "NBP202"]
    assert notes == [
        "`%run setup.ipynb` left out: convert setup.ipynb together with this "
        "notebook to import its code"
    ]


def test_a_folder_named_notebooks_names_the_package_after_its_project(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    folder = tmp_path / "My Project" / "notebooks"
    folder.mkdir(parents=True)
    for name in ("a", "b"):
        make_nb(f"def {name}():\n    return 1", name=name).rename(
            folder / f"{name}.ipynb"
        )
    plan, _, _ = package([folder])
    assert plan.package == "my_project"
    assert plan.notebooks == ("a.ipynb", "b.ipynb")


def test_notebook_paths_search_folders_and_skip_checkpoints(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".ipynb_checkpoints").mkdir()
    for name in ("b.ipynb", "a.ipynb", "sub/c.ipynb", ".ipynb_checkpoints/a.ipynb"):
        (tmp_path / name).write_text("{}")
    found = notebook_paths([tmp_path, tmp_path / "a.ipynb"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.ipynb",
        "b.ipynb",
        "sub/c.ipynb",
    ]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no notebook"):
        notebook_paths([tmp_path / "empty"])


def test_cli_converts_several_notebooks_into_one_package(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    a = make_nb(
        markdown("# Helpers"), "def double(x):\n    return 2 * x", name="helpers"
    )
    b = make_nb("%run helpers.ipynb", cell("double(21)", result="42"), name="use")
    out = tmp_path / "pkg"
    result = CliRunner().invoke(
        app, ["convert", str(a), str(b), "-o", str(out), "--name", "mypkg"]
    )
    assert result.exit_code == 0, result.output
    proc = run_package_tests(out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "assert double(21) == 42" in (out / "tests/test_helpers.py").read_text()
    # The helpers' test, and each pipeline's (use's shows double(21) in run()).
    assert "3 passed" in proc.stdout and "skipped" not in proc.stdout


def test_two_notebooks_mapped_to_one_module_share_it(make_nb: MakeNotebook) -> None:
    a = make_nb("def load():\n    return 1", "print(load())", name="a")
    b = make_nb("def fit():\n    return 2", "print(fit())", name="b")
    mapping = (("a.ipynb", "core"), ("b", "core"))
    plan, files, _ = package([a, b], name="proj", modules=mapping)
    assert [m.name for m in plan.modules] == ["core"]
    core = files["src/proj/core.py"]
    assert "def load" in core and "def fit" in core
    # Their loose code stays apart: a run() module per notebook.
    assert [p.module for p in plan.pipelines] == ["pipelines.a", "pipelines.b"]


def test_a_dotted_notebook_import_without_alias_is_left_as_it_is(
    make_nb: MakeNotebook,
) -> None:
    helpers = helpers_notebook(make_nb)
    user = make_nb(
        "import ipynb.fs.full.helpers\nimport ipynb.fs.full.helpers as h",
        "def q(x):\n    return ipynb.fs.full.helpers.double(h.half(x))",
        name="user",
    )
    _, files, _ = package([helpers, user], name="proj")
    code = files["src/proj/user.py"]
    assert "import ipynb.fs.full.helpers\n" in code
    assert "from . import helpers as h" in code


def test_progress_is_told_each_notebook_then_each_stage(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    a = make_nb("def double(x):\n    return 2 * x", name="a")
    b = make_nb("def half(x):\n    return x / 2", name="b")
    told: list[tuple[str, int, int]] = []
    options = Options(output=tmp_path / "pkg", name="p", dry_run=True)
    convert([a, b], options=options, progress=lambda *s: told.append(s))
    assert told == [
        ("analysing", 1, 2),
        ("analysing", 2, 2),
        ("planning", 2, 2),
        ("formatting", 2, 2),
    ]


@pytest.mark.parametrize(
    ("terminal", "several"), [(True, True), (False, True), (True, False)]
)
def test_progress_shows_on_a_terminal_only(
    make_nb: MakeNotebook, tmp_path: Path, terminal: bool, several: bool
) -> None:
    a = make_nb("def double(x):\n    return 2 * x", name="a")
    b = make_nb("def half(x):\n    return x / 2", name="b")
    inputs = [str(a), str(b)] if several else [str(a)]
    args = ["convert", *inputs, "--dry-run", "--no-cache"]
    if terminal:
        ran = run_in_terminal(*args, cwd=tmp_path)
        code, stderr = ran.code, ran.stderr
    else:
        proc = subprocess.run(
            [sys.executable, "-m", "nb2pkg", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        code, stderr = proc.returncode, proc.stderr
    assert code == 0, stderr
    # Several notebooks: a bar over them; one: the stage it is in.
    assert (re.search(r"\d+/\d+ notebooks", stderr) is not None) is (
        terminal and several
    )
    assert ("formatting..." in stderr) is (terminal and not several)
