"""The command line people expect: black's and ruff's habits (#23).

Folders searched as black searches them (.gitignore, --exclude), settings in
pyproject.toml for every command, one vocabulary of flags, readable output at
any width, and a package checkable from a pre-commit hook.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from typer.testing import CliRunner

from nb2pkg.cli import app
from tests.terminal import run_in_terminal

runner = CliRunner()


def notebook(path: Path, *sources: str) -> Path:
    """Write a notebook of code cells at ``path`` (folders made); return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "k", "display_name": "k", "language": "python"}
    path.write_text(json.dumps(nb), encoding="utf-8")
    nbformat.validate(nb)
    return path


def project(tmp_path: Path) -> Path:
    """A git repository with three notebooks, one of them git-ignored."""
    root = tmp_path / "repo"
    notebook(root / "nbs" / "a.ipynb", "def double(x):\n    return 2 * x")
    notebook(root / "nbs" / "b.ipynb", "def half(x):\n    return x / 2")
    notebook(root / "nbs" / "scratch" / "old.ipynb", "def old():\n    return 0")
    (root / ".git").mkdir()
    (root / ".gitignore").write_text("scratch/\n")
    return root


def planned(args: list[str]) -> list[str]:
    """Return the names of the notebooks ``check ARGS`` reads (as convert would)."""
    result = runner.invoke(app, ["check", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return sorted(Path(n["path"]).name for n in json.loads(result.stdout)["notebooks"])


def test_a_folder_leaves_out_what_git_ignores(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert planned([str(root / "nbs")]) == ["a.ipynb", "b.ipynb"]
    plan = runner.invoke(app, ["plan", str(root / "nbs"), "--format", "json"])
    cells = json.loads(plan.stdout)["cells"]
    assert sorted({c["notebook"] for c in cells}) == ["a.ipynb", "b.ipynb"]
    # A deeper .gitignore has the last word, as in git.
    (root / "nbs" / ".gitignore").write_text("!scratch/\n")
    assert planned([str(root / "nbs")]) == ["a.ipynb", "b.ipynb", "old.ipynb"]


def test_exclude_on_the_command_line_and_in_the_config(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert planned([str(root / "nbs"), "--exclude", "/b\\.ipynb$"]) == ["a.ipynb"]
    (root / "pyproject.toml").write_text(
        '[tool.nb2pkg]\nexclude = "/a\\\\.ipynb$"\nextend-exclude = "nothing"\n'
    )
    assert planned([str(root / "nbs")]) == ["b.ipynb"]
    # A notebook named on the command line is always taken.
    named = runner.invoke(
        app, ["plan", str(root / "nbs" / "a.ipynb"), "--format", "json"]
    )
    assert named.exit_code == 0 and json.loads(named.stdout)["package"] == "a"
    bad = runner.invoke(app, ["plan", str(root / "nbs"), "--exclude", "("])
    assert bad.exit_code == 2
    assert "is not a regular expression" in bad.output


def test_check_takes_folders_and_its_settings_from_the_config(tmp_path: Path) -> None:
    root = project(tmp_path)
    notebook(root / "nbs" / "c.ipynb", "print(y)", "y = 1")  # NBP101
    found = runner.invoke(app, ["check", str(root / "nbs"), "--format", "json"])
    assert found.exit_code == 1
    data = json.loads(found.stdout)
    assert [Path(n["path"]).name for n in data["notebooks"]] == [
        "a.ipynb",
        "b.ipynb",
        "c.ipynb",
    ]
    assert "NBP101" in data["counts"]
    (root / "pyproject.toml").write_text('[tool.nb2pkg]\nignore = ["NBP101"]\n')
    quiet = runner.invoke(app, ["check", str(root / "nbs"), "--format", "json"])
    assert "NBP101" not in json.loads(quiet.stdout)["counts"]
    # The command line wins over the config.
    loud = runner.invoke(app, ["check", str(root / "nbs"), "--ignore", "NBP2"])
    assert loud.exit_code == 1 and "NBP101" in loud.output


@pytest.mark.parametrize("command", ["convert", "plan", "check", "tests"])
def test_every_command_speaks_the_same_flags(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    for flag in ("--format", "--quiet", "-q", "--verbose", "-v", "--color"):
        assert flag in result.output, (command, flag)


def test_convert_and_tests_print_json(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb", "def f():\n    return 1")
    out = tmp_path / "pkg"
    made = runner.invoke(app, ["convert", str(nb), "-o", str(out), "--format", "json"])
    assert made.exit_code == 0, made.output
    data = json.loads(made.stdout)
    assert data["package"] == "nb" and data["written"] is True
    assert "src/nb/core.py" in data["files"]
    again = runner.invoke(
        app, ["convert", str(nb), "-o", str(out), "--check", "--format", "json"]
    )
    assert again.exit_code == 0
    assert json.loads(again.stdout)["changes"]["up_to_date"] is True
    tests = runner.invoke(app, ["tests", str(nb), "-p", str(out), "--format", "json"])
    assert tests.exit_code == 0 and json.loads(tests.stdout)["package"] == "nb"


def test_color_and_no_color(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb", "print(y)", "y = 1")
    coloured = runner.invoke(app, ["convert", str(nb), "--dry-run", "--color"])
    assert "\x1b[" in coloured.output
    plain = run_in_terminal("convert", str(nb), "--dry-run", "--no-color", cwd=tmp_path)
    assert plain.code == 0 and "\x1b[3" not in plain.stderr  # no colour codes


def test_a_pre_commit_hook_given_one_notebook_checks_the_whole_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root)
    nothing = runner.invoke(app, ["convert"])
    assert nothing.exit_code == 2 and "no notebook given" in nothing.output
    (root / "pyproject.toml").write_text(
        '[tool.nb2pkg]\nname = "lib"\noutput = "lib"\n'
        'notebooks = ["nbs/a.ipynb", "nbs/b.ipynb"]\n'
    )
    made = runner.invoke(app, ["convert"])  # the notebooks the config names
    assert made.exit_code == 0, made.output
    assert (root / "lib" / "src" / "lib" / "b.py").is_file()  # the whole package
    one = runner.invoke(app, ["convert", "--check", str(root / "nbs" / "a.ipynb")])
    assert one.exit_code == 0, one.output  # a alone stands for the package
    # The hook passes only what changed: b alone, and a scratch notebook.
    notebook(root / "nbs" / "b.ipynb", "def half(x):\n    return x / 3")
    scratch = notebook(root / "scratch.ipynb", "x = 1")
    stale = runner.invoke(
        app, ["convert", "--check", str(root / "nbs" / "b.ipynb"), str(scratch)]
    )
    assert stale.exit_code == 1
    assert "b.py" in stale.output and "scratch.ipynb is not one of" in stale.output


def test_plan_at_60_columns_stacks_and_cuts_no_name(tmp_path: Path) -> None:
    long = "a_rather_long_function_name_for_a_narrow_terminal"
    nb = notebook(
        tmp_path / "nb.ipynb",
        f"def {long}(x):\n    return 2 * x",
        f"value = {long}(21)\nprint(value, undefined_name_read_before_it_is_bound)",
    )
    ran = run_in_terminal("plan", str(nb), cwd=tmp_path, columns=60)
    assert ran.code == 0, ran.stderr
    assert long in ran.stdout and "…" not in ran.stdout
    assert "cell 1: " in ran.stdout  # stacked: a block per cell
    assert all(len(line) <= 60 for line in ran.stdout.splitlines())
    words = ran.stderr.split()
    assert "undefined_name_read_before_it_is_bound" in " ".join(words)
    wide = run_in_terminal("plan", str(nb), cwd=tmp_path, columns=140)
    assert "cell 1: " not in wide.stdout and "…" not in wide.stdout  # a table


def test_plan_piped_is_never_cut(tmp_path: Path) -> None:
    long = "b" * 150
    nb = notebook(tmp_path / "nb.ipynb", f"def {long}():\n    return 1")
    ran = run_in_terminal(
        "plan", str(nb), cwd=tmp_path, columns=60, stdout_terminal=False
    )
    assert long in ran.stdout


@pytest.mark.slow
def test_the_pre_commit_hooks_run_under_pre_commit(tmp_path: Path) -> None:
    """The hooks of .pre-commit-hooks.yaml, run by pre-commit itself."""
    import shutil
    import sys

    import yaml

    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    root = project(tmp_path)
    (root / ".git").rmdir()
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    env["GIT_CONFIG_GLOBAL"] = str(tmp_path / "gitconfig")
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=root, env=env, capture_output=True, text=True, check=False
        )

    run(git, "init", "-q")
    run(git, "config", "user.email", "t@example.com")
    run(git, "config", "user.name", "t")
    (root / "pyproject.toml").write_text(
        '[tool.nb2pkg]\nname = "lib"\noutput = "lib"\n'
        'notebooks = ["nbs/a.ipynb", "nbs/b.ipynb"]\n'
    )
    hooks = yaml.safe_load(
        (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text()
    )
    local = [
        {
            **hook,
            "language": "system",
            "entry": f"{sys.executable} -m nb2pkg "
            + hook["entry"].removeprefix("nb2pkg "),
        }
        for hook in hooks
    ]
    (root / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]})
    )
    assert runner.invoke(app, ["convert", str(root / "nbs")]).exit_code == 0
    run(git, "add", "-A")
    clean = run(pre_commit, "run", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    notebook(root / "nbs" / "b.ipynb", "def half(x):\n    return x / 3")
    run(git, "add", "nbs/b.ipynb")
    stale = run(pre_commit, "run")  # only the staged file is passed
    assert stale.returncode == 1
    assert "nb2pkg convert --check" in stale.stdout or "b.py" in stale.stdout


SCRIPT = """# %% [markdown]
# # Doubling

# %%
def double(x):
    return 2 * x

# %%
print(double(21))
"""


def test_a_jupytext_script_converts_like_its_notebook(tmp_path: Path) -> None:
    script = tmp_path / "doubling.py"
    script.write_text(SCRIPT)
    made = runner.invoke(app, ["convert", str(script), "-o", str(tmp_path / "pkg")])
    assert made.exit_code == 0, made.output
    core = (tmp_path / "pkg" / "src" / "doubling" / "core.py").read_text()
    assert "def double(x):" in core
    plan = runner.invoke(app, ["plan", str(script), "--format", "json"])
    rows = json.loads(plan.stdout)["cells"]
    assert [r["goes_to"] for r in rows] == [[], ["core.py"], ["run()"]]
    # No output was stored: said once, and no undefined name for the shown value.
    codes = [f["code"] for f in json.loads(plan.stdout)["findings"]]
    assert "NBP115" in codes and "NBP305" not in codes


def test_a_script_without_jupytext_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "jupytext", None)  # import fails
    script = tmp_path / "doubling.py"
    script.write_text(SCRIPT)
    result = runner.invoke(app, ["convert", str(script)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pip install 'nb2pkg[jupytext]'" in lines[0]


def synopsis() -> dict[str, set[str]]:
    """Return the flags the README's usage block gives each command."""
    import re

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Command line", 1)[1].split("```console\n", 1)[1]
    block = block.split("```", 1)[0]
    flags: dict[str, set[str]] = {}
    command = ""
    for line in block.splitlines():
        if line.startswith("nb2pkg "):
            command = line.split()[1]
            flags.setdefault(command, set())
        if command and not line.startswith("python"):
            found = re.findall(r"(?<![\w-])(--?[a-z][a-z-]*(?:/--[a-z-]+)?)", line)
            for flag in found:
                flags[command].update(flag.split("/"))
    return flags


@pytest.mark.parametrize("command", ["convert", "tests", "plan", "check"])
def test_the_readme_usage_matches_help(command: str) -> None:
    import typer

    click = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    shown = {
        flag
        for param in click.params
        if not getattr(param, "hidden", False)
        for flag in (*param.opts, *param.secondary_opts)
        if flag.startswith("-")
    }
    assert synopsis()[command] == shown
    help_text = runner.invoke(app, [command, "--help"]).output
    assert all(flag in help_text for flag in shown)


def test_check_over_many_notebooks_shows_progress_on_a_terminal(
    tmp_path: Path,
) -> None:
    for name in ("a", "b", "c"):
        notebook(tmp_path / "nbs" / f"{name}.ipynb", f"{name} = 1")
    ran = run_in_terminal("check", str(tmp_path / "nbs"), cwd=tmp_path)
    assert ran.code == 0, ran.stderr
    assert "checking 3/3 notebooks" in ran.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "nb2pkg", "check", str(tmp_path / "nbs")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "notebooks" in piped.stderr and "checking" not in piped.stderr


def test_cell_comments_from_the_flag_and_the_config(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb", "x = 1", "print(x)")
    out = tmp_path / "pkg"

    def pipeline(*args: str) -> str:
        made = runner.invoke(
            app, ["convert", str(nb), "-o", str(out), "--force", *args]
        )
        assert made.exit_code == 0, made.output
        return (out / "src" / "nb" / "pipeline.py").read_text()

    assert "# Cell 1" in pipeline()
    assert "# Cell" not in pipeline("--no-cell-comments")
    (tmp_path / "pyproject.toml").write_text("[tool.nb2pkg]\ncell-comments = false\n")
    assert "# Cell" not in pipeline()
    assert "# Cell 2" in pipeline("--cell-comments")  # the command line wins


def test_the_summary_piped_cuts_no_name(tmp_path: Path) -> None:
    long = "a_notebook_with_a_name_far_longer_than_a_narrow_terminal_is_wide"
    nb = notebook(tmp_path / f"{long}.ipynb", "def f():\n    return 1")
    proc = subprocess.run(
        [sys.executable, "-m", "nb2pkg", "convert", str(nb), "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "60"},
    )
    assert proc.returncode == 0, proc.stderr
    assert f"{long}/core.py" in proc.stderr and "…" not in proc.stderr
