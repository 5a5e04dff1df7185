"""Weather report."""

__all__ = []
__version__ = "0.1.0"
