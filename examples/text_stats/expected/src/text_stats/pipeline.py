"""The notebook's own code, in notebook order: ``python -m text_stats`` runs it.

Nothing runs on import; call ``run()``.
"""

import re

from .core import Vocabulary, fibonacci, top_words
from .core import tokenize as _tokenize

# run() rebinds these names, as the notebook did.
tokenize = _tokenize


def _show(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if isinstance(value, type):  # IPython shows a class by its dotted name
        name, module = value.__qualname__, value.__module__
        print(name if module == "builtins" else f"{module}.{name}")
    elif value is not None:
        text = repr(value)
        if not text.lstrip("[(").startswith("<"):
            print(text)


def word_statistics():
    """Word statistics."""
    global tokenize

    # Cell 5
    def tokenize(text):
        return text.split()

    # Cell 6
    _show(tokenize("Hello, world!"))

    # Cell 8
    def tokenize(text):
        """Return the lower-case words of ``text``, without punctuation."""
        return re.findall(r"[a-z']+", text.lower())

    # Cell 9
    _show(tokenize("Hello, world!"))

    # Cell 11
    _show(top_words("the cat and the hat and the bat sat on the cat", 2))

    # Cell 14
    _show([fibonacci(i) for i in range(10)])

    # Cell 15
    _show(fibonacci(30))

    # Cell 16
    pangram = "The quick brown fox jumps over the lazy dog and the quick cat"
    vocab = Vocabulary()
    for word in tokenize(pangram):
        vocab.add(word)
    print(len(vocab), "distinct words")

    # Cell 17
    def coverage(text):
        """Return the share of the words of ``text`` that the vocabulary knows."""
        words = tokenize(text)
        return sum(w in vocab.ids for w in words) / len(words)

    # Cell 18
    _show(coverage("the lazy fox sleeps"))

    # Cell 19
    _show(top_words(pangram))


def run() -> None:
    """Run the notebook's steps in order."""
    word_statistics()
