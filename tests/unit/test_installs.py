"""Install lines: the requirements of pip and conda commands."""

from __future__ import annotations

import pytest

from nb2pkg.analyse.installs import parse_install, read_requirement_lines


@pytest.mark.parametrize(
    ("command", "requirements", "files"),
    [
        ("pip install pandas", ["pandas"], []),
        ("pip install pandas==2.1", ["pandas==2.1"], []),
        ("pip install -q -U 'numpy>=1.24' scipy", ["numpy>=1.24", "scipy"], []),
        (
            "pip install --upgrade --quiet torch torchvision",
            ["torch", "torchvision"],
            [],
        ),
        ('pip install "transformers[torch]>=4.30"', ["transformers[torch]>=4.30"], []),
        ("pip3 install -r requirements.txt", [], ["requirements.txt"]),
        ("pip install --requirement=reqs.txt six", ["six"], ["reqs.txt"]),
        ("python -m pip install -i https://x.org/simple foo", ["foo"], []),
        ("pip install --no-cache-dir --target lib bar", ["bar"], []),
        ("conda install -c conda-forge scipy=1.11 numpy", ["scipy==1.11", "numpy"], []),
        ("conda install -y conda-forge::rdkit", ["rdkit"], []),
        ("pip install six  # a comment", ["six"], []),
    ],
)
def test_parse_install(command: str, requirements: list[str], files: list[str]) -> None:
    parsed = parse_install(command)
    assert parsed is not None
    assert parsed.requirements == requirements
    assert parsed.files == files
    assert parsed.problems == []


@pytest.mark.parametrize("command", ["pip list", "pip uninstall x", "ls -la", "pip"])
def test_not_an_install(command: str) -> None:
    assert parse_install(command) is None


@pytest.mark.parametrize(
    "command",
    [
        "pip install git+https://github.com/o/r",
        "pip install $PKG",
        "pip install 'unterminated",
    ],
)
def test_undeclarable_installs_are_problems(command: str) -> None:
    parsed = parse_install(command)
    assert parsed is not None
    assert parsed.requirements == []
    assert parsed.problems


def test_requirements_file_lines() -> None:
    text = "# deps\npandas>=2  # data\n-e .\n\nscikit-learn==1.4\n--index-url x\n"
    assert read_requirement_lines(text) == ["pandas>=2", "scikit-learn==1.4"]
