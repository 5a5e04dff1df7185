"""Run the notebooks' code: ``python -m shop``."""

from shop.pipelines import cart
from shop.pipelines import report

if __name__ == "__main__":
    cart.run()
    report.run()
