"""``Kernel``: a generated NumPy function and what keeps it accurate over the
whole float range, decided once per parameter values on ``check_grid``."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from . import _stable as st
from . import _taylor
from ._codegen import NAMESPACE, Printer, compensated, shared_subexpressions


def _ulps(got, want):
    """``|got - want|`` in ulps of ``want`` (0 where both are the same
    infinity or both NaN, inf where only one is finite)."""
    tiny = np.finfo(want.dtype).tiny
    with np.errstate(all="ignore"):
        err = np.abs(got.astype(np.float64) - want) / np.maximum(
            np.spacing(np.abs(want)).astype(np.float64), tiny
        )
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    return np.where(same, 0.0, np.where(np.isfinite(err), err, np.inf))


_SETTINGS = {
    "fully_qualified_modules": True,
    "inline": True,
    "allow_unknown_functions": True,  # the primitives, by name from KERNELS
}


class Kernel:
    """A compiled expression in ``var`` and the parameters, called as
    ``kernel(z, *values)`` on a float32 or float64 array.

    Around the generated code: NaN inputs give NaN (comparisons alone would
    drop them); float32 is computed in float64 only where a float32 run
    measurably loses accuracy (``needs_float64``); float64 far tails that
    over- or underflow inside are computed in long double (``tail``); an
    infinite input whose result would be NaN (``inf * 0``) takes the limit
    (``limit``); ``zeros`` kernels use Taylor expansions about the zeros
    where their terms cancel (``patches``). Each of these is decided once
    per parameter values, on ``check_grid``.
    """

    def __init__(self, expr: sp.Expr, var: sp.Symbol, params, zeros: bool = False):
        self.params = list(params)
        self.zeros = zeros
        self.expr = expr = st.for_kernels(expr)
        self.fn = sp.lambdify(
            [var, *params],
            compensated(expr),
            modules=[NAMESPACE, "numpy"],
            printer=Printer(_SETTINGS),
            cse=shared_subexpressions,
            docstring_limit=0,
        )
        self.constant = var not in expr.free_symbols
        self.compares = expr.has(sp.Piecewise, sp.sign, st._Extremum)
        self._facts: dict[tuple, object] = {}

    def _once(self, name, values, compute):
        key = (name, *values)
        if key not in self._facts:
            with np.errstate(all="ignore"):
                self._facts[key] = compute(list(values))
        return self._facts[key]

    def __call__(self, z: np.ndarray, *values) -> np.ndarray:
        if z.dtype == np.float32 and self.needs_float64(values):
            z = z.astype(np.float64)
        with np.errstate(all="ignore"):
            out = self._wide(z, values)
            if self._once("nan at inf", values, self._nan_at_inf):
                nan = np.isnan(out)
                if nan.any() and np.isinf(z[nan]).any():
                    for sign in (1, -1):
                        at = nan & (z == sign * np.inf)
                        if at.any():
                            out[at] = self.limit(sign, z.dtype, values)
            for patch in self.patches(values):
                patch.apply(out, z)
        return out

    def _raw(self, z, values):
        out = self.fn(z, *values)
        if self.constant or not isinstance(out, np.ndarray) or out.shape != z.shape:
            out = np.full(z.shape, out, dtype=z.dtype)
        elif out.dtype != z.dtype:
            out = out.astype(z.dtype)
        if self.constant or self.compares:
            nan = np.isnan(z)
            if nan.any():
                out[nan] = np.nan
        return out

    def _wide(self, z, values):
        """``_raw``, with the far tails in long double (see ``tail``)."""
        out = self._raw(z, values)
        tail = self.tail(values) if z.dtype == np.float64 else None
        if tail is not None:
            far = (np.abs(z) >= tail) & np.isfinite(z)  # (inf: see ``limit``)
            if far.any():
                out[far] = self._raw(z[far].astype(np.longdouble), values)
        return out

    def tail(self, values) -> float | None:
        """Beyond which ``|z|`` (64 at least) float64 input is computed in
        long double: where an intermediate over- or underflows in float64
        (``x**2`` at 1e155, a subnormal ``expit(-710)`` times 710) but not in
        the 15-bit exponent of x87 extended precision. Found by comparing
        the two on ``check_grid``; None where they agree to 2 ulps, where a
        primitive has no long double loop (erf) or long double is double."""
        return self._once("tail", values, self._tail)

    def _tail(self, values):
        if np.finfo(np.longdouble).nmant < 60:
            return None
        z = check_grid(np.float64)
        z = z[np.abs(z) >= 64]
        try:
            want = self._raw(z.astype(np.longdouble), values).astype(np.float64)
        except TypeError:
            return None
        bad = _ulps(self._raw(z, values), want) > 2
        return float(np.min(np.abs(z[bad]))) if bad.any() else None

    def _nan_at_inf(self, values) -> bool:
        # most kernels give no NaN at +-inf and skip looking at their NaNs
        return bool(np.isnan(self._raw(np.array([np.inf, -np.inf]), values)).any())

    def limit(self, sign: int, dtype, values) -> float:
        """The value at ``sign * inf``: NaN where the values at the largest
        float and at half of it disagree (no limit: the sine), infinite
        where they grow beyond 1e30."""
        top = np.finfo(dtype).max
        probe = np.array([sign * top, sign * top / 2], dtype=dtype)
        with np.errstate(all="ignore"):
            far, half = (float(v) for v in self._wide(probe, values))
        if math.isclose(far, half, rel_tol=1e-6, abs_tol=1e-300):
            return far
        if abs(far) > 1e30 and abs(far) > abs(half) and far * half > 0:
            return math.copysign(math.inf, far)
        return math.nan

    def has_limits(self, values) -> bool:
        """Whether the kernel has a limit (maybe infinite) at both infinities."""
        return self._once(
            "limits",
            values,
            lambda v: (
                not any(math.isnan(self.limit(s, np.float64, v)) for s in (1, -1))
            ),
        )

    def patches(self, values) -> tuple:
        """Taylor expansions about its zeros (``_taylor``), for ``zeros``
        kernels."""
        if not self.zeros:
            return ()
        return self._once(
            "taylor", values, lambda v: _taylor.patches(self, self.params, v)
        )

    def needs_float64(self, values) -> bool:
        """Whether float32 input must be computed in float64: a float32 run
        on ``check_grid`` is more than 3 ulps (or a different infinity) away
        from the float64 run rounded to float32, so possibly beyond the 4-ulp
        accuracy target."""
        return self._once("float64", values, self._needs_float64)

    def _needs_float64(self, values) -> bool:
        z = check_grid(np.float32)
        want = self._raw(z.astype(np.float64), values).astype(np.float32)
        return bool(np.max(_ulps(self._raw(z, values), want)) > 3)


def check_grid(dtype) -> np.ndarray:
    """Points over the whole float range: 0, the subnormals, a geometric sweep
    of every magnitude, dense sweeps of [-50, 50] and [-800, 800] (where
    exponentials over- and underflow), both signs."""
    fi = np.finfo(dtype)
    sub = float(np.nextafter(dtype(0), dtype(1)))
    top = np.nextafter(np.log2(float(fi.max)), 0)
    mags = np.exp2(np.linspace(np.log2(sub), top, 600))
    lin = np.concatenate([np.linspace(-50, 50, 2001), np.linspace(-800, 800, 1601)])
    pts = np.concatenate([[0.0, float(fi.max)], mags, -mags, lin, [-float(fi.max)]])
    with np.errstate(over="ignore"):
        pts = pts.astype(dtype)
    return np.unique(pts[np.isfinite(pts)])
