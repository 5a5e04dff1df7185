"""Keep credentials out of the tests: a test that would copy one becomes a skip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nb2pkg.credentials import find_credential
from nb2pkg.errors import Finding, finding
from nb2pkg.model import TestCase, TestKind
from nb2pkg.testgen.expected import unescaped


def withhold_credentials(
    tests: Sequence[TestCase],
) -> tuple[tuple[TestCase, ...], tuple[Finding, ...]]:
    """Return the tests with every one that would copy a credential made a skip.

    A recorded output that looks like a key or a password must not be copied
    into the package: its test skips and says why, and a finding names the cell.
    """
    kept: list[TestCase] = []
    findings: list[Finding] = []
    for test in tests:
        recorded = [test.expected, test.match, unescaped(test.match)]
        code = [test.expression, *test.given]
        (recorded if test.kind is TestKind.PANDAS else code).append(test.body)
        kind = next(
            filter(
                None,
                [
                    *(find_credential(t) for t in recorded),
                    *(find_credential(t, code=True) for t in code),
                ],
            ),
            None,
        )
        if kind is None:
            kept.append(test)
            continue
        where = f"cell {test.cell}" + (f" of {test.notebook}" if test.notebook else "")
        reason = f"{where} recorded what looks like {kind}; no test copies it"
        kept.append(
            replace(
                test,
                kind=TestKind.STUB,
                reason=reason,
                expression=""
                if find_credential(test.expression, code=True)
                else test.expression,
                expected="",
                match="",
                body="",
                given=(),
                setup=(),
                names=(),
            )
        )
        note = (
            f"its output looks like it holds {kind}: no test was made from it; "
            "clear the output, and revoke the credential"
        )
        findings.append(finding("NBP110", note, cell=test.cell))
    return tuple(kept), tuple(findings)
