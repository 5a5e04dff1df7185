"""Run the notebook's code: ``python -m text_stats``."""

from text_stats.pipeline import run

if __name__ == "__main__":
    run()
