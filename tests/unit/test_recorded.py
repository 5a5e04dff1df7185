"""testgen.recorded: the pipeline's characterisation tests, and why they skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg import Options, convert
from nb2pkg.testgen.recorded import value_check
from tests.conftest import MakeNotebook, cell, run_package_tests


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5\n", ("5", False)),
        ("0.30000000000000004\n", ("0.30000000000000004", True)),
        ("{'a': 1.5, 'b': 2}\n", ("{'a': 1.5, 'b': 2}", True)),
        ("[('cat', 2)]\n", ("[('cat', 2)]", False)),
        ("(112, 4)", ("(112, 4)", False)),
        ("1  # not a comment in the test\n", ("1", False)),
        ("'text'\n", None),  # a string is compared as text
        ("True\n", None),  # so is a bool: True == 1
        ("[[1.5, 2.5]]\n", None),  # floats nested twice: approx cannot
        ("1\n2\n", None),  # two lines: text
        ("dropped 2 rows\n", None),
    ],
)
def test_one_value_on_a_line_is_compared_as_a_value(
    text: str, expected: tuple[str, bool] | None
) -> None:
    assert value_check(text) == expected


def pipeline_tests(make_nb: MakeNotebook, tmp_path: Path, *code: str) -> str:
    """Return the generated test_pipeline.py of a cleanly run notebook of ``code``
    (each cell printing ``ok``), and the pyproject.toml after it."""
    cells = [
        cell(f"{source}\nprint('ok')", count=n, stdout="ok\n")
        for n, source in enumerate(code, start=1)
    ]
    out = tmp_path / "pkg"
    convert(make_nb(*cells), options=Options(output=out))
    tests = (out / "tests" / "test_pipeline.py").read_text()
    return tests + (out / "pyproject.toml").read_text()


def test_a_step_that_reads_the_network_skips_when_it_cannot(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    text = pipeline_tests(
        make_nb,
        tmp_path,
        "import urllib.request",
        "page = urllib.request.urlopen('http://nb2pkg.invalid/data').read()",
    )
    assert "except OSError as exc:" in text
    assert "could not reach the network" in text
    result = run_package_tests(tmp_path / "pkg")
    assert result.returncode == 0, result.stdout
    assert "could not reach the network" in result.stdout  # -rs names the reason


def test_training_is_marked_slow_and_the_marker_registered(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    text = pipeline_tests(
        make_nb,
        tmp_path,
        "class M:\n    def fit(self, x):\n        return self",
        "M().fit([1])",
    )
    assert "pytestmark = pytest.mark.slow" in text
    assert 'markers = ["slow: ' in text
    fast = run_package_tests(tmp_path / "pkg", "-m", "not slow")
    assert fast.returncode in (0, 5), fast.stdout  # 5: every test deselected
    assert "deselected" in fast.stdout


def test_a_gpu_step_skips_without_a_gpu(make_nb: MakeNotebook, tmp_path: Path) -> None:
    text = pipeline_tests(make_nb, tmp_path, "device = 'cuda'\nx = [1]")
    assert 'pytest.importorskip("torch")' in text
    assert "torch.cuda.is_available()" in text


def test_plain_steps_need_nothing_more(make_nb: MakeNotebook, tmp_path: Path) -> None:
    text = pipeline_tests(make_nb, tmp_path, "x = 1 + 1")
    for extra in ("OSError", "pytest.mark.slow", "importorskip", "markers ="):
        assert extra not in text
