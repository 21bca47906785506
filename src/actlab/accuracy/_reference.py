"""Exact references at 50+ digits: SymPy formulas evaluated with mpmath.

Each activation's ``formula`` (and ``output_formula``) is parsed by SymPy,
with its parameters substituted as the exact rationals of their float
values; SymPy differentiates it (the independent oracle for f' and f''), and
the expressions are evaluated with mpmath at 60 digits, or 420 where the
result is so small that cancellation among O(1) terms could have eaten the
digits that matter (down to the smallest float64).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath

LOW_DPS = 60
HIGH_DPS = 420
_SMALL = mpmath.mpf(10) ** -40
#: Below this a 60-digit result is an underflow in any float format, not the
#: remains of a cancellation (which would leave ~1e-60 of garbage).
_NEGLIGIBLE = mpmath.mpf(10) ** -360
#: Beyond this |x| every catalog formula is in its asymptotic regime, where a
#: tiny result is an underflow, not a cancellation.
_RETRY_BELOW = 2.0**20


@lru_cache(maxsize=1 << 16)
def _exp(x, prec):
    # e^x for huge integral x goes through mpmath's slow e**n path; formulas
    # evaluate it several times at the same point, so it is cached.
    return mpmath.exp(x)


def _cached_exp(x):
    return _exp(x, mpmath.mp.prec)


def _erfc(x):
    # mpmath's erfc overflows a float inside its series test for |x| ~ 1e154;
    # beyond 1e6 the leading asymptotic term is exact to far below any ulp.
    # For x < 0 mpmath goes through a slow erf series: 2 - erfc(-x) instead.
    if abs(x) > 1e6:
        tail = _cached_exp(-x * x) / (abs(x) * mpmath.sqrt(mpmath.pi))
    else:
        # erfc is well conditioned: 90 digits suffice even inside a 420-digit
        # retry, and mpmath's series at 420 digits costs ~10 ms a call
        with mpmath.workprec(min(mpmath.mp.prec, 300)):
            tail = mpmath.erfc(abs(x))
    return tail if x >= 0 else 2 - tail


_MODULES = [{"exp": _cached_exp, "erfc": _erfc}, "mpmath"]


def _symbols(act):
    import sympy

    params = {
        k: sympy.Rational(Fraction(v))
        for k, v in act.params.items()
        if isinstance(v, float)
    }
    return sympy, params


@lru_cache(maxsize=256)
def scalar_functions(act):
    """mpmath callables ``{"f", "df", "d2f"[, "h"]}`` for a scalar activation."""
    sympy, params = _symbols(act)
    x = sympy.Symbol("x", real=True)
    local = {"x": x, **{k: sympy.Symbol(k) for k in act.params}}
    # rational=True: decimal constants (0.044715, the SELU constants) exactly
    f = sympy.sympify(act.formula, locals=local, rational=True).subs(
        {local[k]: v for k, v in params.items()}
    )
    f = sympy.piecewise_fold(f.rewrite(sympy.Piecewise))
    df = _tidy(sympy, sympy.diff(f, x))
    exprs = {"f": f, "df": df, "d2f": _tidy(sympy, sympy.diff(df, x))}
    if act.has_output_form and act.output_formula:
        a = sympy.Symbol("a", real=True)
        local["a"] = a
        h = sympy.sympify(act.output_formula, locals=local, rational=True).subs(
            {local[k]: v for k, v in params.items()}
        )
        exprs["h"] = sympy.piecewise_fold(h.rewrite(sympy.Piecewise))
        exprs["dh"] = sympy.diff(exprs["h"], a)
    out = {}
    for key, expr in exprs.items():
        var = local["a"] if key in ("h", "dh") else x
        out[key] = sympy.lambdify(var, expr, modules=_MODULES)
    return out


def _tidy(sympy, expr):
    """Put rational pieces over a common denominator: SymPy's derivative of a
    rational function (softsign) subtracts terms that cancel exactly. Other
    pieces stay as SymPy wrote them (``together`` would multiply e^{x^2/2}
    by erfc and cancel worse)."""

    def tidy(e):
        return sympy.together(e) if e.is_rational_function() else e

    if isinstance(expr, sympy.Piecewise):
        return sympy.Piecewise(*[(tidy(e), c) for e, c in expr.args])
    return tidy(expr)


def evaluate(fn, value: float):
    """``fn(value)`` exactly enough: 60 digits, 420 when the result is tiny."""
    with mpmath.workdps(LOW_DPS):
        result = fn(mpmath.mpf(value))
    small = result == 0 or _NEGLIGIBLE < abs(result) < _SMALL
    if mpmath.isfinite(result) and small and abs(value) < _RETRY_BELOW:
        with mpmath.workdps(HIGH_DPS):
            result = fn(mpmath.mpf(value))
    return +result


def softmax_row(row, log: bool = False):
    """Exact softmax (or log-softmax) of a row of floats."""
    with mpmath.workdps(HIGH_DPS):
        zs = [mpmath.mpf(float(v)) for v in row]
        m = max(zs)
        total = mpmath.fsum(mpmath.exp(z - m) for z in zs)
        if log:
            return [z - m - mpmath.log(total) for z in zs]
        return [mpmath.exp(z - m) / total for z in zs]


def softmax_jacobian(s, log: bool = False):
    """Exact Jacobian from exact (or stored) softmax values ``s``."""
    n = len(s)
    with mpmath.workdps(HIGH_DPS):
        if log:
            return [[(1 if i == j else 0) - s[j] for j in range(n)] for i in range(n)]
        return [
            [s[i] * ((1 if i == j else 0) - s[j]) for j in range(n)] for i in range(n)
        ]
