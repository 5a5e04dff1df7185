"""Run the notebook's code: ``python -m weather_report``."""

from weather_report.pipeline import run

if __name__ == "__main__":
    run()
