"""Word statistics."""

from .core import tokenize, word_counts, top_words, Vocabulary, fibonacci

__all__ = ["tokenize", "word_counts", "top_words", "Vocabulary", "fibonacci"]
__version__ = "0.1.0"
