"""Start the command line: ``python -m nb2pkg``, and the ``nb2pkg`` command."""

from __future__ import annotations

import sys


def main() -> None:
    """Import the command line and run it; Ctrl-C while it loads prints one line."""
    try:
        from nb2pkg.cli import main as command_line
    except (KeyboardInterrupt, RuntimeError) as exc:
        from nb2pkg.errors import by_ctrl_c

        if not by_ctrl_c(exc):
            raise
        sys.stderr.write("nb2pkg: interrupted\n")
        raise SystemExit(130) from None
    command_line()


if __name__ == "__main__":
    main()
