"""Functions, classes and constants extracted from the notebook."""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

SEED = 42
TEST_SIZE = 0.25


def make_model(C=1.0):
    """Return an unfitted scaler + logistic-regression pipeline."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=500))


def accuracy(y_true, y_pred):
    """Return the share of predictions that are right."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("y_true and y_pred differ in length")
    return float((y_true == y_pred).mean())
