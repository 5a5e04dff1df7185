"""Run the notebook's code: ``python -m units``."""

import sys

if __name__ == "__main__":
    print(
        "nothing to run: the notebook left no code outside functions", file=sys.stderr
    )
