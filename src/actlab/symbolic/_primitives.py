"""Stable primitives: SymPy functions that NumPy evaluates without overflow or
cancellation, each with its derivative written in the same primitives
(``expit' = expit(u) expit(-u)``, ``softplus' = expit``, ``tanh' = sech^2``
from ``e^{-2|u|}``), how users read them (``sigmoid``, ``softplus``) and the
NumPy kernels (``KERNELS``) that compute them.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import scipy.special as sc
import sympy as sp

from ..activations import _numeric as nm


class _Primitive(sp.Function):
    """One argument; printed for users as ``shown(u)`` and in LaTeX."""

    nargs = 1
    shown: ClassVar[str] = ""
    latex_name: ClassVar[str] = ""

    def _sympystr(self, printer):
        return f"{self.shown}({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        text = rf"{self.latex_name}\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"


class _expit(_Primitive):  # 1 / (1 + exp(-u)) without overflow
    shown, latex_name = "sigmoid", r"\sigma"

    def fdiff(self, argindex=1):
        return _dexpit(self.args[0])

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return 1 / (1 + sp.exp(-u))


class _dexpit(_Primitive):  # s(u) s(-u): s (1 - s) without the cancelling 1 - s
    def fdiff(self, argindex=1):  # s(-u) - s(u) = -tanh(u/2), without cancelling
        return -_dexpit(self.args[0]) * _tanh(self.args[0] / 2)

    def _sympystr(self, printer):
        u = self.args[0]
        return f"sigmoid({printer._print(u)})*sigmoid({printer._print(-u)})"

    def _latex(self, printer, exp=None):
        u, minus = (printer._print(v) for v in (self.args[0], -self.args[0]))
        text = rf"\sigma\left({u}\right)\sigma\left({minus}\right)"
        return text if exp is None else rf"\left({text}\right)^{{{exp}}}"

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return _expit(u) * _expit(-u)


class _softplus(_Primitive):  # log(1 + exp(u)) without overflow
    shown, latex_name = "softplus", r"\operatorname{softplus}"

    def fdiff(self, argindex=1):
        return _expit(self.args[0])

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.log(1 + sp.exp(u))


class _expm1(_Primitive):
    shown = "expm1"

    def fdiff(self, argindex=1):
        return sp.exp(self.args[0])

    def _latex(self, printer, exp=None):
        text = rf"\left(e^{{{printer._print(self.args[0])}}} - 1\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.exp(u) - 1


class _log1p(_Primitive):
    shown = "log1p"

    def fdiff(self, argindex=1):
        return 1 / (1 + self.args[0])

    def _latex(self, printer, exp=None):
        text = rf"\log\left(1 + {printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.log(1 + u)


class _erfc(_Primitive):  # unevaluated: SymPy turns erfc(-u) into 2 - erfc(u)
    shown, latex_name = "erfc", r"\operatorname{erfc}"

    def fdiff(self, argindex=1):
        return -2 * sp.exp(-(self.args[0] ** 2)) / sp.sqrt(sp.pi)

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.erfc(u)


class _tanh(_Primitive):
    shown, latex_name = "tanh", r"\tanh"

    def fdiff(self, argindex=1):
        return _sech2(self.args[0])

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return sp.tanh(u)


class _sech2(_Primitive):  # 1 - tanh(u)^2 = 4 t / (1 + t)^2, t = e^{-2|u|}
    def fdiff(self, argindex=1):
        return -2 * _tanh(self.args[0]) * _sech2(self.args[0])

    def _sympystr(self, printer):
        return f"(1 - tanh({printer._print(self.args[0])})**2)"

    def _latex(self, printer, exp=None):
        power = "2" if exp is None else rf"{{2 {exp}}}"
        return (
            rf"\operatorname{{sech}}^{power}\left({printer._print(self.args[0])}\right)"
        )

    def _eval_rewrite_as_exp(self, u, **kwargs):
        return 1 - sp.tanh(u) ** 2


class _Shown(sp.Function):
    """Printed (text and LaTeX) as its textbook expression, ``_textbook()``."""

    def _sympystr(self, printer):
        return printer._print(self._textbook())

    def _latex(self, printer, exp=None):
        text = printer._print(self._textbook())
        return text if exp is None else rf"\left({text}\right)^{{{exp}}}"


class _expsq(_Shown):
    """``exp(c v^2)`` with ``v^2`` split so that it carries no rounding
    error: ``exp(-x^2/2)`` at x = 35 would lose 600 ulps to ``x*x``."""

    nargs = 2

    def fdiff(self, argindex=1):
        v, c = self.args
        return (2 * c * v if argindex == 1 else v**2) * self

    def _textbook(self):
        v, c = self.args
        return sp.exp(c * v**2, evaluate=False)


class _erfc_lin(_Shown):
    """``erfc(c v)``; where ``c v > 1/2`` as ``erfcx(c v) exp(-c^2 v^2)``
    with the square formed exactly (the rounding of ``c v`` costs ``2 (c
    v)^2`` ulps in erfc, ~1 in erfcx). ``c2`` is ``c^2``, exact."""

    nargs = 3

    def fdiff(self, argindex=1):
        v, c, c2 = self.args
        slope = -2 / sp.sqrt(sp.pi) * _expsq(v, -c2)
        return {1: c * slope, 2: v * slope}.get(argindex, sp.Integer(0))

    def _textbook(self):
        v, c, _ = self.args
        return sp.erfc(c * v, evaluate=False)


def _min_norm(p, q):
    """The one of two slopes nearer zero, 0 when their signs differ: the
    smallest element of the subdifferential ``[min(p, q), max(p, q)]``."""
    if p.is_number and q.is_number:
        if p * q <= 0:
            return sp.Integer(0)
        return p if abs(p) <= abs(q) else q
    return sp.Piecewise((0, p * q <= 0), (p, sp.Abs(p) <= sp.Abs(q)), (q, True))


class _Extremum(sp.Function):
    """``max(a, b)`` or ``min(a, b)``; at a tie ``a == b`` the derivative is
    the one-sided slope nearer zero (``_min_norm``): relu'(0) = 0, abs'(0) =
    0, hardtanh' = 0 at +-1 (PyTorch's values), where SymPy's Heaviside(0) =
    1/2 would give 1/2."""

    nargs = 2
    pick: ClassVar = sp.StrictGreaterThan
    shown: ClassVar[str] = "max"

    def _eval_derivative(self, s):
        a, b = self.args
        da, db = sp.diff(a, s), sp.diff(b, s)
        tie = _min_norm(da, db)
        pick = type(self).pick
        if tie == da:  # (the three conditions exclude each other)
            return sp.Piecewise((db, pick(b, a)), (da, True))
        if tie == db:
            return sp.Piecewise((da, pick(a, b)), (db, True))
        return sp.Piecewise((da, pick(a, b)), (db, pick(b, a)), (tie, True))

    def _sympystr(self, printer):
        return f"{self.shown}({', '.join(printer._print(a) for a in self.args)})"

    def _latex(self, printer, exp=None):
        args = ", ".join(printer._print(a) for a in self.args)
        text = rf"\{self.shown}\left({args}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _eval_rewrite_as_Piecewise(self, a, b, **kwargs):
        return sp.Piecewise((a, type(self).pick(a, b)), (b, True))


class _max2(_Extremum):
    pass


class _min2(_Extremum):
    pick = sp.StrictLessThan
    shown = "min"


def _softplus_kernel(u):
    if u.dtype == np.float32:  # (logaddexp has no fast float32 loop)
        return np.maximum(u, 0) + np.log1p(np.exp(-np.abs(u)))
    return np.logaddexp(0, u)


def _sech2_kernel(u):  # as the built-in tanh': never overflows
    # beyond 400 (6000 in long double) t**2 underflows; the clamp keeps 1/t finite
    t = np.exp(-2 * np.minimum(np.abs(u), 400 if u.itemsize <= 8 else 6000))
    return 4 * t / ((1 + t) * (1 + t))


def _expsq_kernel(v, c):
    if c == 0:
        return np.ones_like(v)
    if v.dtype not in (np.float32, np.float64):  # long double: no split needed
        return np.exp(c * v * v)
    lim = math.sqrt(800 / abs(c))  # beyond, the result is 0 or inf anyway
    hi, lo = nm.split(np.clip(v, -lim, lim))
    return np.exp(c * (hi * hi)) * np.exp(c * (lo * (2 * hi + lo)))


def _erfc_lin_kernel(v, c, c2):
    u = c * v
    out = sc.erfc(u)
    tail = u > 0.5
    if tail.any():
        out[tail] = sc.erfcx(u[tail]) * _expsq_kernel(v[tail], -c2)
    return out


#: NumPy kernels of the primitives, by SymPy function name.
KERNELS = {
    "_expit": sc.expit,
    "_softplus": _softplus_kernel,
    "_expm1": np.expm1,
    "_log1p": np.log1p,
    "_erfc": sc.erfc,
    "_tanh": np.tanh,
    "_sech2": _sech2_kernel,
    "_max2": np.maximum,
    "_min2": np.minimum,
    "_expsq": _expsq_kernel,
    "_erfc_lin": _erfc_lin_kernel,
    "erf": sc.erf,
    "erfc": sc.erfc,
}
