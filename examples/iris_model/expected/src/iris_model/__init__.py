"""Iris species classifier."""

from .core import make_model, accuracy

__all__ = ["make_model", "accuracy"]
__version__ = "0.1.0"
