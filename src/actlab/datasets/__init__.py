"""Datasets: the seed's problems, scikit-learn's bundled real datasets
(offline), and CSV files. ``load(name)`` serves the first two."""

from __future__ import annotations

from ..errors import ActlabError, did_you_mean
from ._csv import read_csv
from ._dataset import Dataset
from ._seed import SEED_PROBLEMS, seed_problem

#: scikit-learn's bundled datasets (they ship with the package: no download).
REAL = {
    "digits": ("load_digits", "classification"),
    "breast_cancer": ("load_breast_cancer", "classification"),
    "wine": ("load_wine", "classification"),
    "iris": ("load_iris", "classification"),
    "diabetes": ("load_diabetes", "regression"),
}
NAMES = (*SEED_PROBLEMS, *REAL)


def load(name: str, *, n: int | None = None, random_state=None) -> Dataset:
    """A seed problem (``n`` per centre, or points, and a seed) or a bundled
    real dataset by name.

    Examples
    --------
    >>> load("xor", n=10, random_state=0)
    Dataset('xor', classification, 40 samples, 2 features)
    >>> load("diabetes").task
    'regression'
    """
    key = str(name).lower()
    if key in SEED_PROBLEMS:
        return seed_problem(key, n, random_state)
    if key in REAL:
        import sklearn.datasets

        loader, task = REAL[key]
        bunch = getattr(sklearn.datasets, loader)()
        names = [str(f) for f in getattr(bunch, "feature_names", [])]
        return Dataset(key, bunch.data.astype(float), bunch.target, task, names)
    known = ", ".join(NAMES)
    raise ActlabError(
        f"unknown dataset {name!r}{did_you_mean(key, NAMES)} (known: {known})"
    )


__all__ = ["NAMES", "REAL", "SEED_PROBLEMS", "Dataset", "load", "read_csv"]
