"""The notebook's own code, in notebook order: ``python -m text_stats`` runs it.

Nothing runs on import; call ``run()``.
"""

from .core import Vocabulary, tokenize, top_words


def word_statistics():
    """Word statistics (cells 16-19)."""
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
    coverage("the lazy fox sleeps")

    # Cell 19
    top_words(pangram)


def run() -> None:
    """Run the notebook's steps in order."""
    word_statistics()
