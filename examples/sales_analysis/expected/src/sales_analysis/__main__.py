"""Run the notebook's code: ``python -m sales_analysis``."""

from sales_analysis.pipeline import run

if __name__ == "__main__":
    run()
