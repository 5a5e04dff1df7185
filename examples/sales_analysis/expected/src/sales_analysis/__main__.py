"""Run the notebook's code: ``python -m sales_analysis [--figures DIR]``."""

import argparse
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from sales_analysis import pipeline

# The steps of run(), in order: with --figures, each one's figures are saved.
STEPS = (
    "the_data",
    "revenue",
    "growth",
)


def save_figures(folder: Path) -> None:
    """Save the figures each step draws as PNGs in ``folder``, named after it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in STEPS:
        step = getattr(pipeline, name)
        setattr(pipeline, name, _saving(step, name, folder))


def _saving(step: Callable[..., Any], name: str, folder: Path) -> Callable[..., Any]:
    """Return ``step``, saving and closing the figures it leaves open."""

    def run_and_save(*args: Any, **kwargs: Any) -> Any:
        result = step(*args, **kwargs)
        for count, number in enumerate(plt.get_fignums(), start=1):
            plt.figure(number).savefig(folder / f"{name}-{count}.png")
        plt.close("all")
        return result

    return run_and_save


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        prog="python -m sales_analysis", description="Run the notebook's code."
    )
    parser.add_argument(
        "--figures",
        type=Path,
        metavar="DIR",
        help="save the figures the notebook drew as DIR/<step>-<n>.png",
    )
    arguments = parser.parse_args()
    # Figures are drawn, not shown in windows: the notebook showed them inline.
    if "MPLBACKEND" not in os.environ:
        matplotlib.use("Agg")
    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
    if arguments.figures is not None:
        save_figures(arguments.figures)
    # Tables as the notebook showed them: a Jupyter kernel shows up to 20 columns.
    pd.set_option("display.max_columns", 20)
    pipeline.run()
