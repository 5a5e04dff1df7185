"""Read the requirements of install lines: ``%pip``, ``!pip`` and ``%conda install``."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement

_INSTALL = re.compile(
    r"(?:(?:python[\d.]*|py)\s+-m\s+)?(?P<tool>pip[\d.]*|conda|mamba)\s+install\b(?P<args>.*)"
)
# pip options that take a value (the next word), and those that do not need one.
_PIP_VALUE = frozenset(
    {
        "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f",
        "--find-links", "-t", "--target", "--prefix", "--root", "--upgrade-strategy",
        "--src", "--python-version", "--platform", "--implementation", "--abi",
        "--only-binary", "--no-binary", "--progress-bar", "--log", "--cache-dir",
        "--trusted-host", "--proxy", "--timeout", "--retries", "-e", "--editable",
    }
)  # fmt: skip
_CONDA_VALUE = frozenset({"-c", "--channel", "-n", "--name", "-p", "--prefix"})
_REQUIREMENT_FILE = frozenset({"-r", "--requirement", "--file"})


@dataclass(slots=True)
class ParsedInstall:
    """What one install command asks for."""

    tool: str
    requirements: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_install(command: str) -> ParsedInstall | None:
    """Return the requirements of ``command`` (``pip install ...``), or None.

    >>> parse_install("pip install -q -U 'pandas==2.1' numpy").requirements
    ['pandas==2.1', 'numpy']
    """
    match = _INSTALL.fullmatch(command.strip())
    if match is None:
        return None
    tool = "conda" if match.group("tool") in ("conda", "mamba") else "pip"
    parsed = ParsedInstall(tool)
    try:
        words = shlex.split(match.group("args"), comments=True)
    except ValueError:
        parsed.problems.append("cannot split the command line")
        return parsed
    takes_value = _CONDA_VALUE if tool == "conda" else _PIP_VALUE
    i = 0
    while i < len(words):
        word = words[i]
        name = word.split("=", 1)[0]
        if name in _REQUIREMENT_FILE:
            value = word.split("=", 1)[1] if "=" in word else _at(words, i + 1)
            if value:
                parsed.files.append(value)
            i += 1 if "=" in word else 2
            continue
        if word.startswith("-"):
            i += 2 if (name in takes_value and "=" not in word) else 1
            continue
        _add_requirement(parsed, word)
        i += 1
    return parsed


def _at(words: list[str], i: int) -> str:
    return words[i] if i < len(words) else ""


def _add_requirement(parsed: ParsedInstall, word: str) -> None:
    if "$" in word or "{" in word:
        parsed.problems.append(f"`{word}` uses a notebook variable")
        return
    text = _from_conda(word) if parsed.tool == "conda" else word
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        parsed.problems.append(f"`{word}` is not a requirement nb2pkg can declare")
        return
    parsed.requirements.append(str(requirement))


def _from_conda(spec: str) -> str:
    """Return a conda spec (``conda-forge::pkg=1.2``) as a PEP 508 requirement."""
    spec = spec.split("::")[-1]
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+)=([^=<>!~].*)", spec)
    if match:
        return f"{match.group(1)}=={match.group(2)}"
    return spec


def read_requirement_lines(text: str) -> list[str]:
    """Return the requirements in a requirements file (no comments or options)."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            found.append(str(Requirement(line)))
        except InvalidRequirement:
            continue
    return found
