"""Functions, classes and constants extracted from the notebook."""

import re
from collections import Counter

STOP_WORDS = frozenset({"the", "a", "an", "and", "of", "over"})


def tokenize(text):
    """Return the lower-case words of ``text``, without punctuation."""
    return re.findall(r"[a-z']+", text.lower())


def word_counts(text, stop_words=STOP_WORDS):
    """Return a Counter of the words of ``text``, stop words left out."""
    return Counter(w for w in tokenize(text) if w not in stop_words)


def top_words(text, n=3):
    """Return the ``n`` most frequent words as (word, count) pairs."""
    return word_counts(text).most_common(n)


class Vocabulary:
    """Map words to integer ids, in order of first appearance."""

    def __init__(self):
        self.ids = {}

    def add(self, word):
        # a new word gets the next free id
        return self.ids.setdefault(word, len(self.ids))

    def __len__(self):
        return len(self.ids)


def fibonacci(n):
    """Return the n-th Fibonacci number (0, 1, 1, 2, ...)."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a
