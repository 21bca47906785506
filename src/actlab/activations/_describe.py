"""Plain-data descriptions of activations, for ``actlab list`` and ``show``."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ._base import Activation
from ._registry import activation_class, names


def _num(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.6g}"


def describe(act: Activation) -> dict:
    """Metadata of an activation as JSON-ready data.

    Examples
    --------
    >>> import actlab
    >>> d = describe(actlab.get("relu"))
    >>> d["output_form"], d["kinks"]
    (True, [{'at': 0.0, 'derivative': 0.0, 'note': ''}])
    """
    cls = type(act)
    low, high = act.output_range
    return {
        "name": act.name,
        "spec": act.spec,
        "aliases": list(cls.aliases),
        "parameters": {
            f.name: list(f.default) if isinstance(f.default, tuple) else f.default
            for f in dataclasses.fields(cls)
        },
        "values": {
            k: list(v) if isinstance(v, tuple) else v for k, v in act.params.items()
        },
        "range": [_num(low), _num(high)],
        "monotonic": act.monotonic,
        "smoothness": act.smoothness,
        "output_form": act.has_output_form,
        "output_form_note": act._output_form_refusal(),
        "kinks": [dataclasses.asdict(k) for k in act.kinks],
        "vector": act.vector,
        "formula": act.formula,
        "output_formula": act.output_formula if act.has_output_form else None,
        "latex": act.latex,
        "latex_derivative": act.latex_derivative,
        "latex_output_form": act.latex_output_form if act.has_output_form else None,
        "summary": act.summary,
    }


def catalog() -> list[dict]:
    """``describe`` of every registered activation, with default parameters."""
    return [describe(activation_class(n)()) for n in names()]


def sample_values(act: Activation, points=(-3.0, -1.0, 0.0, 1.0, 3.0)) -> list[dict]:
    """A few values of f, f', f'' (and the output form) for ``actlab show``."""
    if act.vector:
        z = np.array(points)
        rows = [{"z": list(points), "f": act.forward(z).tolist()}]
        return rows
    z = np.array(points)
    f, df, d2f = act.forward(z), act.derivative(z), act.second_derivative(z)
    h = act.derivative_from_output(f) if act.has_output_form else [None] * len(z)
    return [
        {
            "z": float(a),
            "f": float(b),
            "df": float(c),
            "d2f": float(d),
            "df_from_output": None if e is None else float(e),
        }
        for a, b, c, d, e in zip(z, f, df, d2f, h, strict=True)
    ]


__all__ = ["catalog", "describe", "sample_values"]
