"""The seed's problems, generated as SEED-EXPERIMENTS.md describes.

Classification (2-D inputs, binary labels): AND, OR, XOR on the four corners
of the unit square, RING on nine centres (the centre is class 0), each
centre repeated ``n`` times with Gaussian noise of standard deviation 0.15.
Regression (1-D input): SIN ``y = 2.5 + sin(x)``, ABS ``y = |x|``, on 200
evenly spaced ``x`` in [-5, 5] with noise of standard deviation 0.5, rows
shuffled.
"""

from __future__ import annotations

import numpy as np

from ._dataset import Dataset

CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
RING_CENTRES = np.array(
    [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5], [1, 0.5], [0, 0.5], [0.5, 0], [0.5, 1]]
)
_LOGIC = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
}


def logic(name: str, n: int = 50, noise: float = 0.15, random_state=None) -> Dataset:
    """AND, OR or XOR: each corner ``n`` times, labels from the clean corner."""
    rng = np.random.default_rng(random_state)
    centres = np.repeat(CORNERS, n, axis=0)
    bits = centres.astype(int)
    y = _LOGIC[name](bits[:, 0], bits[:, 1])
    X = centres + rng.normal(0, noise, centres.shape)
    return Dataset(name, X, y, "classification", ["x1", "x2"], "label")


def ring(n: int = 50, noise: float = 0.15, random_state=None) -> Dataset:
    """Nine centres; the centre (0.5, 0.5) is class 0, the eight others 1."""
    rng = np.random.default_rng(random_state)
    centres = np.repeat(RING_CENTRES, n, axis=0)
    y = (~np.all(centres == 0.5, axis=1)).astype(int)
    X = centres + rng.normal(0, noise, centres.shape)
    return Dataset("ring", X, y, "classification", ["x1", "x2"], "label")


def curve(name: str, n: int = 200, noise: float = 0.5, random_state=None) -> Dataset:
    """SIN (``2.5 + sin x``) or ABS (``|x|``) on ``n`` points of [-5, 5]."""
    rng = np.random.default_rng(random_state)
    x = np.linspace(-5, 5, n)
    clean = 2.5 + np.sin(x) if name == "sin" else np.abs(x)
    order = rng.permutation(n)
    y = clean + rng.normal(0, noise, n)
    ds = Dataset(name, x[order, None], y[order], "regression", ["x"], "y")
    ds.clean = clean[order]
    return ds


SEED_PROBLEMS = ("and", "or", "xor", "ring", "sin", "abs")


def seed_problem(name: str, n: int | None = None, random_state=None) -> Dataset:
    if name in _LOGIC:
        return logic(name, 50 if n is None else n, random_state=random_state)
    if name == "ring":
        return ring(50 if n is None else n, random_state=random_state)
    return curve(name, 200 if n is None else n, random_state=random_state)
