"""The magics nb2pkg knows, and what it does with each (the README lists them).

A line magic not listed here is left out with a warning; so is a cell magic.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from nb2pkg.errors import Severity

INFO, WARNING = Severity.INFO, Severity.WARNING


class Action(enum.Enum):
    """What nb2pkg does with a magic; the value is how the README describes it."""

    RUN = "runs its statement as plain Python"
    DROP = "left out"
    INSTALL = "left out; its requirements become dependencies"
    ENV = "becomes `os.environ[...] = ...`"
    CD = "becomes `os.chdir(...)`"
    SHELL = "becomes `subprocess.run(...)` when assigned, else left out"
    PYLAB = "becomes `from pylab import *` plus numpy and pyplot imports"
    BODY = "the body is kept and runs once"


@dataclass(frozen=True, slots=True)
class Rule:
    """How one magic is handled, and how loudly it is reported."""

    action: Action
    severity: Severity = INFO


DROP_QUIET = Rule(Action.DROP)
# A magic nb2pkg does not know: left out, with a warning.
UNKNOWN = Rule(Action.DROP, WARNING)

# Line magics nb2pkg knows; any other is left out with a warning.
LINE_MAGICS: dict[str, Rule] = {
    **dict.fromkeys(("time", "timeit", "prun"), Rule(Action.RUN)),
    **dict.fromkeys(("pip", "conda", "mamba"), Rule(Action.INSTALL)),
    **dict.fromkeys(("env", "set_env"), Rule(Action.ENV)),
    "cd": Rule(Action.CD),
    **dict.fromkeys(("sx", "system"), Rule(Action.SHELL, WARNING)),
    "pylab": Rule(Action.PYLAB, WARNING),
    **dict.fromkeys(
        (
            "matplotlib", "load_ext", "reload_ext", "unload_ext", "autoreload",
            "aimport", "config", "who", "whos", "who_ls", "xmode", "precision", "pdb",
            "lsmagic", "magic", "pwd", "history", "connect_info", "qtconsole",
            "notebook", "tensorboard", "colors", "page", "pinfo", "pinfo2",
            "psearch", "doctest_mode", "automagic", "autocall", "bookmark", "dhist",
            "ls", "dirs", "alias_magic", "load_ipython_extension", "watermark",
        ),
        DROP_QUIET,
    ),
    **dict.fromkeys(
        (
            "run", "load", "store", "reset", "reset_selective", "debug", "paste",
            "cpaste", "macro", "recall", "rerun", "save", "edit", "alias", "unalias",
            "pushd", "popd", "bash", "sh",
        ),
        UNKNOWN,
    ),
}  # fmt: skip
# Cell magics nb2pkg knows; any other cell is left out with a warning.
CELL_MAGICS: dict[str, Rule] = {
    **dict.fromkeys(("time", "timeit", "prun", "capture"), Rule(Action.BODY)),
    **dict.fromkeys(
        ("html", "HTML", "javascript", "js", "latex", "markdown", "svg", "SVG"),
        DROP_QUIET,
    ),
    **dict.fromkeys(("bash", "sh", "script", "system", "writefile"), UNKNOWN),
}
# Options that take a value, per magic whose statement follows its options.
OPTIONS_WITH_VALUE: dict[str, frozenset[str]] = {
    "timeit": frozenset({"-n", "-r", "-p"}),
    "prun": frozenset({"-l", "-s", "-T", "-D"}),
}
NO_OPTIONS: frozenset[str] = frozenset()
