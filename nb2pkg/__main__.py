"""Run the command line: ``python -m nb2pkg``."""

from nb2pkg.cli import main

main()
