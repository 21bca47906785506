"""Taylor expansions about the zeros of a kernel, where its terms cancel.

Near a simple zero ``x0`` of ``g'`` (silu' at -1.278, gelu' at -0.752) the
generated formula subtracts two nearly equal terms and loses relative
precision in proportion to ``1 / |x - x0|``. As the built-ins do by hand
(``activations._taylor``), a kernel that measurably loses accuracy next to a
zero uses ``sum_k c_k d^k`` in a window around it, ``d = (x - x0_hi) -
x0_lo``. Everything is found when the formula is defined: the zero by
mpmath's ``findroot`` at 40 digits, the coefficients by Cauchy's integral on
a circle inside the radius of convergence (N evaluations and a discrete
Fourier sum), the window and the degree from that radius, and the result
checked against mpmath inside the window before it is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import scipy.optimize as so
import sympy as sp

from . import _stable as st
from ._grammar import X

DPS = 40
_POINTS = 64  # evaluations on the circle
_BITS = 56  # truncation error of the series relative to its first term


@dataclass(frozen=True)
class Patch:
    """``sum_k coeffs[k] d^(k+1)`` for ``|x - hi| < radius``."""

    hi: float
    lo: float
    radius: float
    coeffs: tuple[float, ...]

    def apply(self, out: np.ndarray, z: np.ndarray) -> None:
        inside = np.abs(z - self.hi) < self.radius
        if not inside.any():
            return
        d = (z[inside].astype(np.float64) - self.hi) - self.lo
        acc = np.full_like(d, self.coeffs[-1])
        for c in self.coeffs[-2::-1]:
            acc = acc * d + c
        out[inside] = acc * d


def patches(kernel, params, values) -> tuple[Patch, ...]:
    """The patches a kernel needs for these parameter values (usually none)."""
    expr = kernel.expr
    if expr.has(sp.Piecewise, sp.sign, st._Extremum) or X not in expr.free_symbols:
        return ()
    z = np.concatenate([np.linspace(-50, 50, 2001), np.linspace(-1e3, 1e3, 2001)])
    z = np.unique(z)
    with np.errstate(all="ignore"):
        v = kernel._wide(z, values)
    flips = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
    if not flips.size:
        return ()
    exact = {p: sp.Rational(Fraction(v)) for p, v in zip(params, values, strict=True)}
    fn = sp.lambdify(X, st.textbook(expr).subs(exact), modules="mpmath")
    found = []
    for i in flips[:8]:

        def at(t):
            with np.errstate(all="ignore"):
                return float(kernel._wide(np.array([t]), values)[0])

        try:
            x0 = so.brentq(at, z[i], z[i + 1], xtol=1e-15)
        except ValueError:
            continue
        if _loses(at, fn, x0):
            patch = _expand(fn, x0)
            if patch is not None:
                found.append(patch)
    return tuple(found)


def _loses(at, fn, x0) -> bool:
    """Whether the float64 kernel is more than 2 ulps off next to ``x0``."""
    scale = max(1.0, abs(x0))
    for step in (1e-9, 1e-6, 1e-3, -1e-9, -1e-6, -1e-3):
        t = x0 + step * scale
        with mpmath.workdps(DPS):
            exact = fn(mpmath.mpf(t))
            if not mpmath.isfinite(exact) or exact == 0:
                continue
            err = abs(mpmath.mpf(at(t)) - exact) / abs(exact)
        if err > 2 * 2.0**-53:
            return True
    return False


def _coefficients(fn, c, rho):
    """``a_k`` of ``fn`` about ``c`` from ``_POINTS`` values on ``|x - c| = rho``."""
    n = _POINTS
    roots = [mpmath.expjpi(2 * mpmath.mpf(j) / n) for j in range(n)]
    values = [fn(c + rho * w) for w in roots]
    out = []
    for k in range(n // 2):
        total = mpmath.fsum(values[j] * roots[(-j * k) % n] for j in range(n))
        out.append(mpmath.re(total) / n / rho**k)
    return out


def _expand(fn, x0) -> Patch | None:
    with mpmath.workdps(DPS):
        try:
            c = mpmath.re(mpmath.findroot(fn, mpmath.mpf(x0)))
            first = _coefficients(fn, c, mpmath.mpf("0.25"))
        except (ValueError, ZeroDivisionError, TypeError):
            return None
        # the root test on the late coefficients: a lower bound of the radius
        late = [
            abs(a) ** (-1 / mpmath.mpf(k)) for k, a in enumerate(first) if k >= 8 and a
        ]
        radius = min(late) if late else mpmath.mpf(8)
        rho = min(radius / 2, mpmath.mpf(2))
        if rho < 0.05:
            return None
        a = _coefficients(fn, c, rho)
        window = min(mpmath.mpf("0.5"), rho / 4)
        degree = min(len(a) - 1, math.ceil(_BITS / math.log2(rho / window)) + 1)
        coeffs = tuple(float(x) for x in a[1 : degree + 1])
        hi = float(c)
        patch = Patch(hi, float(c - hi), float(window), coeffs)
        for s in (-1, -0.5, -1e-3, 1e-3, 0.5, 0.999):  # checked before use
            t = c + s * window
            want = fn(t)
            d = t - c
            got = mpmath.fsum(coeffs[k] * d ** (k + 1) for k in range(len(coeffs)))
            if not abs(got - want) <= 2.0**-50 * abs(want):
                return None
    return patch
