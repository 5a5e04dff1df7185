"""A mutation check of the generated tests: they pin what the notebook computed.

For each example's golden package, each function of its modules that holds an
arithmetic operator or a number is changed, one mutant at a time (the first
operator swapped, the first number changed), and the package's own generated
tests must then fail. A mutant they let through is a function whose behaviour
no test pins.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Add,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
}
# Examples whose package needs a library not installed here are skipped.
_NEEDS = {"iris_model": "sklearn"}
# Mutants that compute the same on every input the notebook recorded: no test
# made from its outputs can tell them apart, by construction.
_EQUIVALENT = {
    # The notebook never called growth_rate(0, ...): `before == 1` is unseen.
    "src/sales_analysis/core.py: growth_rate: first number",
    # round(..., 3) of the recorded totals (10.8, 0) is round(..., 2) of them.
    "src/shop/cart.py: cart_total: first number",
}


class _Mutate(ast.NodeTransformer):
    """Change the first operator (``what="operator"``) or number in a function."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.done = False

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = _SWAP.get(type(node.op))
        if self.what == "operator" and not self.done and swap is not None:
            self.done = True
            return ast.copy_location(ast.BinOp(node.left, swap(), node.right), node)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        number = isinstance(node.value, int | float) and not isinstance(
            node.value, bool
        )
        if self.what == "number" and not self.done and number:
            self.done = True
            return ast.copy_location(ast.Constant(node.value + 1), node)
        return node


def mutants(source: str) -> Iterator[tuple[str, str]]:
    """Yield (what was changed, the mutated module source), one change each."""
    tree = ast.parse(source)
    for index, node in enumerate(tree.body):
        if not isinstance(node, ast.FunctionDef):
            continue
        for what in ("operator", "number"):
            mutate = _Mutate(what)
            changed = mutate.visit(ast.parse(ast.unparse(node)).body[0])
            if not mutate.done:
                continue
            body = [*tree.body[:index], changed, *tree.body[index + 1 :]]
            module = ast.Module(body=body, type_ignores=[])
            yield (
                f"{node.name}: first {what}",
                ast.unparse(ast.fix_missing_locations(module)),
            )


def generated_tests_pass(package: Path) -> bool:
    env = {**os.environ, "PYTHONPATH": str(package / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests"],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return proc.returncode == 0


CASES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "expected").is_dir())


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_every_mutant_of_a_function_fails_a_generated_test(
    case: str, tmp_path: Path
) -> None:
    needed = _NEEDS.get(case)
    if needed and importlib.util.find_spec(needed) is None:
        pytest.skip(f"the {case} package needs {needed}, which is not installed")
    package = tmp_path / case
    shutil.copytree(EXAMPLES / case / "expected", package)
    assert generated_tests_pass(package), "the golden package's tests fail unmutated"
    survivors = []
    tried = 0
    for module in sorted((package / "src").rglob("*.py")):
        if module.name in ("__init__.py", "__main__.py", "pipeline.py"):
            continue
        if module.parent.name == "pipelines":
            continue
        original = module.read_text(encoding="utf-8")
        for what, mutated in mutants(original):
            tried += 1
            module.write_text(mutated, encoding="utf-8")
            name = f"{module.relative_to(package)}: {what}"
            if name not in _EQUIVALENT and generated_tests_pass(package):
                survivors.append(name)
        module.write_text(original, encoding="utf-8")
    assert survivors == [], f"{len(survivors)} of {tried} mutants survived"
