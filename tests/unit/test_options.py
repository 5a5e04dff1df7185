"""Package names: normalised from the notebook's name, refused when unusable."""

from __future__ import annotations

import pytest

from nb2pkg.errors import InputError
from nb2pkg.options import check_package_name, normalise_name


@pytest.mark.parametrize(
    ("stem", "name"),
    [
        ("My Experiment (v2)", "my_experiment_v2"),
        ("experiment", "experiment"),
        ("01-intro", "nb_01_intro"),
        ("  weird--name__", "weird_name"),
    ],
)
def test_normalise_name(stem: str, name: str) -> None:
    assert normalise_name(stem) == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("class", "is a Python keyword"),
        ("json", "shadow the standard library"),
        ("test", "shadow the standard library"),
        ("", "not a valid Python package name"),
        ("a-b", "not a valid Python package name"),
    ],
)
def test_refused_names(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_package_name(name)


def test_refuses_shadowing_an_imported_module() -> None:
    with pytest.raises(InputError, match="shadow the 'numpy' the notebook imports"):
        check_package_name("numpy", imported=frozenset({"numpy"}))
