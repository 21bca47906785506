"""The identity, the sine and polynomials (the seed's "polynomial kernels")."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import ActlabError
from . import _numeric as nm
from ._base import Activation
from ._registry import register


@register
@dataclass(frozen=True)
class Identity(Activation):
    """The identity, ``g(z) = z``; ``g'(z) = 1``, also from the output.

    >>> import actlab
    >>> actlab.get("identity").derivative([-2.0, 3.0])
    array([1., 1.])
    """

    name = "identity"
    aliases = ("linear",)
    formula = "x"
    latex = r"z"
    latex_derivative = r"1"
    latex_output_form = r"1"
    output_formula = "1"
    summary = "the linear unit (regression outputs; the seed's red curve)"

    def _f(self, z):
        return z.copy()

    def _df(self, z):
        return nm.propagate_nan(np.ones_like(z), z)

    def _d2f(self, z):
        return nm.zeros_like(z)

    def _dfa(self, a):
        return nm.propagate_nan(np.ones_like(a), a)


@register
@dataclass(frozen=True)
class Sin(Activation):
    """``g(z) = sin z``; ``g'(z) = cos z``. Periodic, so no output form.

    >>> import actlab
    >>> float(actlab.get("sin").derivative(0.0))
    1.0
    """

    name = "sin"
    aliases = ("sine",)
    formula = "sin(x)"
    latex = r"\sin z"
    latex_derivative = r"\cos z"
    promote_float32 = False
    has_limits = False  # no limit at +-inf: NaN there
    summary = "the sine (periodic; SIREN networks)"

    @property
    def output_range(self):
        return (-1.0, 1.0)

    @property
    def monotonic(self):
        return False

    @staticmethod
    def _finite(z):
        return np.where(np.isinf(z), np.nan, z)  # no limit at +-inf: NaN, quietly

    def _f(self, z):
        return np.sin(self._finite(z))

    def _df(self, z):
        return np.cos(self._finite(z))

    def _d2f(self, z):
        return -np.sin(self._finite(z))


@register
@dataclass(frozen=True)
class Polynomial(Activation):
    """``g(z) = c_0 + c_1 z + ... + c_n z^n`` for ``coefficients = (c_0, ..., c_n)``.

    Evaluated by compensated Horner (Graillat, Langlois & Louvet, 2005), as
    accurate as Horner in twice the working precision, so the relative error
    stays within a few ulps except right at a root. Beyond the overflow
    threshold the exact value exceeds the float range and the result is
    ``+-inf``. The default ``(0, 1, 0.5)`` is ``z + z^2/2``. No output form
    (no closed-form inverse in general).

    >>> import actlab
    >>> actlab.get("polynomial:coefficients=[1,0,1]")([0.0, 2.0])
    array([1., 5.])
    """

    coefficients: tuple[float, ...] = (0.0, 1.0, 0.5)
    name = "polynomial"
    aliases = ("poly",)
    promote_float32 = True
    summary = "a polynomial in z (coefficients in increasing degree)"

    def __post_init__(self):
        coeffs = tuple(float(c) for c in self.coefficients)
        while len(coeffs) > 1 and coeffs[-1] == 0:
            coeffs = coeffs[:-1]
        if not 1 <= len(coeffs) <= 64 or not all(abs(c) <= 1e300 for c in coeffs):
            raise ActlabError(
                "polynomial coefficients must be 1 to 64 numbers of magnitude "
                f"<= 1e300, got {self.coefficients!r}"
            )
        object.__setattr__(self, "coefficients", coeffs)

    @property
    def formula(self):
        terms = [f"({Fraction(c)})*x**{k}" for k, c in enumerate(self.coefficients)]
        return " + ".join(terms)

    @property
    def latex(self):
        return _poly_latex(self.coefficients)

    @property
    def latex_derivative(self):
        c = self.coefficients
        return _poly_latex(tuple(k * c[k] for k in range(1, len(c))) or (0.0,))

    @property
    def smoothness(self):
        return "smooth"

    @property
    def monotonic(self):
        deriv = np.polynomial.Polynomial(self.coefficients).deriv()
        roots = deriv.roots()
        real = roots[np.abs(roots.imag) < 1e-12].real
        return len(self.coefficients) <= 2 or not _sign_changes(deriv, real)

    @property
    def output_range(self):
        c = self.coefficients
        if len(c) == 1:
            return (c[0], c[0])
        if len(c) % 2 == 0:
            return (-np.inf, np.inf)
        poly = np.polynomial.Polynomial(c)
        crit = [r.real for r in poly.deriv().roots() if abs(r.imag) < 1e-12]
        values = [float(poly(r)) for r in crit]
        return (min(values), np.inf) if c[-1] > 0 else (-np.inf, max(values))

    def _f(self, z):
        return _comp_horner(self.coefficients, z)

    def _df(self, z):
        c = self.coefficients
        return _comp_horner(tuple(k * c[k] for k in range(1, len(c))) or (0.0,), z)

    def _d2f(self, z):
        c = self.coefficients
        d2 = tuple(k * (k - 1) * c[k] for k in range(2, len(c)))
        return _comp_horner(d2 or (0.0,), z)


def _poly_latex(coeffs) -> str:
    """``1 - 2 z + 3.5 z^{3}`` for ``(1, -2, 0, 3.5)``."""
    text = ""
    for k, c in enumerate(coeffs):
        if c == 0:
            continue
        power = "" if k == 0 else ("z" if k == 1 else f"z^{{{k}}}")
        size = f"{abs(c):g}" if (abs(c) != 1 or k == 0) else ""
        sign = ("-" if c < 0 else "") if not text else (" - " if c < 0 else " + ")
        text += f"{sign}{size}{' ' if size and power else ''}{power}"
    return text or "0"


def _sign_changes(deriv, points) -> bool:
    """Whether ``deriv`` changes sign at any of the given real roots."""
    return any(deriv(r - 1e-6) * deriv(r + 1e-6) < 0 for r in points)


def _horner(coeffs, z):
    acc = np.full_like(z, coeffs[-1])
    for c in coeffs[-2::-1]:
        acc = acc * z + c
    return acc


def _compensated(coeffs, z):
    """Compensated Horner: as if computed in twice the precision."""
    s = np.full_like(z, coeffs[-1])
    err = np.zeros_like(z)
    for c in coeffs[-2::-1]:
        p, pe = nm.two_prod(s, z)
        s, se = nm.two_sum(p, np.asarray(c, z.dtype))
        err = err * z + (pe + se)
    return s + err


def _comp_horner(coeffs: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    """Compensated Horner evaluation of ``sum c_k z^k``.

    Inputs beyond ``limit`` (where the terms could overflow) use the leading
    term ``c_n z^n`` times ``1 + (lower terms)/(c_n z^n)`` in ``w = 1/z``.
    """
    n = len(coeffs) - 1
    if n == 0:
        return nm.propagate_nan(np.full_like(z, coeffs[0]), z)
    scale = max(abs(c) for c in coeffs)
    limit = (np.finfo(z.dtype).max / (4 * (n + 1) * max(scale, 1.0))) ** (1.0 / n)
    limit = min(limit, 2.0**100)
    inner = np.clip(z, -limit, limit)
    # plain Horner is within 2n u cond(z) of the truth (Higham, 5.1); where
    # the terms cancel (cond > 5/4) the compensated form redoes the entry
    plain = _horner(coeffs, inner)
    cond_bound = _horner(tuple(abs(c) for c in coeffs), np.abs(inner))
    hard = cond_bound > 1.25 * np.abs(plain)
    near = nm.replace_where(plain, hard, lambda x: _compensated(coeffs, x), inner)
    far = np.abs(z) > limit
    if not far.any():
        return near
    zf = z[far]
    w = 1 / zf
    q = np.full_like(zf, coeffs[0])
    for c in coeffs[1:]:
        q = q * w + c
    lead = q
    with np.errstate(over="ignore"):  # the exact value exceeds the float range
        for _ in range(n):  # |q z^k| grows with k: it overflows only if p(z) does
            lead = lead * zf
    out = near.copy()
    out[far] = lead
    return out
