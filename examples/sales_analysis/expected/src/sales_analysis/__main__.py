"""Run the notebook's code: ``python -m sales_analysis``."""

import pandas as pd

from sales_analysis.pipeline import run

if __name__ == "__main__":
    # Tables as the notebook showed them: a Jupyter kernel shows up to 20 columns.
    pd.set_option("display.max_columns", 20)
    run()
