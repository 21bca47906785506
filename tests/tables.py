"""The activation tables the tests run over, read from the registry."""

from __future__ import annotations

import actlab

#: Every registered activation with its defaults, plus parameter variants that
#: exercise the other code paths (non-unit beta, other alphas, tanh GELU).
VARIANTS = [
    "leaky_relu:alpha=0.2",
    "leaky_relu:alpha=-0.3",
    "elu:alpha=0.5",
    "elu:alpha=0.001",
    "elu:alpha=-0.5",
    "celu:alpha=3",
    "celu:alpha=0.5",
    "softplus:beta=2",
    "softplus:beta=0.3",
    "silu:beta=2",
    "gelu:approximate=tanh",
    "polynomial:coefficients=[-4,0,1]",
    "polynomial:coefficients=[1,-3,0,1]",
]
ALL = actlab.names() + VARIANTS
SCALAR = [s for s in ALL if not actlab.get(s).vector]
VECTOR = [s for s in ALL if actlab.get(s).vector]
WITH_OUTPUT_FORM = [s for s in ALL if actlab.get(s).has_output_form]
