"""The stability audit: warnings, non-finite outputs, dtype drift, limits, NaN."""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np

from ..activations import Activation, get
from . import _reference as ref
from ._table import _vector_grid, grid


@dataclass
class Finding:
    """One stability problem: which call, on which dtype, what went wrong."""

    activation: str
    dtype: str
    method: str
    kind: str  # "warning", "non-finite", "dtype", "shape", "limit", "nan"
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.activation} [{self.dtype}] {self.method}"
        return f"{where}: {self.kind}: {self.detail}"


def _methods(act: Activation):
    yield "forward", act.forward
    yield "derivative", act.derivative
    yield "second_derivative", act.second_derivative
    if act.has_output_form:
        yield (
            "derivative_from_output",
            lambda z: act.derivative_from_output(act.forward(z)),
        )
        yield "vjp(a=)", lambda z: act.vjp(np.ones_like(z), a=act.forward(z))
    yield "vjp(z=)", lambda z: act.vjp(np.ones_like(z), z=z)


def _call(method, z):
    """Run ``method(z)`` with every floating-point event but underflow raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            return method(z)


_EXACT = {
    "forward": "f",
    "derivative": "df",
    "second_derivative": "d2f",
    "derivative_from_output": "df",
    "vjp(a=)": "df",
    "vjp(z=)": "df",
}


def _overflows(act, name, x, dtype) -> bool:
    """Whether the exact value at ``x`` is beyond the float range (so that
    ``inf`` is the correctly rounded answer)."""
    if act.vector:  # a log-softmax entry can be below -max (row -max, max)
        exact = ref.softmax_row(x, log=act.name == "log_softmax")
        return name == "forward" and min(exact) < -float(np.finfo(dtype).max)
    if name not in _EXACT:
        return False
    exact = ref.evaluate(ref.scalar_functions(act)[_EXACT[name]], float(x))
    return abs(exact) > float(np.finfo(dtype).max)


def _audit_one(act, dtype, name, method, findings):
    z = _vector_grid(dtype) if act.vector else grid(dtype)
    tag = dict(activation=act.spec, dtype=np.dtype(dtype).name, method=name)
    try:
        out = np.asarray(_call(method, z))
    except (FloatingPointError, Warning) as exc:
        findings.append(Finding(**tag, kind="warning", detail=str(exc)))
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = np.asarray(method(z))
    if out.dtype != np.dtype(dtype):
        findings.append(Finding(**tag, kind="dtype", detail=f"returned {out.dtype}"))
    lead = z.shape if not act.vector or name == "forward" else None
    if lead is not None and out.shape != lead and name.startswith(("forward", "vjp")):
        findings.append(
            Finding(**tag, kind="shape", detail=f"{z.shape} -> {out.shape}")
        )
    bad = ~np.isfinite(out.reshape(len(z), -1)).all(axis=-1)
    points = z[bad]
    wrong = [x for x in points[:50] if not _overflows(act, name, x, dtype)]
    if wrong:
        findings.append(
            Finding(**tag, kind="non-finite", detail=f"at z={_show(wrong[:5])}")
        )
    _limits_and_nan(act, dtype, name, method, tag, findings)


def _show(points) -> str:
    return ", ".join(str(np.asarray(p).tolist()) for p in points)


def _limits_and_nan(act, dtype, name, method, tag, findings):
    big = np.finfo(dtype).max
    if act.vector:
        probe = np.array(
            [[np.inf, 0.0], [-np.inf, 0.0], [big, 0.0], [-big, 0.0]]
            + [[big / 2, 0.0], [-big / 2, 0.0]],
            dtype,
        )
        nan_in = np.array([[np.nan, 0.0]], dtype)
    else:
        probe = np.array([np.inf, -np.inf, big, -big, big / 2, -big / 2], dtype)
        nan_in = np.array([np.nan], dtype)
    try:
        at = np.asarray(_call(method, probe), dtype=np.float64)
        nan_out = np.asarray(_call(method, nan_in))
    except (FloatingPointError, Warning) as exc:
        findings.append(Finding(**tag, kind="warning", detail=f"at +-inf/nan: {exc}"))
        return
    if not np.isnan(nan_out).all():
        findings.append(Finding(**tag, kind="nan", detail="NaN input did not give NaN"))
    if getattr(act, "has_limits", True):
        for i, side in ((0, "+inf"), (1, "-inf")):
            lim, far, half = at[i].ravel(), at[i + 2].ravel(), at[i + 4].ravel()
            # inf is the limit of what still grows towards the largest float
            growing = (np.abs(far) > 1e30) | (np.abs(far) > np.abs(half))
            same = np.isclose(lim, far, rtol=1e-6, atol=1e-30) | (
                np.isinf(lim) & growing & (np.sign(lim) == np.sign(far))
            )
            if not same.all():
                findings.append(
                    Finding(
                        **tag,
                        kind="limit",
                        detail=f"{side} gives {lim}, max gives {far}",
                    )
                )


def stability_audit(activation, dtypes=(np.float32, np.float64)) -> list[Finding]:
    """Every method of an activation on the whole-range grid, both dtypes.

    Finds floating-point warnings (overflow, invalid, divide by zero), non-finite
    results for finite input (unless the exact value is beyond the float
    range), dtype or shape drift, wrong limits at +-inf and NaN not propagated.
    An empty list means the activation passed.
    """
    act = get(activation)
    findings: list[Finding] = []
    for dtype in dtypes:
        for name, method in _methods(act):
            _audit_one(act, np.dtype(dtype).type, name, method, findings)
    return findings
