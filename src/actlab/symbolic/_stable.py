"""The stable form of a formula, and its derivatives in the same primitives.

``stable(expr)`` rewrites a parsed formula in the primitives of
``_primitives`` (``log(1 + e^u)`` as softplus, ``1/(1 + e^-u)`` as expit, ...).
``calculus_form`` goes further for differentiation: tanh with ``tanh' =
sech^2``, max/min whose derivative at a tie follows the kink convention, abs
as branches, Gaussians ``exp(c v^2)`` and ``erfc(c v)`` with the square
formed exactly. Differentiating the stable form, rather than simplifying the
textbook derivative, keeps f' and f'' exactly as stable as f.
"""

from __future__ import annotations

import functools

import sympy as sp

from ._grammar import X
from ._primitives import (
    KERNELS,
    _dexpit,
    _erfc,
    _erfc_lin,
    _expit,
    _expm1,
    _expsq,
    _Extremum,
    _log1p,
    _max2,
    _min2,
    _sech2,
    _softplus,
    _tanh,
)

__all__ = [  # the primitives, for the modules that read expressions
    "KERNELS",
    "_Extremum",
    "_dexpit",
    "_erfc",
    "_erfc_lin",
    "_expit",
    "_expm1",
    "_expsq",
    "_log1p",
    "_max2",
    "_min2",
    "_sech2",
    "_softplus",
    "_tanh",
    "calculus_form",
    "differentiate",
    "for_kernels",
    "stable",
    "textbook",
]


def stable(expr: sp.Expr) -> sp.Expr:
    """Rewrite the forms that overflow or cancel when written naively:
    ``log(1 + e^u)`` as logaddexp, ``(1 + e^-u)^-n`` as ``expit(u)^n``,
    ``e^u expit(-u)`` as ``expit(u)``, ``m (e^u - 1)`` as expm1, ``m (1 -+
    erf(u))`` as ``m erfc(+-u)`` (``_cancelling_pair``), ``log(1 + u)`` as
    log1p, ``log(expit(u))`` as ``-softplus(-u)``."""
    u = sp.Wild("u")
    rules = [  # (pattern, rewrite, a function the pattern needs)
        (sp.log(1 + sp.exp(u)), lambda u: _softplus(u), sp.exp),
        (sp.log(1 + u), lambda u: _log1p(u), sp.log),
        (sp.log(_expit(u)), lambda u: -_softplus(-u), _expit),  # log_sigmoid
    ]
    if expr.has(sp.exp):
        expr = expr.replace(_is_logistic_power, _logistic_power)
    if expr.has(sp.exp, sp.erf, sp.erfc):
        expr = expr.replace(lambda e: e.is_Add, _cancelling_pair)
    for pattern, make, needs in rules:
        if expr.has(needs):
            expr = expr.replace(pattern, make)
    return expr.replace(_is_gated_exp, _gated_exp) if expr.has(_expit) else expr


def _cancelling_pair(add):
    """``k + m f(u)`` that cancels, as the function that does not: ``m(e^u -
    1)`` as expm1, ``m(1 + erf(u))`` and ``m(2 - erfc(u))`` (SymPy's form of
    ``erfc(-u)``) as ``m erfc(-u)``, ``m(erf(u) - 1)`` as ``-m erfc(u)``, for
    any number m (``1 - erfc(u)/2`` is ``erfc(-u)/2``)."""
    k, rest = add.as_coeff_Add()
    if k == 0:
        return add
    for term in sp.Add.make_args(rest):
        m, f = term.as_coeff_Mul()
        new = None
        if isinstance(f, sp.exp) and k == -m:
            new = m * _expm1(f.args[0])
        elif isinstance(f, sp.erf) and k in (m, -m):
            new = m * _erfc(-f.args[0]) if k == m else -m * _erfc(f.args[0])
        elif isinstance(f, sp.erfc) and k == -2 * m:
            new = -m * _erfc(-f.args[0])
        if new is not None:
            return new + (rest - term)
    return add


def _is_logistic_power(e) -> bool:  # (1 + e^w)^-n
    return bool(
        e.is_Pow
        and e.exp.is_negative
        and e.base.is_Add
        and len(e.base.args) == 2
        and sp.S.One in e.base.args
        and any(isinstance(t, sp.exp) for t in e.base.args)
    )


def _logistic_power(e):  # (1 + e^w)^-n = s(-w)^n
    (w,) = next(t for t in e.base.args if isinstance(t, sp.exp)).args
    return _expit(-w) ** (-e.exp)


