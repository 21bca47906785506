"""Train on a dataset and predict on new data: what ``actlab train`` and
``actlab predict`` do, as functions.

A model trained here carries its preprocessing (``preprocessing_``): how the
CSV's columns became features (the schema: categories, fills), the
standardisation of each feature (mean and scale from the training split),
and for regression the standardisation of the target (undone on
prediction), so ``predict`` reads a new file exactly as the training file
was read and answers in the target's own units.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .datasets import NAMES, Dataset, load, read_csv
from .errors import ActlabError, did_you_mean
from .nn._estimators import MLPClassifier, MLPRegressor
from .nn._train import TrainingDiverged


class Unfinished(ActlabError):
    """Training ended before its end (divergence, Ctrl-C): ``model`` holds
    what it finished (the best weights, after a divergence) and ``code`` is
    the exit code the command should give."""

    def __init__(self, message, model, code):
        super().__init__(message)
        self.model, self.code = model, code


def load_data(source, target=None, *, task=None, impute=False, schema=None) -> Dataset:
    """A CSV file (by path) or a bundled dataset (by name)."""
    text = str(source)
    path = Path(text)
    if path.suffix.lower() == ".csv" or path.exists():
        if path.is_dir():
            raise ActlabError(f"{text} is a folder, not a CSV file")
        if target is None and schema is None:
            raise ActlabError(f"--target is required for a CSV file ({text})")
        return read_csv(path, target, task=task, impute=impute, schema=schema)
    if target is not None:
        raise ActlabError(
            f"--target names a CSV column; the bundled dataset {text!r} has its own"
        )
    if text.lower() not in NAMES:
        raise ActlabError(
            f"{text!r} is neither a CSV file nor a bundled dataset"
            f"{did_you_mean(text.lower(), NAMES)} (bundled: {', '.join(NAMES)})"
        )
    ds = load(text)
    if task is not None and task != ds.task:
        raise ActlabError(f"{ds.name} is a {ds.task} dataset, not {task}")
    return ds


@dataclass
class Metrics:
    """The headline metrics of a fitted model on one split."""

    split: str
    n: int
    values: dict

    def line(self) -> str:
        parts = ", ".join(f"{k} {v:.4f}" for k, v in self.values.items())
        return f"{self.split:<10} n={self.n:<6} {parts}"


def predict(model, X):
    """The model's predictions in the target's own units."""
    pred = model.predict(X)
    pre = getattr(model, "preprocessing_", None) or {}
    if "target_mean" in pre:
        pred = pred * np.asarray(pre["target_scale"]) + np.asarray(pre["target_mean"])
    return pred


def how_it_stopped(model) -> str:
    """One line: how many passes, and why training ended."""
    n, most = model.n_iter_, model.max_iter
    if model.solver == "lbfgs":
        why = "converged" if n < most else "reached --epochs"
        return f"L-BFGS: {n} iterations ({why})"
    if n >= most:
        return f"trained all {n} epochs"
    watched = "validation " + model.monitor if model.early_stopping else "training loss"
    return (
        f"stopped after {n} of {most} epochs: the {watched} did not improve "
        f"by {model.tol:g} for {model.n_iter_no_change} epochs"
    )


def metrics(model, X, y, split: str) -> Metrics:
    """Accuracy and log-loss (classification) or R^2 and MSE (regression), in
    the target's own units."""
    from sklearn.metrics import log_loss, mean_squared_error, r2_score

    if isinstance(model, MLPClassifier):
        proba = model.predict_proba(X)
        labels = model.classes_
        values = {"accuracy": float(np.mean(model.predict(X) == y))}
        if len(labels) > 1:
            values["log_loss"] = float(log_loss(y, proba, labels=labels))
    else:
        pred = predict(model, X)
        values = {"r2": float(r2_score(y, pred))}
        values["mse"] = float(mean_squared_error(y, pred))
    return Metrics(split, len(X), values)


def standardise(X, mean=None, scale=None):
    """``(X - mean) / scale``; the statistics from ``X`` when not given."""
    if mean is None:
        mean = X.mean(axis=0)
        scale = X.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
    return (X - np.asarray(mean)) / np.asarray(scale), mean, scale


