"""units."""

from .convert import Length, parse_length, to_celsius
from .geometry import hypotenuse

__all__ = ["Length", "hypotenuse", "parse_length", "to_celsius"]
__version__ = "0.1.0"
