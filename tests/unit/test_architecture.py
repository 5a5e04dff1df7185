"""The shape of the code: stages import only what lies below them, and stay small.

The package is a pipeline, read -> analyse -> (checks, testgen) -> plan -> render
-> write, composed by ``api`` and presented by ``report`` and ``cli``. A module
may import the support modules, its own stage, and the stages below it: never a
stage above (the arrow that hides where a decision is made), never in a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "nb2pkg"
SUPPORT = {
    "_version", "errors", "options", "model", "outputs", "cache", "parallel",
    "credentials",
}  # fmt: skip
FLOORS = {
    "read": 1,
    "analyse": 2,
    "checks": 3,
    "testgen": 3,
    "plan": 4,
    "render": 5,
    "write": 6,
    "api": 7,
    "report": 8,
    "flags": 8,
    "cli": 9,
    "__init__": 10,
    "__main__": 10,
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    """Return every module by dotted name below nb2pkg (``plan.place``)."""
    return {
        ".".join(p.relative_to(PACKAGE).with_suffix("").parts): p
        for p in sorted(PACKAGE.rglob("*.py"))
    }


def stage(name: str) -> str:
    first = name.split(".")[0]
    return "support" if first in SUPPORT else first


def imports(path: Path) -> set[str]:
    """Return the nb2pkg modules ``path`` imports, as dotted names below nb2pkg."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "nb2pkg":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("nb2pkg."):
                found.add(node.module.removeprefix("nb2pkg."))
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("nb2pkg.")
                for a in node.names
                if a.name.startswith("nb2pkg.")
            )
    return found


def test_every_module_belongs_to_a_known_stage() -> None:
    for name in modules():
        assert stage(name) == "support" or stage(name) in FLOORS, name


def test_no_stage_imports_a_stage_above_it() -> None:
    upward = []
    for name, path in modules().items():
        here = stage(name)
        for target in imports(path):
            there = stage(target)
            if there in ("support", here):
                continue
            if FLOORS.get(there, 99) >= FLOORS.get(here, 0) or {here, there} == {
                "checks",
                "testgen",
            }:
                upward.append(f"{name} -> {target}")
    assert upward == []


def test_support_modules_import_only_support() -> None:
    for name, path in modules().items():
        if stage(name) == "support":
            assert {stage(t) for t in imports(path)} <= {"support"}, name


def test_no_import_cycles() -> None:
    graph = {
        name: {t for t in imports(path) if t in modules()}
        for name, path in modules().items()
    }
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " -> ".join((*trail, name))
        if name in done:
            return
        for target in graph.get(name, ()):
            visit(target, (*trail, name))
        done.add(name)

    for name in graph:
        visit(name, ())


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_and_functions_stay_small(name: str) -> None:
    text = modules()[name].read_text(encoding="utf-8")
    lines = len(text.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            length = (node.end_lineno or node.lineno) - first + 1
            assert length <= MAX_FUNCTION_LINES, f"{name}.{node.name}: {length} lines"


def imported_names(path: Path, module: str) -> set[str]:
    """Return the names ``path`` imports from ``nb2pkg.<module>``."""
    return {
        alias.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module == f"nb2pkg.{module}"
        for alias in node.names
    }


# The stages given a part of the options; ``read`` merges the user's config
# into the whole request, and ``api`` hands out the parts.
GIVEN_A_PART = {"analyse", "checks", "testgen", "plan", "render", "write"}


def test_a_stage_is_given_its_part_of_the_options_not_the_whole() -> None:
    for name, path in modules().items():
        if stage(name) in GIVEN_A_PART:
            assert "Options" not in imported_names(path, "options"), name


def test_each_option_belongs_to_exactly_one_part() -> None:
    import dataclasses

    from nb2pkg.options import Checking, Generation, Options, Reading, Running, Writing

    parts = [
        [f.name for f in dataclasses.fields(part)]
        for part in (Reading, Generation, Checking, Writing, Running)
    ]
    every = [name for part in parts for name in part]
    assert sorted(every) == sorted(f.name for f in dataclasses.fields(Options))
    chosen = Options(name="p", select=frozenset({"NBP1"}), force=True, jobs=3)
    assert (chosen.generation.name, chosen.checking.select) == ("p", {"NBP1"})
    assert (chosen.writing.force, chosen.running.jobs) == (True, 3)


def test_the_library_reads_no_environment() -> None:
    """Only the command line and the report read environment variables."""
    for name, path in modules().items():
        if stage(name) not in {"cli", "report"}:
            text = path.read_text(encoding="utf-8")
            assert "os.environ.get(" not in text and "getenv(" not in text, name
