"""Recognise credentials in text: provider tokens, keys, passwords, random strings.

Notebooks store what their cells printed and returned, and sometimes that is a
key. nb2pkg never copies such text into a generated test (``plan`` withholds
the test and says why) and ``check`` reports it (NBP109).

The rules are the kinds that maintained detectors (detect-secrets, gitleaks)
look for, written here as one table: detect-secrets would bring requests and
PyYAML, and its ad-hoc scan flags ordinary words as high-entropy strings. A
rule that matches is a credential; the pieces of text that only look random
are judged by their Shannon entropy, and only when long and mixed (letters of
both cases and digits), so hashes and identifiers stay test values.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of credential and the text that gives it away."""

    kind: str  # with its article, as a message says it: "an AWS access key"
    pattern: re.Pattern[str]


def _rule(kind: str, pattern: str, flags: int = 0) -> Rule:
    return Rule(kind, re.compile(pattern, flags))


# Values that stand for a secret without being one.
_PLACEHOLDER = re.compile(
    r"^(?:none|null|nil|true|false|undefined|secret|password|passwd|token|"
    r"changeme|example|placeholder|redacted|hidden|x+|\*+|\.+|-+|<.*>|\$\{.*\}|"
    r"\{.*\}|%s|\?+)$",
    re.IGNORECASE,
)

RULES: tuple[Rule, ...] = (
    _rule("a private key", r"-----BEGIN[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----"),
    _rule("an AWS access key", r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[0-9A-Z]{16}\b"),
    _rule(
        "an AWS secret key",
        r"aws_?secret_?(?:access_?)?key['\"]?\s*[:=]\s*['\"]?[A-Za-z0-9/+=]{40}",
        re.IGNORECASE,
    ),
    _rule("a GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{40,})"),
    _rule("a GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    _rule("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    _rule("a Slack webhook", r"hooks\.slack\.com/services/T\w+/B\w+/\w+"),
    _rule("a Stripe key", r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}"),
    _rule("an Anthropic key", r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
    _rule("an OpenAI key", r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}"),
    _rule("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    _rule("a Google OAuth secret", r"\bGOCSPX-[A-Za-z0-9_-]{28}"),
    _rule("a Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}"),
    _rule("a SendGrid key", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    _rule("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    _rule("a PyPI token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    _rule("a Twilio key", r"\bSK[0-9a-f]{32}\b"),
    _rule("a Mailgun key", r"\bkey-[0-9a-f]{32}\b"),
    _rule("a Shopify token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"),
    _rule("a DigitalOcean token", r"\bdo[opr]_v1_[a-f0-9]{64}\b"),
    _rule("a Databricks token", r"\bdapi[a-f0-9]{32}\b"),
    _rule("a Telegram bot token", r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b"),
    _rule(
        "an Azure storage key",
        r"AccountKey\s*=\s*[A-Za-z0-9+/]{80,}={0,2}",
        re.IGNORECASE,
    ),
    _rule(
        "a JSON Web Token",
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    ),
)

# A password in a URL: scheme://user:password@host.
_URL_PASSWORD = re.compile(
    r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:(?P<value>[^\s/@'\"]+)@"
)
# An assignment or a mapping entry of a secret: password=..., "api_key": "...".
_ASSIGNED = re.compile(
    r"(?<![A-Za-z])(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|"
    r"access[_-]?key|private[_-]?key|client[_-]?secret|auth|credentials?)"
    r"['\"]?\s*(?::|=|=>)\s*[bfr]?(?P<quote>['\"]?)(?P<value>[^\s'\",;)}\]]+)",
    re.IGNORECASE,
)
# A long run of numbers (data pasted into a cell) between separators. No rule
# finds a secret in one, nor across one: each needs a letter, or a run of
# numbers of less than this length, and the run begins and ends with a
# separator, so the numbers of a key beside it stay whole. Searching the text
# without them is a pass per rule over what can hold a secret.
_NUMBERS = re.compile(r"[\s.,][\d\s.,]{254,}[\s.,]")
# A run of characters a random key is written in.
_RANDOM_RUN = re.compile(r"[A-Za-z0-9+/_=-]{32,}")
_MIN_ENTROPY = 4.0  # bits per character
_MIN_SWITCHES = 0.45  # share of neighbouring characters of different classes


def find_credential(text: str, *, code: bool = False) -> str | None:
    """Return the kind of credential ``text`` seems to hold, or None.

    With ``code``, ``text`` is Python source: an assignment counts only with a
    string literal (``token = os.environ["TOKEN"]`` holds no secret).

    >>> find_credential("key: AKIAIOSFODNN7EXAMPLE")
    'an AWS access key'
    >>> find_credential("max_tokens=512") is None
    True
    """
    return _find(text, code)


# Several stages ask about the same text (a cell's outputs, its source).
@functools.lru_cache(maxsize=4096)
def _find(text: str, code: bool) -> str | None:
    text = _NUMBERS.sub(" ", text)
    for rule in RULES:
        if rule.pattern.search(text):
            return rule.kind
    for match in _URL_PASSWORD.finditer(text):
        if _secret_value(match.group("value")):
            return "a password in a URL"
    for match in _ASSIGNED.finditer(text):
        if code and not match.group("quote"):
            continue
        if _secret_value(match.group("value")):
            return "a password, secret, token or API key"
    for match in _RANDOM_RUN.finditer(text):
        if _looks_random(match.group(0)):
            return "a long random string (a key?)"
    return None


def _secret_value(value: str) -> bool:
    """Return True if an assigned value could be a real secret (not ``None``,
    ``***``, a placeholder or a number)."""
    value = value.strip("'\"")
    if len(value) < 6 or _PLACEHOLDER.match(value):
        return False
    return not re.fullmatch(r"[\d.,_]+", value)


def _looks_random(run: str) -> bool:
    """Return True for a long string of letters and digits mixed as chance mixes them.

    Random keys switch between lower case, upper case and digits at about
    three characters in five (at least 0.42 in 99 of 100 random 32-character
    keys); names and paths (``ThisIsAnIdentifier2024``) switch at under two
    in five, and their characters are less evenly spread.
    """
    classes = [
        "l" if c.islower() else "u" if c.isupper() else "d" for c in run if c.isalnum()
    ]
    if len(set(classes)) < 3:
        return False
    switches = sum(a != b for a, b in zip(classes, classes[1:], strict=False))
    if switches < _MIN_SWITCHES * (len(classes) - 1):
        return False
    counts = Counter(run)
    entropy = -sum(n / len(run) * math.log2(n / len(run)) for n in counts.values())
    return entropy >= _MIN_ENTROPY
