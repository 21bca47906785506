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
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [r for r in csv.reader(handle) if any(cell.strip() for cell in r)]
    except UnicodeDecodeError as exc:
        raise ActlabError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise ActlabError(f"{path} is not a readable CSV file: {exc}") from None
    if not rows:
        raise ActlabError(f"{path} is empty: expected a header line and data rows")
    header = [h.strip() for h in rows[0]]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise ActlabError(
            f"{path}: the column {twice[0]!r} appears twice in the header"
        )
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
    """The column's schema: numeric (with its mean as the fill) or
    categorical (its sorted levels, the most frequent as the fill)."""
    present = [c for c in cells if c.lower() not in MISSING]
    if not present:
        raise ActlabError(f"{path}: column {name!r} has no values")
    numbers = []  # one parse per cell: a number, or None for text
    for line, cell in enumerate(cells, start=2):
        if cell.lower() in MISSING:
            continue
        try:
            value = float(cell)
        except ValueError:
            numbers.append(None)
            continue
        if not math.isfinite(value):
            raise ActlabError(
                f"{path}: column {name!r} has the non-finite number {cell!r} at "
                f"line {line}"
            )
        numbers.append(value)
    if all(v is not None for v in numbers):
        column = {"name": name, "kind": "numeric", "fill": float(np.mean(numbers))}
    else:
        fill = Counter(present).most_common(1)[0][0]
        column = {"name": name, "kind": "categorical", "fill": fill}
        column["levels"] = sorted(set(present))
    column["impute"] = bool(impute)
    return column


def _report_missing(path, columns, cells, trained: bool) -> None:
    """One line for all the missing feature values that will not be filled."""
    holes = [
        (column["name"], line)
        for column in columns
        if not column["impute"]
        for line, cell in enumerate(cells[column["name"]], start=2)
        if cell.lower() in MISSING
    ]
    if not holes:
        return
    where = {name for name, _ in holes}
    name, line = min(holes, key=lambda h: h[1])
    fix = (
        "the model was trained without --impute, so fill them or retrain with --impute"
        if trained
        else "pass impute=True (--impute) to fill them"
    )
    raise ActlabError(
        f"{path}: {len(holes)} missing value{'s' * (len(holes) > 1)} in "
        f"{len(where)} column{'s' * (len(where) > 1)} (first: column {name!r} at "
        f"line {line}); {fix}"
    )


def _encode(path, column, cells):
    """A column's cells as features: (n, 1) numbers or an (n, k) one-hot
    block, with the feature names, following the column's schema."""
    name = column["name"]
    values = [column["fill"] if c.lower() in MISSING else c for c in cells]
    if column["kind"] == "numeric":
        numbers = [_number(str(v)) for v in values]
        if None in numbers:
            i = numbers.index(None)
            raise ActlabError(
                f"{path}: column {name!r} must be numeric, but line {i + 2} has "
                f"{cells[i]!r}"
            )
        return np.array(numbers)[:, None], [name]
    levels = column["levels"]
    unseen = sorted(set(values) - set(levels))
    if unseen:
        raise ActlabError(
            f"{path}: column {name!r} has the value {unseen[0]!r}, not seen in "
            f"training (seen: {', '.join(levels)})"
        )
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
    if numeric and all(v == int(v) for v in numbers):
        return np.array([int(v) for v in numbers]), task  # 0/1, not 0.0/1.0
    labels = np.array(numbers) if numeric else np.array(cells, dtype=object)
    return labels, task


def read_csv(
    path,
    target: str | None = None,
    *,
    task: str | None = None,
    impute: bool = False,
    schema: dict | None = None,
):
    """Load a CSV file with a header line.

    Parameters
    ----------
    path : str or Path
    target : str
        The target column's name (optional with a ``schema``: new data to
        predict may lack it).
    task : {"classification", "regression"}, optional
        Inferred when omitted: classification for a non-numeric target or for
        at most 20 distinct integer values, regression otherwise.
    impute : bool, default False
        Fill missing feature values (the column mean, or the most frequent
        category) instead of reporting the first one with its line and column.
    schema : dict, optional
        The ``schema`` of a dataset read before (a model's training data):
        the same columns, categories and fills are used, so new data is
        encoded exactly as the training data was; its extra columns are
        ignored and a missing one is an error.

    Returns
    -------
    Dataset
        Numeric columns as they are, non-numeric ones one-hot encoded (one
        feature ``"col=value"`` per category, sorted); ``schema`` says how,
        and ``y`` is None when a schema is given and the target is absent.
    """
    if task is not None and task not in TASKS:
        raise ActlabError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    path = Path(path)
    header, rows = _rows(path)
    if schema is not None:
        target = schema["target"] if target is None else target
        task = schema["task"]
    if target is None:
        raise ActlabError(f"name the target column of {path} (columns: {header})")
    if target not in header and schema is None:
        raise ActlabError(
            f"{path} has no column {target!r}{did_you_mean(target, header)} "
            f"(columns: {', '.join(header)})"
        )
    cells = dict(zip(header, zip(*rows, strict=True), strict=True))
    if schema is None:
        columns = [_column(path, h, cells[h], impute) for h in header if h != target]
        if not columns:
            raise ActlabError(f"{path} has no feature columns besides {target!r}")
    else:
        columns = schema["columns"]
        absent = [c["name"] for c in columns if c["name"] not in cells]
        if absent:
            raise ActlabError(
                f"{path} lacks the column {absent[0]!r} the model was trained on "
                f"(it needs: {', '.join(c['name'] for c in columns)})"
            )
    _report_missing(path, columns, cells, trained=schema is not None)
    blocks, names = [], []
    for column in columns:
        block, block_names = _encode(path, column, cells[column["name"]])
        blocks.append(block)
        names += block_names
    y = None
    if target in cells:
        y, task = _target(path, target, cells[target], task)
    ds = Dataset(path.stem, np.hstack(blocks), y, task, names, target)
    ds.schema = {"target": target, "task": task, "columns": columns}
    return ds