def _is_gated_exp(e) -> bool:  # e^w s(-w)^k: overflow times underflow
    if not e.is_Mul:
        return False
    exps = {f.args[0] for f in e.args if isinstance(f, sp.exp)}
    gates = {
        b.args[0] for b in (f.as_base_exp()[0] for f in e.args) if isinstance(b, _expit)
    }
    return any(-w in gates for w in exps)


def _gated_exp(e):  # e^w s(-w) = s(w)
    factors = list(e.args)
    for i, f in enumerate(factors):
        if isinstance(f, sp.exp):
            w = f.args[0]
            for j, g in enumerate(factors):
                base, power = g.as_base_exp()
                if isinstance(base, _expit) and base.args[0] == -w:
                    factors[i] = _expit(w)
                    factors[j] = base ** (power - 1)
                    return sp.Mul(*factors)
    return e


def _abs(u):
    # the tie branch is the constant 0: its slope 0 is abs's kink convention
    return sp.Piecewise((u, u > 0), (-u, u < 0), (0, True))


def calculus_form(expr: sp.Expr) -> sp.Expr:
    """``stable(expr)`` in the primitives that differentiate stably: tanh as
    ``_tanh`` (``sech^2`` derivative), max/min as binary ``_max2``/``_min2``
    and abs as branches (the kink conventions at ties), branches folded to
    the top so that each is simplified on its own."""
    expr = stable(expr).replace(sp.tanh, _tanh)
    if expr.has(_tanh):  # 1 - tanh^2 as typed: sech^2, which does not cancel
        u = sp.Wild("u")
        expr = expr.replace(1 - _tanh(u) ** 2, lambda u: _sech2(u))
    expr = _gaussians(expr)
    if expr.has(sp.Max, sp.Min):
        expr = expr.replace(sp.Max, lambda *args: functools.reduce(_max2, args))
        expr = expr.replace(sp.Min, lambda *args: functools.reduce(_min2, args))
    if expr.has(sp.Abs):
        expr = sp.piecewise_fold(expr.replace(sp.Abs, _abs))
    return expr


def differentiate(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """``d expr / d var``, with rational pieces over a common denominator
    (the quotient rule's ``1/(1+x) - x/(1+x)^2`` cancels; ``1/(1+x)^2`` does
    not). A jump's Dirac delta counts as 0."""
    d = _gaussians(sp.diff(expr, var))
    if d.has(sp.DiracDelta):
        d = d.replace(sp.DiracDelta, lambda *args: sp.Integer(0))
    if isinstance(d, sp.Piecewise):
        return sp.Piecewise(*((_rational(e, var), c) for e, c in d.args))
    return _rational(d, var)


def _rational(e, var):
    if e.is_rational_function(var) and not e.is_polynomial(var):
        return sp.factor(sp.cancel(e))
    return e


def for_kernels(expr: sp.Expr) -> sp.Expr:
    """``s(u) s(-u)`` spelt out, so that the code shares ``s(u)`` with the
    other terms."""
    if not expr.has(_dexpit):
        return expr
    return expr.replace(_dexpit, lambda u: _expit(u) * _expit(-u))


def textbook(expr: sp.Expr) -> sp.Expr:
    """The primitives written back in plain functions (the same values)."""
    for cls in (_dexpit, _expit, _softplus, _expm1, _log1p, _erfc, _tanh, _sech2):
        if expr.has(cls):
            expr = expr.replace(cls, lambda u, c=cls: c(u)._eval_rewrite_as_exp(u))
    for cls in (_expsq, _erfc_lin):
        if expr.has(cls):
            expr = expr.replace(cls, lambda *args, c=cls: c(*args)._textbook())
    return expr.replace(_max2, sp.Max).replace(_min2, sp.Min)


def _gaussians(expr):
    """``exp(c v^2)`` as ``_expsq`` and ``erfc(c v)`` as ``_erfc_lin``
    (``c`` free of x)."""

    def square(arg):
        c, rest = arg.as_independent(X, as_Add=False)
        if rest.is_Pow and rest.exp == 2 and c != 1:
            return _expsq(rest.base, c)
        if rest.is_Pow and rest.exp == 2:
            return _expsq(rest.base, sp.Integer(1))
        return None

    if expr.has(sp.exp):
        expr = expr.replace(
            lambda e: isinstance(e, sp.exp) and square(e.args[0]) is not None,
            lambda e: square(e.args[0]),
        )
    if expr.has(_erfc, sp.erfc):

        def linear(u):
            c, v = u.as_independent(X, as_Add=False)
            return _erfc_lin(v, c, c**2)

        expr = expr.replace(_erfc, linear).replace(sp.erfc, linear)
    return expr
