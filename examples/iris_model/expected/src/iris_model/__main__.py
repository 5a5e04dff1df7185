"""Run the notebook's code: ``python -m iris_model``."""

from iris_model.pipeline import run

if __name__ == "__main__":
    run()
