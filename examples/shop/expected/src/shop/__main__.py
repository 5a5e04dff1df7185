"""Run the notebooks' code: ``python -m shop``."""

from shop.pipelines import cart
from shop.pipelines import prices
from shop.pipelines import report

if __name__ == "__main__":
    cart.run()
    prices.run()
    report.run()
