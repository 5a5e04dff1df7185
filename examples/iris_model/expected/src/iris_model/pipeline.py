"""The notebook's own code, in notebook order: ``python -m iris_model`` runs it.

Nothing runs on import; call ``run()``.
"""

from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

from .core import SEED, TEST_SIZE, accuracy, make_model


def _show(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if isinstance(value, type):  # IPython shows a class by its dotted name
        name, module = value.__qualname__, value.__module__
        print(name if module == "builtins" else f"{module}.{name}")
    elif value is not None:
        text = repr(value)
        if not text.lstrip("[(").startswith("<"):
            print(text)


def iris_species_classifier():
    """Iris species classifier."""
    # Cell 6
    _show(accuracy([0, 1, 1], [0, 1, 0]))

    # Cell 7
    _show(accuracy([2, 2, 1, 0], [2, 2, 1, 0]))


def train():
    """Train."""
    # Cell 9
    iris = load_iris()
    X_train, X_test, y_train, y_test = train_test_split(
        iris.data,
        iris.target,
        test_size=TEST_SIZE,
        random_state=SEED,
        stratify=iris.target,
    )
    _show(X_train.shape)

    # Cell 10
    model = make_model(C=0.5)
    _show(model.fit(X_train, y_train))

    # Cell 11
    def species_name(index):
        """Return the species name for a class index."""
        return str(iris.target_names[index])

    # Cell 12
    score = accuracy(y_test, model.predict(X_test))
    print(f"test accuracy: {score:.3f}")

    # Cell 13
    _show(species_name(model.predict([[5.1, 3.5, 1.4, 0.2]])[0]))


def run() -> None:
    """Run the notebook's steps in order."""
    iris_species_classifier()
    train()
