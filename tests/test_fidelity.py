"""python -m PKG does what the notebook did and shows what it showed.

Each case is a small notebook that runs top to bottom in a fresh kernel; the
package converted from it must print and show the same, line for line. Cells
starting with ``## `` are markdown headings (each starts a step).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.differential import run_as_kernel, run_as_package

CASES = {
    # 1. A name bound on some paths only, read in a later step.
    "bound_on_some_paths": [
        'mode = "fast"\nbig = False',
        "## Tune",
        'if big:\n    mode = "slow"',
        "## Report",
        "print(mode)",
    ],
    # Found by hypothesis: read again in the same step, after an if/else.
    "bound_on_some_paths_read_in_the_step": [
        "a = 1\nb = 2",
        "## S",
        "if a > 0:\n    c = a\nelse:\n    b = 0\nc = a * b\nprint(c)",
    ],
    # Found by hypothesis: a loop that binds its target first needs no value.
    "loop_target_bound_first": [
        "a = 1\nfor i in range(0):\n    a += i",
        "## S",
        "for i in range(0):\n    a += i\nfor i in range(2):\n    a += i\nprint(a)",
    ],
    "bound_in_try_and_loops": [
        "n = 3",
        "## Try",
        "try:\n    r = 10 // (n - 3)\nexcept ZeroDivisionError:\n    pass",
        "## Loop",
        "for i in range(n):\n    last = i\nwhile n > 5:\n    w = 1\nelse:\n    w = 2",
        "## Show",
        "print(last, w, 'r' in dir())",
    ],
    # 2. A function writing a notebook global.
    "global_written_by_a_function": [
        "count = 0",
        "def bump():\n    global count\n    count += 1",
        "## Run",
        "bump()\nbump()\nprint(count)",
    ],
    # 3. A closure over a global a later cell rebinds.
    "closure_over_a_rebound_global": [
        "factor = 2\ndef scale(x):\n    return x * factor",
        "print(scale(1))",
        "## Later",
        "factor = 10\nprint(scale(1))",
    ],
    # 4. A function redefined between calls.
    "redefined_between_calls": [
        "def f():\n    return 1",
        "print(f())",
        "## Again",
        "def f():\n    return 2",
        "print(f())",
    ],
    # 5. __name__ is "__main__" in a kernel.
    "name_is_main": ['if __name__ == "__main__":\n    print("main")'],
    # 6. IPython's _ and _N.
    "underscore": ["40 + 2", "x = _\nprint(x + 1)", "print(_1)"],
    # 7. A "constant" mutated by loose code.
    "mutated_constant": [
        'LABELS = ["a"]\ndef count():\n    return len(LABELS)',
        'LABELS.append("b")',
        "count()",
    ],
    # 8. A shown call with a side effect stays in run().
    "shown_call_with_side_effect": [
        "seen = []\ndef save(x):\n    seen.append(x)\n    return len(seen)",
        "save(1)",
        "print(seen)",
        "it = iter([1, 2, 3])",
        "next(it)",
        "print(next(it))",
    ],
    # 9. No code at all.
    "no_code": ["## Only words", "# a comment"],
    # Results are shown, not thrown away.
    "shown_results": [
        "xs = [3, 1, 2]",
        "sorted(xs)",
        "xs",
        "len(xs);",
        "xs.sort()",
        "'text'",
        "xs[0], xs[-1]",  # a tuple shown: one value, not two arguments
        "_ , len(xs)",
        "type(xs)",
        "import pathlib\npathlib.PurePosixPath",
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_package_prints_and_shows_what_the_notebook_did(
    name: str, tmp_path: Path
) -> None:
    cells = CASES[name]
    assert run_as_package(cells, tmp_path) == run_as_kernel(cells)


def test_a_constant_loose_code_changes_is_not_a_module_constant(
    tmp_path: Path,
) -> None:
    """The generated test of count() pins the notebook's 2, not the module's 1."""
    from nb2pkg import Options, convert
    from tests.conftest import run_package_tests
    from tests.differential import notebook_of, run_cells

    cells = CASES["mutated_constant"]
    notebook = notebook_of(cells, tmp_path / "labels.ipynb", run_cells(cells))
    result = convert(notebook, options=Options(output=tmp_path / "pkg"))
    assert all("LABELS" not in s.defines for m in result.plan.modules for s in m.body)
    proc = run_package_tests(tmp_path / "pkg")
    assert proc.returncode == 0, proc.stdout
