"""A dataset: features, target, task and names."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    """``X`` (n_samples, n_features), ``y`` (n_samples,), the task
    ("classification" or "regression"), and the column names."""

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: list = field(default_factory=list)
    target_name: str = "target"
    #: The noise-free target, for the seed's regression problems (the noise
    #: ceiling is the R^2 of this on noisy targets).
    clean: np.ndarray | None = None
    #: How a CSV file's columns became features (``read_csv(..., schema=)``
    #: reads new data the same way); None for the bundled datasets.
    schema: dict | None = None

    @property
    def n_samples(self) -> int:
        return len(self.X)

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, {self.task}, {self.X.shape[0]} samples, "
            f"{self.X.shape[1]} features)"
        )
