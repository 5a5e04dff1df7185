"""Word statistics."""

from .core import Vocabulary, fibonacci, tokenize, top_words, word_counts

__all__ = ["Vocabulary", "fibonacci", "tokenize", "top_words", "word_counts"]
__version__ = "0.1.0"
