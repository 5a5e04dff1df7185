"""Rendering: templates, black, the equivalence guard, template overrides."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path, PurePosixPath

import pytest

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.cache import Memo
from nb2pkg.errors import EquivalenceError, TemplateError
from nb2pkg.model import Cell, Notebook, Plan, RenderedFile, TestKind
from nb2pkg.options import Generation, Options
from nb2pkg.plan.files import plan_files
from nb2pkg.plan.merge import plan_notebooks
from nb2pkg.render.files import render_plan
from nb2pkg.render.safety import check_files
from nb2pkg.render.templates import builtin_templates, toml_string


def plan_of(*sources: str) -> Plan:
    notebook = Notebook(
        path=Path("demo.ipynb"),
        cells=tuple(
            Cell(index=i, kind="code", source=s) for i, s in enumerate(sources)
        ),
    )
    plan, _ = plan_notebooks(
        [notebook], [analyse_notebook(notebook)], generation=Generation()
    )
    return plan


def files_of(plan: Plan, **options: object) -> dict[str, str]:
    chosen = Options(**options)  # type: ignore[arg-type]
    files = plan_files(plan, layout=chosen.layout, tests=chosen.tests)
    files = render_plan(replace(plan, files=files), generation=chosen.generation).files
    return {str(f.path): f.text for f in files}


def test_package_layout() -> None:
    files = files_of(
        plan_of("import math", "def f(x):\n    return math.sqrt(x)", "print(f(4))")
    )
    assert sorted(files) == [
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "src/demo/__init__.py",
        "src/demo/__main__.py",
        "src/demo/core.py",
        "src/demo/pipeline.py",
        "src/demo/py.typed",
        "tests/test_core.py",
        "tests/test_pipeline.py",
    ]
    assert files["src/demo/py.typed"] == ""  # PEP 561: typed, no stubs
    assert '__all__ = ["f"]' in files["src/demo/__init__.py"]
    assert "def run() -> None:" in files["src/demo/pipeline.py"]


def test_init_imports_and_all_are_sorted_as_isort_and_ruff_sort_them() -> None:
    plan = plan_of(
        "def zeta():\n    return 1",
        "class Alpha:\n    pass",
        "class XY:\n    pass",
        "def beta():\n    return 2",
    )
    init = files_of(plan)["src/demo/__init__.py"]
    # UPPER_CASE names first, then CamelCase, then the rest (I001, RUF022).
    assert "from .core import XY, Alpha, beta, zeta\n" in init
    assert '__all__ = ["XY", "Alpha", "beta", "zeta"]' in init


def test_no_pipeline_without_loose_code_and_no_tests_when_asked() -> None:
    files = files_of(plan_of("def f():\n    return 1"), tests=False)
    assert "src/demo/pipeline.py" not in files
    # python -m still runs, and says there is nothing to run.
    assert "nothing to run" in files["src/demo/__main__.py"]
    assert not any(name.startswith("tests/") for name in files)


def test_multiline_strings_keep_their_text_inside_run() -> None:
    source = 'text = """line one\n  line two\n"""\nprint(text)'
    pipeline = files_of(plan_of(source))["src/demo/pipeline.py"]
    assert '"""line one\n  line two\n"""' in pipeline


def test_top_level_await_makes_run_async() -> None:
    files = files_of(plan_of("import asyncio", "await asyncio.sleep(0)"))
    assert "async def run() -> None:" in files["src/demo/pipeline.py"]
    assert "asyncio.run(run())" in files["src/demo/__main__.py"]


def test_code_is_black_formatted_and_compiles() -> None:
    files = files_of(plan_of("def f( a,b ):\n  return {'a':a,'b':b}"))
    assert 'def f(a, b):\n    return {"a": a, "b": b}' in files["src/demo/core.py"]
    for name, text in files.items():
        if name.endswith(".py"):
            ast.parse(text)


def test_definition_moved_into_run_keeps_its_docstring_exactly() -> None:
    # black reindents docstrings; nb2pkg must not let that change a definition.
    source = 'def f():\n    """Doc\n    more doc\n    """\n    return data'
    files = files_of(plan_of("data = load()", source))
    tree = ast.parse(files["src/demo/pipeline.py"])
    (func,) = [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "f"
    ]
    assert ast.get_docstring(func, clean=False) == "Doc\n    more doc\n    "


def test_only_the_definition_black_would_change_is_left_unformatted() -> None:
    odd = 'def odd():\n    """Doc\n       indented more."""\n    return  1'
    plan = plan_of("def g(x):return x", odd, "def h( y ):\n  return y")
    rendered = render_plan(plan, generation=Generation())
    files, findings = rendered.files, rendered.findings
    (core,) = [f.text for f in files if f.path.name == "core.py"]
    # g and h are formatted; odd is kept exactly, between black's markers.
    assert "def g(x):\n    return x\n" in core
    assert "def h(y):\n    return y\n" in core
    assert f"# fmt: off\n{odd}\n# fmt: on\n" in core
    (note,) = [f.message for f in findings if f.code == "NBP501"]
    assert "`odd`" in note and "fmt: off" in note


def test_an_import_run_rebinds_is_used_for_pyflakes_too(tmp_path: Path) -> None:
    from pyflakes import api, reporter

    plan = plan_of(
        "from os import path",
        "def f(x):\n    return x + 1",
        "y = f(1)\nf = str(y)",
        "path = path.join('a', f)\nprint(path)",
    )
    files = files_of(plan)
    pipeline = files["src/demo/pipeline.py"]
    assert "from os import path as _path\n" in pipeline
    assert "from .core import f as _f\n" in pipeline
    assert "f = _f\npath = _path\n" in pipeline
    messages = io.StringIO()
    api.check(pipeline, "pipeline.py", reporter.Reporter(messages, messages))
    assert messages.getvalue() == ""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    run = "import sys; sys.path.insert(0, 'src'); from demo.pipeline import run; run()"
    done = subprocess.run(
        [sys.executable, "-c", run], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.stdout == f"{Path('a') / '2'}\n", done.stderr


def test_title_with_quotes_is_a_safe_docstring() -> None:
    plan = replace(plan_of("def f():\n    pass"), title='A "quoted" \\ title')
    init = files_of(plan)["src/demo/__init__.py"]
    assert ast.get_docstring(ast.parse(init)) == "A 'quoted' \\ title."


def test_user_templates_override_by_name(tmp_path: Path) -> None:
    (tmp_path / "README.md.j2").write_text("Custom {{ plan.package }}\n")
    files = files_of(plan_of("x = 1"), template_dir=tmp_path)
    assert files["README.md"] == "Custom demo\n"


def test_broken_user_template_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "README.md.j2").write_text("ok\n{{ plan.package \n")
    with pytest.raises(TemplateError, match="README.md.j2, line 2"):
        files_of(plan_of("x = 1"), template_dir=tmp_path)


def test_undefined_template_variable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md.j2").write_text("{{ nothing_here }}\n")
    with pytest.raises(TemplateError, match="nothing_here"):
        files_of(plan_of("x = 1"), template_dir=tmp_path)


def test_equivalence_guard_catches_a_changed_definition() -> None:
    plan = plan_of("def f():\n    return 1")
    files = render_plan(plan, generation=Generation()).files
    broken = [
        RenderedFile(f.path, f.text.replace("return 1", "return 2")) for f in files
    ]
    assert check_files(broken, plan) == {PurePosixPath("src/demo/core.py"): {"f"}}
    with pytest.raises(EquivalenceError, match="`f`"):
        check_files(broken, plan, strict=True)


def test_equivalence_guard_reuses_its_findings_but_not_for_changed_text() -> None:
    plan = plan_of("def f():\n    return 1", "def g():\n    return 2")
    files = render_plan(plan, generation=Generation()).files
    store = Memo()
    assert check_files(files, plan, memo=store) == {}
    assert any(isinstance(v, dict) for v in store.entries.values())  # files kept
    assert check_files(files, plan, memo=store) == {}
    broken = [
        RenderedFile(f.path, f.text.replace("return 1", "return 3")) for f in files
    ]
    assert check_files(broken, plan, memo=store) == {
        PurePosixPath("src/demo/core.py"): {"f"}
    }


def test_builtin_templates_exist() -> None:
    names = {p.name for p in builtin_templates().iterdir()}
    assert {"pyproject.toml.j2", "module.py.j2", "test_module.py.j2"} <= names


def test_each_kind_of_test_has_its_template() -> None:
    kinds = {p.name for p in (builtin_templates() / "tests").glob("*.py.j2")}
    assert kinds == {f"{kind.value}.py.j2" for kind in TestKind}


@pytest.mark.parametrize(
    "text", ['a "quoted" \\ path', "tab\there", "del\x7f", "nul\x00", "é ünï 🙂"]
)
def test_toml_string_round_trips(text: str) -> None:
    tomllib = pytest.importorskip("tomllib")
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def test_control_characters_never_reach_a_docstring() -> None:
    plan = replace(plan_of("def f():\n    pass"), title="Bad\x00 \x7ftitle")
    init = files_of(plan)["src/demo/__init__.py"]
    assert ast.get_docstring(ast.parse(init)) == "Bad title."
