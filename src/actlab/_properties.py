"""What an activation does to a layer: its range, shape, saturation, and its
statistics under a Gaussian input, for built-ins and formulas alike.

>>> import actlab
>>> p = actlab.properties("relu")
>>> round(p["mean"], 5), round(p["stuck_fraction"], 3), p["max_abs_derivative"]
(0.39894, 0.5, 1.0)
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri

from .activations import get
from .errors import ActlabError
from .nn._init import activation_gain

#: |g'| below this counts as a "stuck" (saturated or dead) unit.
STUCK_BELOW = 1e-2
_GRID = np.linspace(-50.0, 50.0, 200_001)
_N = 400_000


def _values(act, z, derivative=False):
    """g(z) (or g'(z)) elementwise; vector activations in the two-class
    case, first component and diagonal Jacobian entry."""
    if act.vector:
        pair = np.stack([z, np.zeros_like(z)], axis=-1)
        if derivative:
            return act.derivative(pair)[..., 0, 0]
        return act.forward(pair)[..., 0]
    return act.derivative(z) if derivative else act.forward(z)


def properties(act, *, scale: float = 1.0, stuck_below: float = STUCK_BELOW) -> dict:
    """Range, bounded, monotonic, zero-centred, smoothness, kinks, saturation
    regions, max |g'|, and for ``z ~ N(0, scale^2)``: E[g(z)], Var[g(z)], the
    fraction of stuck units (|g'(z)| < ``stuck_below``) and the gain that
    keeps a layer's second moment (``1 / sqrt(E[g(z)^2])`` at scale 1).
    """
    act = get(act)
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise ActlabError(f"scale must be a positive number, got {scale!r}")
    with np.errstate(all="ignore"):
        # expectations on equal-probability quantiles: a midpoint rule that
        # does not mind kinks or jumps in g' (Gauss-Hermite would)
        quantiles = scale * ndtri((np.arange(_N) + 0.5) / _N)
        g = _values(act, quantiles)
        mean, var = float(np.mean(g)), float(np.var(g))
        dq = np.abs(_values(act, quantiles, derivative=True))
        d = np.abs(_values(act, _GRID, derivative=True))
    finite = d[np.isfinite(d)]
    low, high = act.output_range
    g0 = float(_values(act, np.zeros(1))[0])
    return {
        "spec": act.spec,
        "range": [low, high],
        "bounded": bool(math.isfinite(low) and math.isfinite(high)),
        "monotonic": bool(act.monotonic),
        "zero_centred": bool(g0 == 0 and low < 0),
        "smoothness": act.smoothness,
        "kinks": [k.at for k in act.kinks],
        "saturation": _saturation(d, stuck_below),
        "max_abs_derivative": float(finite.max()) if finite.size else math.nan,
        "scale": scale,
        "mean": mean,
        "variance": var,
        "stuck_fraction": float(np.mean(dq < stuck_below)),
        "stuck_below": stuck_below,
        "init_gain": activation_gain(act),
    }


def _saturation(d, below) -> list[str]:
    """Where |g'| stays below the threshold out to |z| = 50, as text."""
    alive = np.flatnonzero(~(d < below))
    if alive.size == 0:
        return ["everywhere"]
    regions = []
    if alive[0] > 0:
        regions.append(f"z < {_GRID[alive[0]]:.3g}")
    if alive[-1] < len(_GRID) - 1:
        regions.append(f"z > {_GRID[alive[-1]]:.3g}")
    return regions
