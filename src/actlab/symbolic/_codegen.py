"""NumPy code from SymPy expressions: function calls and sums shared once,
products ordered so that an overflowing factor never meets a vanishing one,
numbers as Python floats (float32 stays float32), and ``P(c*v)`` with the
rounding of ``c*v`` carried to first order where P's condition grows.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.special as sc
import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE

from ..activations import _numeric as nm
from . import _stable as st
from ._grammar import X

#: factors that stay within [-2, 2]: multiplied first, so that a vanishing
#: one (expit(-u) for u = 1e308) meets x before 4 * x can overflow
_BOUNDED = (st._expit, st._tanh, st._sech2, st._erfc, sp.erf, sp.sin, sp.cos)
_BOUNDED += (sp.atan, st._erfc_lin)


def _rank(factor) -> int:
    base = factor.base if factor.is_Pow and factor.exp.is_positive else factor
    if (
        isinstance(base, _BOUNDED)
        or (isinstance(base, sp.exp) and base.args[0].is_nonpositive)
        or (isinstance(base, st._expsq) and base.args[1].is_nonpositive)
    ):
        return 0
    if type(base) in (_LINEAR[st._expit], _LINEAR[st._sech2]):
        return 0
    return 1 if factor.has(sp.Function) else 2


def _two_prod(v, c):
    """``(hi, lo)`` with ``hi + lo = v * c`` exactly (Dekker; the error term
    from ``v`` clipped to 2^500, where the split cannot overflow and the
    functions that use it have saturated)."""
    _, lo = nm.two_prod(np.clip(v, -(2.0**500), 2.0**500), np.asarray(c, v.dtype))
    return v * c, lo


def _first_order(kernel, slope):
    """``P(c v)`` as ``P(hi) + P'(hi) lo`` with ``hi + lo = c v``: the rounding
    of ``c v`` would cost ``|c v|`` ulps where P's condition number is
    ``|u|`` (expit, exp, softplus in the left tail; sech^2)."""

    def run(v, c):
        if v.dtype not in (np.float32, np.float64):  # long double: exact enough
            return kernel(v * c)
        hi, lo = _two_prod(v, c)
        value = kernel(hi)
        return value + slope(hi, value) * lo

    return run


_COMPENSATED = {
    st._expit: (st.KERNELS["_expit"], lambda u, s: s * sc.expit(-u)),
    sp.exp: (np.exp, lambda u, e: e),
    st._softplus: (st.KERNELS["_softplus"], lambda u, s: sc.expit(u)),
    st._sech2: (st.KERNELS["_sech2"], lambda u, s: -2 * np.tanh(u) * s),
}
_LINEAR = {
    f: type(f"{f.__name__.strip('_')}_times_c", (sp.Function,), {"nargs": 2})
    for f in _COMPENSATED
}
NAMESPACE = {
    **st.KERNELS,
    **{_LINEAR[f].__name__: _first_order(*ks) for f, ks in _COMPENSATED.items()},
}


def _inexact(c) -> bool:
    """Whether ``c * v`` may round: c not a power of two (or a parameter)."""
    if not c.is_Rational:
        return True
    p, q = abs(c.p), c.q
    return bool(p & (p - 1) or q & (q - 1))


def compensated(expr):
    """``P(c*v)`` for the primitives in ``_COMPENSATED`` as ``P_times_c(v, c)``
    where ``c * v`` may round."""

    def split(e):
        c, v = e.args[0].as_independent(X, as_Add=False)
        return c, v

    def wanted(e):
        if type(e) not in _COMPENSATED or X not in e.free_symbols:
            return False
        c, v = split(e)
        return c != 1 and c != -1 and X in v.free_symbols and _inexact(c)

    return expr.replace(wanted, lambda e: _LINEAR[type(e)](split(e)[1], split(e)[0]))


def shared_subexpressions(exprs):
    """Common function calls and sums, each computed once. Products are
    left whole: their factor order is what keeps ``inf * 0`` away (a shared
    ``beta*x`` would overflow before meeting ``expit(-beta*x) = 0``)."""
    if isinstance(exprs, sp.Basic):
        steps, (reduced,) = shared_subexpressions([exprs])
        return steps, reduced
    counts: dict = {}
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.Function) or node.is_Add:
                counts[node] = counts.get(node, 0) + 1
    shared = sorted((n for n, c in counts.items() if c > 1), key=sp.count_ops)
    names, steps = {}, []
    for i, node in enumerate(shared):
        name = sp.Symbol(f"_t{i}", real=True)
        steps.append((name, node.xreplace(names)))
        names[node] = name
    return steps, [e.xreplace(names) for e in exprs]


class Printer(NumPyPrinter):
    """NumPy code with ordered products, nested ``where`` for Piecewise and
    every number a Python float literal."""

    def _print(self, expr, **kwargs):
        if isinstance(expr, sp.Expr) and expr.is_number and not expr.is_Integer:
            value = float(expr)
            if math.isfinite(value):
                return repr(value)
        return super()._print(expr, **kwargs)

    def _print_Mul(self, expr):
        coeff, factors = expr.as_coeff_mul()
        top, bottom = [], []
        for f in factors:
            base, power = f.as_base_exp()
            if f.is_number:
                coeff *= f
            elif power.is_Number and power.is_negative:
                bottom.append(base if power == -1 else base ** (-power))
            elif power.is_Integer and 1 < power <= 4 and base.is_Symbol:
                top += [base] * int(power)  # x*x meets a vanishing factor in turn
            else:
                top.append(f)
        negative = bool(coeff.is_negative)
        coeff = abs(coeff)
        sums = [i for i, f in enumerate(top) if f.is_Add]
        if negative and sums:  # -a*(a - 1) as a*(1 - a): no negation pass
            i = max(
                sums,
                key=lambda i: sum(t.could_extract_minus_sign() for t in top[i].args),
            )
            top[i] = -top[i]
            negative = False
        prec = PRECEDENCE["Mul"]
        parts = [self.parenthesize(f, prec) for f in sorted(top, key=_rank)]
        scale = []  # the coefficient: early if it shrinks, last if it grows
        if not parts:
            parts = [self._print(coeff)]
        elif coeff.is_Rational and coeff.q & (coeff.q - 1):  # x*p/q: exact for 3x/3
            scale = [f"*{coeff.p}"] * (coeff.p != 1) + [f"/{coeff.q}"]
        elif coeff != 1:
            scale = [f"*{self._print(coeff)}"]  # (a power of two q: exact)
        if coeff < 1:
            text = parts[0] + "".join(scale) + "".join(f"*{p}" for p in parts[1:])
        else:
            text = "*".join(parts) + "".join(scale)
        if bottom:
            below = "*".join(self.parenthesize(b, prec) for b in bottom)
            text += f"/({below})" if len(bottom) > 1 else f"/{below}"
        return f"-{text}" if negative else text

    def _print_Piecewise(self, expr):
        *branches, (last, cond) = expr.args
        text = (
            self._print(last)
            if cond == sp.true
            else (f"numpy.where({self._print(cond)}, {self._print(last)}, numpy.nan)")
        )
        for value, cond in reversed(branches):
            text = f"numpy.where({self._print(cond)}, {self._print(value)}, {text})"
        return text
