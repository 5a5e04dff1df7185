"""Credentials in outputs and code: found by kind, never copied into a test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nb2pkg import Options, convert
from nb2pkg.credentials import find_credential
from tests.conftest import MakeNotebook, cell

# Realistic fakes, built from pieces so that this file itself holds no token a
# scanner would flag: (text as a notebook would record it, the kind found).
B62 = "aZ3kQ9mR2tX7vB1nL5pW8sD4fG6hJ0cY"  # 32 random-looking characters
FAKE_SECRETS: list[tuple[str, str]] = [
    ("'AKIA" + "IOSFODNN7EXAMPLE'", "an AWS access key"),
    ("ASIA" + "Y34FZKBOKMUTVV7A", "an AWS access key"),
    (
        "aws_secret_access_key=" + "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
        "an AWS secret key",
    ),
    ("ghp_" + B62 + "Ab12", "a GitHub token"),
    ("{'token': 'gho_" + B62 + "Cd34'}", "a GitHub token"),
    ("github_pat_11ABCDEFG0" + B62 + "_" + B62, "a GitHub token"),
    ("glpat-" + "xK9mP2qR7tV4wY6zA1bC", "a GitLab token"),
    ("xoxb-" + "123456789012-1234567890123-" + B62[:24], "a Slack token"),
    ("https://hooks.slack.com/services/" + "T0ABC1234/B0DEF5678/" + B62[:24], None),
    ("sk_live_" + B62[:24], "a Stripe key"),
    ("sk-proj-" + B62 + B62, "an OpenAI key"),
    ("sk-ant-api03-" + B62 + B62, "an Anthropic key"),
    ("AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "a Google API key"),
    ("hf_" + B62[:34], "a Hugging Face token"),
    (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
        + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "a JSON Web Token",
    ),
    (
        "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA "
        "PRIVATE KEY-----",
        "a private key",
    ),
    ("-----BEGIN OPENSSH " + "PRIVATE KEY-----", "a private key"),
    ("password=" + "hunter2hunter", "a password, secret, token or API key"),
    ("{'db_password': '" + "S3cure!pass'}", "a password, secret, token or API key"),
    ('"api_key": "' + "9f8e7d6c5b4a3210" + '"', "a password, secret, token or API key"),
    ("postgresql://admin:" + "Sup3rS3cret@db.example.com:5432/sales", None),
    ("SG." + B62[:22] + "." + B62 + B62[:11], "a SendGrid key"),
    ("npm_" + B62 + "Ab12", "an npm token"),
    ("random key: " + B62, "a long random string (a key?)"),
]


@pytest.mark.parametrize(("text", "kind"), FAKE_SECRETS)
def test_each_fake_secret_is_found(text: str, kind: str | None) -> None:
    found = find_credential(text)
    assert found is not None
    if kind is not None:
        assert found == kind


def test_the_table_covers_many_kinds() -> None:
    kinds = {find_credential(text) for text, _ in FAKE_SECRETS}
    assert len(FAKE_SECRETS) >= 15 and len(kinds) >= 8


@pytest.mark.parametrize(
    "text",
    [
        "5",
        "hello world 42",
        "max_tokens=512",
        "token_count: 10",
        "password: None",
        "password=***",
        "postgresql://user:password@localhost/db",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "550e8400-e29b-41d4-a716-446655440000",
        "ThisIsAVeryLongIdentifierName2024",
        "/home/user/Projects/Data2024/file_name_v2/ModelCheckpoint",
        "RandomForestClassifier(n_estimators=100, random_state=42)",
        "Name: sepal_length, Length: 150, dtype: float64",
        "bypass: enabled",
        "scikit-learn==1.5.2",
    ],
)
def test_ordinary_outputs_are_not_secrets(text: str) -> None:
    assert find_credential(text) is None


def test_code_reading_a_secret_from_elsewhere_holds_none() -> None:
    assert find_credential('token = os.environ["TOKEN"]', code=True) is None
    assert find_credential("password = input('pw: ')", code=True) is None
    assert find_credential('password = "hunter2hunter"', code=True) is not None


SHOWN = [
    # (cell source, how the notebook recorded the secret)
    ("get(0)", "result"),
    ("get(1)", "dict"),
    ("show(2)", "stdout"),
    ("fail(3)", "keyerror"),
]


def recorded(kind: str, secret: str, count: int) -> dict[str, object]:
    if kind == "result":
        return {"result": repr(secret)}
    if kind == "dict":
        return {"result": repr({"token": secret, "user": "ann"})}
    if kind == "stdout":
        return {"stdout": secret + "\n"}
    return {}


@pytest.mark.parametrize(("text", "kind"), FAKE_SECRETS)
def test_no_secret_reaches_the_package(
    text: str, kind: str | None, make_nb: MakeNotebook, tmp_path: Path
) -> None:
    """Each fake secret, recorded as a result, in a dict, printed and as a
    KeyError, is withheld from the tests; the finding names the cell."""
    import nbformat

    defs = (
        "SECRETS = {}\n"
        "def get(i):\n    return SECRETS.get(i)\n"
        "def show(i):\n    print(SECRETS.get(i))\n"
        "def fail(i):\n    return {}[SECRETS.get(i)]"
    )
    cells = [defs]
    for number, (source, how) in enumerate(SHOWN, start=2):
        code = cell(source, count=number, **recorded(how, text, number))  # type: ignore[arg-type]
        if how == "keyerror":
            code.outputs.append(
                nbformat.v4.new_output(
                    "error", ename="KeyError", evalue=repr(text), traceback=[]
                )
            )
        cells.append(code)
    nb = make_nb(*cells)
    result = convert(nb, options=Options(output=tmp_path / "pkg"))
    # The secret's most telling run of characters appears in no file.
    telling = max(re.findall(r"[A-Za-z0-9!/+_-]{6,}", text), key=len)
    for path in (tmp_path / "pkg").rglob("*"):
        if path.is_file():
            assert telling not in path.read_text(), path
    withheld = {f.cell for f in result.findings if f.code == "NBP110"}
    assert withheld == {2, 3, 4, 5}
    stubs = [t for t in result.plan.tests if "no test copies it" in t.reason]
    assert len(stubs) == 4
    assert json.dumps([t.reason for t in stubs]).count("cell ") == 4


@pytest.mark.parametrize(("text", "kind"), FAKE_SECRETS)
def test_no_secret_reaches_the_pipeline_tests(
    text: str, kind: str | None, make_nb: MakeNotebook, tmp_path: Path
) -> None:
    """A notebook that ran cleanly prints and shows a secret from its loose code
    (read from elsewhere, as from the environment): run()'s tests copy neither,
    and still pin what else it printed."""
    cells = [
        cell("import os", count=1),
        cell("value = os.environ.get('TOKEN', '')\nprint(value)", count=2,
             stdout=text + "\n"),
        cell("os.environ.get('TOKEN', '')", count=3, result=repr(text)),
        cell("print('rows:', 3)", count=4, stdout="rows: 3\n"),
    ]  # fmt: skip
    nb = make_nb(*cells)
    result = convert(nb, options=Options(output=tmp_path / "pkg"))
    telling = max(re.findall(r"[A-Za-z0-9!/+_-]{6,}", text), key=len)
    for path in (tmp_path / "pkg").rglob("*"):
        if path.is_file():
            assert telling not in path.read_text(), path
    assert {f.cell for f in result.findings if f.code == "NBP110"} == {2, 3}
    tests = (tmp_path / "pkg" / "tests" / "test_pipeline.py").read_text()
    assert '"rows: 3\\n" in printed' in tests


@pytest.mark.parametrize(
    "secret",
    [
        "123456789:AA" + "b" * 33,  # a Telegram token: digits first
        "SK" + "0" * 30 + "12",  # a Twilio key: digits last
        "AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_a_secret_beside_pasted_numbers_is_found(secret: str) -> None:
    """Long runs of numbers are passed over quickly, never the key beside them."""
    numbers = ", ".join(f"{i / 7:.6f}" for i in range(300))
    assert find_credential(f"data = [{numbers}, {secret}, {numbers}]")
    assert find_credential(f"data = ['{secret}', {numbers}]\n{numbers}")
    assert find_credential(f"data = [{numbers}]") is None
