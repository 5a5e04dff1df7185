"""Iris species classifier."""

from .core import accuracy, make_model

__all__ = ["accuracy", "make_model"]
__version__ = "0.1.0"
