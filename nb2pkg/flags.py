"""The command line's options, declared once and shared by its commands.

Each is a type for a parameter of a typer command: the flag, its help, and its
kind. ``cli`` names the parameter after the ``Options`` field it sets.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer


class ModeChoice(str, enum.Enum):
    """``--mode``: which cells are converted (``Options.mode``)."""

    auto = "auto"
    tagged = "tagged"


class LayoutChoice(str, enum.Enum):
    """``--layout``: where the package sits (``Options.layout``)."""

    src = "src"
    flat = "flat"


class FormatChoice(str, enum.Enum):
    """``--format``: text for people (on stderr), JSON for programs (on stdout)."""

    text = "text"
    json = "json"


Notebooks = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="[NOTEBOOK|FOLDER]...",
        help="The notebook (.ipynb) to convert; several notebooks or folders "
        "make one package, a module per notebook [default: the notebooks "
        "[tool.nb2pkg] names].",
        show_default=False,
    ),
]
ExcludeOption = Annotated[
    str | None,
    typer.Option(
        "--exclude",
        metavar="REGEX",
        help="Leave out the notebooks and folders found in a folder whose path "
        "matches; what git ignores is left out too.",
    ),
]
ColorOption = Annotated[
    bool | None,
    typer.Option(
        "--color/--no-color",
        help="Colour the text [default: on a terminal, unless NO_COLOR is set].",
        show_default=False,
    ),
]
NameOption = Annotated[
    str | None,
    typer.Option("--name", metavar="NAME", help="Import name of the package."),
]
ModeOption = Annotated[
    ModeChoice | None,
    typer.Option(
        "--mode",
        help="auto: analysis places unmarked cells; tagged: only marked cells "
        "[default: tagged for nbdev notebooks, else auto].",
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]
DebugOption = Annotated[bool, typer.Option("--debug", hidden=True)]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Overwrite the files nb2pkg writes, even ones you edited; never "
        "anything else.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="List the files; write nothing.")
]
TestsOption = Annotated[
    bool, typer.Option("--tests/--no-tests", help="Generate tests from outputs.")
]
CellCommentsOption = Annotated[
    bool,
    typer.Option(
        "--cell-comments/--no-cell-comments",
        help="Put '# Cell N' before each cell's code in the pipeline's steps.",
    ),
]
PinOption = Annotated[
    bool, typer.Option("--pin", help="Pin dependencies to the installed versions.")
]
TemplateDirOption = Annotated[
    Path | None,
    typer.Option(
        "--template-dir",
        metavar="DIR",
        help="Templates that override the built-in ones.",
    ),
]
VerifyOption = Annotated[
    bool,
    typer.Option(
        "--verify",
        help="Run the notebook in a fresh kernel, then python -m PKG; exit 1 if the "
        "package does not print what the notebook did.",
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Refuse notebooks with hidden-state warnings.")
]
CheckOption = Annotated[
    bool,
    typer.Option(
        "--check", help="Write nothing; exit 1 if the package is out of date."
    ),
]
DiffOption = Annotated[
    bool,
    typer.Option(
        "--diff",
        help="Print a unified diff of each edited file against nb2pkg's version; "
        "with --check, of every file that would change.",
    ),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="List every finding.")
]
LayoutOption = Annotated[
    LayoutChoice,
    typer.Option(
        "--layout",
        help="src: src/<name>/; flat: <name>/.",
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Processes for analysing and formatting [default: every core].",
    ),
]
CacheOption = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache",
        help="Reuse the analysis and formatting of cells and files that did not "
        "change since the last conversion (kept in the user's cache directory).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="DIR", help="Package directory [default: ./<name>]."
    ),
]


FormatOption = Annotated[
    FormatChoice,
    typer.Option("--format", help="text (on stderr) or json (on stdout)."),
]


# nb2pkg check
CheckedNotebooks = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="[NOTEBOOK|FOLDER]...",
        help="Notebooks (.ipynb) or folders of them to check [default: the "
        "notebooks [tool.nb2pkg] names].",
        show_default=False,
    ),
]
SelectOption = Annotated[
    str | None,
    typer.Option(
        "--select", metavar="CODES", help="Only these codes or prefixes (NBP1)."
    ),
]
IgnoreOption = Annotated[
    str | None,
    typer.Option("--ignore", metavar="CODES", help="Never these codes or prefixes."),
]
NoOutputsOption = Annotated[
    bool, typer.Option("--no-outputs", help="Stored outputs are an error.")
]
MaxOutputOption = Annotated[
    int,
    typer.Option(
        "--max-output-size", min=0, metavar="N", help="Characters of output per cell."
    ),
]
ExecuteOption = Annotated[
    bool, typer.Option("--execute", help="Run in a fresh kernel; compare the outputs.")
]
TimeoutOption = Annotated[
    int,
    typer.Option(
        "--timeout", min=1, metavar="SECONDS", help="Seconds per cell with --execute."
    ),
]
