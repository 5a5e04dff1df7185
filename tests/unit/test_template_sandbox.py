"""User templates are untrusted (a cloned repository's pyproject.toml may name
them): they change text, never run code, read files, or reach outside their folder.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.errors import TemplateError
from nb2pkg.model import Cell, Notebook, Plan
from nb2pkg.options import Generation
from nb2pkg.plan.files import plan_files
from nb2pkg.plan.notebook import make_plan
from nb2pkg.render.files import render_plan
from nb2pkg.render.templates import builtin_templates

# Each writes the file MARKER (in the test's folder) if the template ran code.
PAYLOADS = [
    '{{ cycler.__init__.__globals__.os.system("touch MARKER") }}',
    '{{ joiner.__init__.__globals__.os.popen("touch MARKER").read() }}',
    "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
    '{{ namespace.__init__.__globals__.__builtins__.__import__("os")'
    '.system("touch MARKER") }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ plan.__class__.__init__.__globals__ }}",
    '{{ "{0.__class__.__init__.__globals__}".format(plan) }}',
    '{{ exports.append("touch MARKER") }}',
    '{{ range.__self__.__import__("os").system("touch MARKER") }}',
]


def full_plan() -> Plan:
    """Return a plan that renders every built-in template (a dotted module too)."""
    sources = ["def f(x):\n    return x + 1", "print(f(1))"]
    notebook = Notebook(
        path=Path("demo.ipynb"),
        cells=tuple(
            Cell(index=i, kind="code", source=s) for i, s in enumerate(sources)
        ),
    )
    analyses = analyse_notebook(notebook)
    plan = make_plan(notebook, analyses, generation=Generation(), module="lib.core")
    return replace(plan, files=plan_files(plan, layout="src", tests=True))


def test_the_plan_renders_every_template(tmp_path: Path) -> None:
    names = {p.name for p in builtin_templates().glob("*.j2")}
    for name in names:
        code = "{% if code is defined %}{{ code }}{% endif %}"
        (tmp_path / name).write_text(f"# USED {name}\n{code}\n")
    files = render_plan(full_plan(), generation=Generation(template_dir=tmp_path)).files
    used = {f.text.split("\n")[0] for f in files}
    assert {f"# USED {name}" for name in names} <= used


def test_a_template_writing_broken_toml_is_the_templates_fault(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml.j2").write_text("not = [toml\n")
    with pytest.raises(TemplateError, match="pyproject.toml is not valid TOML"):
        render_plan(full_plan(), generation=Generation(template_dir=tmp_path))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    "template", sorted(p.name for p in builtin_templates().glob("*.j2"))
)
def test_a_template_cannot_run_code(
    template: str, payload: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / template).write_text(f"x\n{payload}\n")
    with pytest.raises(TemplateError, match=template):
        render_plan(full_plan(), generation=Generation(template_dir=folder))
    assert not (tmp_path / "MARKER").exists()


@pytest.mark.parametrize(
    "include", ["../secret.txt", "/etc/hostname", "leak.j2", "fifo.j2", "loop.j2"]
)
def test_a_template_reads_nothing_outside_its_folder(
    include: str, tmp_path: Path
) -> None:
    import os

    (tmp_path / "secret.txt").write_text("AKIAIOSFODNN7EXAMPLE\n")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "leak.j2").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(folder / "fifo.j2")
    (folder / "loop.j2").symlink_to(folder / "loop.j2")
    (folder / "README.md.j2").write_text(f'{{% include "{include}" %}}\n')
    with pytest.raises(TemplateError, match="README.md.j2"):
        render_plan(full_plan(), generation=Generation(template_dir=folder))


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "base.txt").write_text("Shared {{ plan.package }}\n")
    (folder / "README.md.j2").symlink_to(folder / "base.txt")
    files = render_plan(full_plan(), generation=Generation(template_dir=folder)).files
    assert {str(f.path): f.text for f in files}["README.md"] == "Shared demo\n"


def test_a_missing_template_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="does not exist"):
        render_plan(full_plan(), generation=Generation(template_dir=tmp_path / "nope"))
