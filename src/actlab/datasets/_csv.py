"""CSV files: a target column by name, numeric and one-hot categorical features."""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import ActlabError, did_you_mean
from ._dataset import Dataset

MISSING = {"", "na", "nan", "n/a", "null", "none", "?"}
TASKS = ("classification", "regression")


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _rows(path: Path):
    if not path.is_file():
        raise ActlabError(f"no such CSV file: {path}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    if not rows:
        raise ActlabError(f"{path} is empty: expected a header line and data rows")
    header = [h.strip() for h in rows[0]]
    if len(rows) < 2:
        raise ActlabError(f"{path} has a header but no data rows")
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ActlabError(
                f"{path} line {line} has {len(row)} fields, "
                f"the header has {len(header)}"
            )
    return header, [[c.strip() for c in row] for row in rows[1:]]


def _column(path, name, cells, impute):
    """Numeric column (n,) or one-hot block (n, k), with its feature names."""
    missing = [i for i, c in enumerate(cells) if c.lower() in MISSING]
    present = [c for c in cells if c.lower() not in MISSING]
    numbers = [_number(c) for c in present]
    if missing and not impute:
        raise ActlabError(
            f"{path}: missing value in column {name!r} at line {missing[0] + 2}"
            f" ({len(missing)} in all); pass impute=True (--impute) to fill them"
        )
    if not present:
        raise ActlabError(f"{path}: column {name!r} has no values")
    if all(v is not None for v in numbers):
        fill = float(np.mean(numbers))
        values = [fill if c.lower() in MISSING else float(c) for c in cells]
        return np.array(values)[:, None], [name]
    fill = Counter(present).most_common(1)[0][0]
    values = [fill if c.lower() in MISSING else c for c in cells]
    levels = sorted(set(values))
    onehot = np.array([[v == level for level in levels] for v in values], dtype=float)
    return onehot, [f"{name}={level}" for level in levels]


def _target(path, name, cells, task):
    bad = [i for i, c in enumerate(cells) if c.lower() in MISSING]
    if bad:
        raise ActlabError(
            f"{path}: missing target {name!r} at line {bad[0] + 2}; targets cannot "
            "be imputed"
        )
    numbers = [_number(c) for c in cells]
    numeric = all(v is not None for v in numbers)
    if task is None:
        few = numeric and len(set(numbers)) <= 20 and all(v == int(v) for v in numbers)
        task = "classification" if (not numeric or few) else "regression"
    if task == "regression":
        if not numeric:
            i = next(i for i, v in enumerate(numbers) if v is None)
            raise ActlabError(
                f"{path}: target {name!r} is not numeric (line {i + 2}: {cells[i]!r}),"
                " so it cannot be a regression target; use --task classification"
            )
        return np.array(numbers), task
    labels = np.array(numbers) if numeric else np.array(cells, dtype=object)
    return labels, task


def read_csv(path, target: str, *, task: str | None = None, impute: bool = False):
    """Load a CSV file with a header line.

    Parameters
    ----------
    path : str or Path
    target : str
        The target column's name.
    task : {"classification", "regression"}, optional
        Inferred when omitted: classification for a non-numeric target or for
        at most 20 distinct integer values, regression otherwise.
    impute : bool, default False
        Fill missing feature values (the column mean, or the most frequent
        category) instead of reporting the first one with its line and column.

    Returns
    -------
    Dataset
        Numeric columns as they are, non-numeric ones one-hot encoded (one
        feature ``"col=value"`` per category, sorted).
    """
    if task is not None and task not in TASKS:
        raise ActlabError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    path = Path(path)
    header, rows = _rows(path)
    if target not in header:
        raise ActlabError(
            f"{path} has no column {target!r}{did_you_mean(target, header)} "
            f"(columns: {', '.join(header)})"
        )
    columns = list(zip(*rows, strict=True))
    blocks, names = [], []
    for name, cells in zip(header, columns, strict=True):
        if name != target:
            block, block_names = _column(path, name, cells, impute)
            blocks.append(block)
            names += block_names
    if not blocks:
        raise ActlabError(f"{path} has no feature columns besides {target!r}")
    y, task = _target(path, target, columns[header.index(target)], task)
    return Dataset(path.stem, np.hstack(blocks), y, task, names, target)
