"""Weight initialisation, including a gain derived from the activation itself."""

from __future__ import annotations

import math

import numpy as np

from ..activations import Activation
from ..errors import ActlabError, did_you_mean

INITS = ("uniform", "glorot", "he", "lecun", "auto")


def activation_gain(act: Activation, points: int = 64) -> float:
    """``1 / sqrt(E[g(z)^2])`` for ``z ~ N(0, 1)``, by Gauss-Hermite quadrature.

    Scaling weights by it keeps the second moment of a layer's outputs equal to
    that of its inputs, for any activation (relu: sqrt(2), the He gain; tanh:
    about 1.59; identity: 1).
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(points)
    weights = weights / math.sqrt(2 * math.pi)
    if act.vector:
        values = act.forward(np.stack([nodes, np.zeros_like(nodes)], axis=-1))[:, 0]
    else:
        values = act.forward(nodes)
    with np.errstate(over="ignore", invalid="ignore"):  # a huge polynomial
        second = float(np.sum(weights * values**2))
    return 1.0 / math.sqrt(second) if 0 < second < math.inf else 1.0


def init_weights(name: str, n_in: int, n_out: int, act: Activation, rng) -> np.ndarray:
    """Weights of shape (n_in, n_out) by the named scheme."""
    if name == "uniform":  # the seed's
        return rng.uniform(-0.5, 0.5, (n_in, n_out))
    if name == "glorot":
        limit = math.sqrt(6 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_in, n_out))
    if name == "he":
        return rng.normal(0, math.sqrt(2 / n_in), (n_in, n_out))
    if name == "lecun":
        return rng.normal(0, math.sqrt(1 / n_in), (n_in, n_out))
    if name == "auto":
        return rng.normal(0, activation_gain(act) / math.sqrt(n_in), (n_in, n_out))
    known = ", ".join(INITS)
    raise ActlabError(
        f"unknown init {name!r}{did_you_mean(str(name), INITS)} (known: {known})"
    )