def train(
    ds: Dataset,
    *,
    task=None,
    validation=0.2,
    random_state=0,
    **params,
):
    """Fit an estimator on ``ds`` with a held-out validation split.

    Returns ``(model, [train Metrics, validation Metrics])``; the model has
    ``preprocessing_`` for ``predict_data``.
    """
    from sklearn.model_selection import train_test_split

    task = task or ds.task
    if not 0 <= validation < 1:
        raise ActlabError(f"--validation must lie in [0, 1), got {validation}")
    X, y = ds.X, ds.y
    split = None
    if validation:
        stratify = None
        if task == "classification":
            _, counts = np.unique(y, return_counts=True)
            stratify = y if counts.min() >= 2 else None
        try:
            split = train_test_split(
                X, y, test_size=validation, random_state=random_state, stratify=stratify
            )
        except ValueError as exc:
            raise ActlabError(
                f"cannot hold out {validation} of {len(X)} rows: {exc}"
            ) from None
    Xa, Xb, ya, yb = split if split else (X, None, y, None)
    if task == "classification":
        from sklearn.utils.multiclass import type_of_target

        if type_of_target(y) == "continuous":
            raise ActlabError(
                "Unknown label type: the target is continuous, so it has no "
                "classes: use --task regression"
            )
    if task == "classification" and yb is not None:
        unseen = sorted({str(v) for v in set(yb.tolist()) - set(ya.tolist())})
        if unseen:
            raise ActlabError(
                f"the validation split holds the only rows of the classes "
                f"{', '.join(unseen[:5])}: give more rows of them, or --validation 0"
            )
    Xa, mean, scale = standardise(Xa)
    cls = MLPClassifier if task == "classification" else MLPRegressor
    model = cls(random_state=random_state, **params)
    Xb = None if Xb is None else standardise(Xb, mean, scale)[0]
    pre = {
        "dataset": ds.name,
        "schema": ds.schema,
        "feature_names": list(ds.feature_names),
        "mean": np.asarray(mean).tolist(),
        "scale": np.asarray(scale).tolist(),
    }
    ta, tb = ya, yb
    if task == "regression" and model._loss_name() != "poisson":  # counts stay
        tmean, tscale = float(np.mean(ya)), float(np.std(ya)) or 1.0
        pre.update(target_mean=tmean, target_scale=tscale)
        ta = (ya - tmean) / tscale
        tb = None if yb is None else (yb - tmean) / tscale
    model.preprocessing_ = pre
    try:
        model.fit(Xa, ta, validation_data=None if Xb is None else (Xb, tb))
    except TrainingDiverged as exc:
        raise Unfinished(str(exc), model, 2) from None
    except KeyboardInterrupt:
        if not hasattr(model, "network_"):
            raise
        raise Unfinished(
            f"interrupted after {model.n_iter_} epochs", model, 130
        ) from None
    report = [metrics(model, Xa, ya, "train")]
    if Xb is not None:
        report.append(metrics(model, Xb, yb, "validation"))
    return model, report


def prepare(model, source):
    """New data, read and standardised as the model's training data was:
    ``(X, y or None, Dataset)``."""
    pre = getattr(model, "preprocessing_", None)
    if pre is None:
        raise ActlabError(
            "this model has no record of its training data's preprocessing "
            "(it was not made by actlab train)"
        )
    if pre["schema"]:
        ds = load_data(source, schema=pre["schema"])
    elif str(source).lower() != pre["dataset"]:
        raise ActlabError(
            f"this model was trained on the bundled dataset {pre['dataset']!r}, "
            f"so it predicts on that ({pre['dataset']}), not on {source}"
        )
    else:
        ds = load(source)
    if ds.X.shape[1] != len(pre["mean"]):
        raise ActlabError(
            f"{source} gives {ds.X.shape[1]} features; the model was trained on "
            f"{len(pre['mean'])}"
        )
    X = standardise(ds.X, pre["mean"], pre["scale"])[0]
    return X, ds.y, ds


def unknown_labels(model, y) -> list:
    """The target values a classifier never saw (metrics cannot use them)."""
    if not isinstance(model, MLPClassifier) or model._multilabel:
        return []
    return sorted({str(v) for v in np.asarray(y)[~np.isin(y, model.classes_)]})


def predictions_table(model, X) -> tuple[list, list]:
    """Header and rows: the prediction, and each class's probability."""
    pred = predict(model, X)
    if isinstance(model, MLPClassifier) and not model._multilabel:
        proba = model.predict_proba(X)
        header = ["prediction", *[f"p({c})" for c in model.classes_]]
        rows = [
            [p, *(f"{v:.6g}" for v in row)] for p, row in zip(pred, proba, strict=True)
        ]
        return header, rows
    pred = np.asarray(pred).reshape(len(X), -1)
    header = (
        ["prediction"]
        if pred.shape[1] == 1
        else [f"y{i}" for i in range(pred.shape[1])]
    )
    return header, [
        [f"{v:.8g}" if isinstance(v, float) else v for v in row]
        for row in pred.tolist()
    ]
