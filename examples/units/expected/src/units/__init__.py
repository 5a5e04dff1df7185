"""units."""

from .convert import to_celsius, Length, parse_length
from .geometry import hypotenuse

__all__ = ["to_celsius", "Length", "parse_length", "hypotenuse"]
__version__ = "0.1.0"
