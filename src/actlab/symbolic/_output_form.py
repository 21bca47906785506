"""The output form ``h`` with ``g'(x) = h(g(x))``, found cheaply or not at all.

Only a monotonic ``g`` can have one (at a local minimum two inputs share an
output but not a slope), so a sign change of ``g'`` ends the search at once.
Then, cheapest first, each candidate checked on a grid against ``g'``:

1. ``g`` itself inside SymPy's ``g'`` (``tanh' = 1 - tanh^2``, ``exp' = exp``);
2. ``g`` a rational function of one stable primitive ``P`` (expit, softplus,
   tanh, exp, ...): ``P``'s derivative written in ``P`` (``s' = s (1 - s)``,
   ``softplus' = 1 - e^{-softplus}``), and ``P = F^{-1}(a)`` from a polynomial
   equation;
3. ``sp.solve(a = g(x))``, only where ``x`` enters ``g`` through one
   generator (otherwise SymPy has no algorithm and only spends time saying so).

Piecewise formulas (where, max, min, abs) are searched branch by branch.
"""

from __future__ import annotations

import numpy as np
import scipy.optimize as so
import sympy as sp

from . import _stable as st
from ._grammar import A, X
from ._kernel import Kernel, check_grid

_INVERTIBLE = (sp.exp, sp.log, sp.tanh, sp.atan, sp.sinh, sp.erf, sp.asinh)
_PRIMITIVES = (st._expit, st._softplus, st._expm1, st._log1p, st._tanh, sp.exp)


def sign_change(d1: Kernel, values) -> float | None:
    """Where ``g'`` changes sign (None when it never does, i.e. g is
    monotonic), to a few digits."""
    z = check_grid(np.float64)
    d = d1(z, *values)
    nonzero = np.flatnonzero((d != 0) & ~np.isnan(d))
    flips = np.flatnonzero(np.diff(np.sign(d[nonzero])) != 0)
    if not flips.size:
        return None
    lo, hi = z[nonzero[flips[0]]], z[nonzero[flips[0] + 1]]
    try:
        return float(so.brentq(lambda t: d1(np.array([t]), *values)[0], lo, hi))
    except ValueError:  # a jump, not a zero: the midpoint is where it happens
        return float((lo + hi) / 2)


def find(expr, calc, d1, params, values, f: Kernel, df: Kernel):
    """``(h, reason)``: the output form (None if not found) and, when None,
    why not, in words."""
    at = sign_change(df, values)
    if at is not None:
        return None, (
            "g is not invertible on the reals: it is not monotonic (g' changes "
            f"sign near x = {at:.6g}), so g'(x) is not a function of g(x)"
        )
    if calc.has(sp.Piecewise, sp.Abs, st._Extremum):
        return _piecewise(expr, calc, d1, params, values, f, df)
    for h in _candidates(expr, calc, d1):
        if X not in h.free_symbols and matches(h, params, values, f, df):
            return tidy(h), None
    return None, (
        "g is monotonic, but no closed form of g'(x) as a function of g(x) was "
        "found (SymPy found no inverse of g)"
    )


def _candidates(expr, calc, d1):
    raw = sp.diff(expr, X)
    yield raw.subs(expr, A)
    h = _through_primitive(calc, d1)
    if h is not None:
        yield h
    if sp.count_ops(expr) <= 30 and len(_generators(_peel(expr))) == 1:
        try:
            roots = sp.solve(sp.Eq(A, expr), X)
        except (NotImplementedError, ValueError, TypeError):
            roots = []
        for root in roots[:4]:
            yield raw.subs(X, root)


def _through_primitive(calc, d1):
    """``g = F(P)`` with ``P`` one primitive of x and F rational: ``P'`` in
    terms of ``P``, then ``P = F^{-1}(a)``."""
    prims = {p for p in calc.atoms(sp.Function) if isinstance(p, _PRIMITIVES)}
    outer = [
        p for p in prims if not any(p in q.args[0].atoms(sp.Function) for q in prims)
    ]
    if len(outer) != 1:
        return None
    (p,) = outer
    t = sp.Dummy("t", real=True)
    form = calc.xreplace({p: t})
    if X in form.free_symbols:
        return None
    u = p.args[0]
    same = {  # each primitive's slope in terms of its own value
        st._dexpit(u): st._expit(u) * (1 - st._expit(u)),
        st._sech2(u): 1 - st._tanh(u) ** 2,
    }
    if isinstance(p, st._softplus):
        same = {st._expit(u): 1 - sp.exp(-p)}
    elif isinstance(p, st._expm1):
        same = {sp.exp(u): 1 + p}
    elif isinstance(p, st._log1p):
        same = {1 / (1 + u): sp.exp(-p)}
    slope = d1.subs(same).xreplace({p: t})
    if X in slope.free_symbols:
        return None
    try:
        roots = sp.solve(sp.Eq(A, form), t)
    except (NotImplementedError, ValueError, TypeError):
        return None
    for root in roots[:2]:
        h = slope.xreplace({t: root})
        if X not in h.free_symbols:
            return h
    return None


def _peel(expr):
    """``expr`` without its outer invertible functions (log of, tanh of, ...)."""
    while isinstance(expr, _INVERTIBLE) or (
        expr.is_Pow and X not in expr.exp.free_symbols
    ):
        expr = expr.args[0]
    return expr


def _generators(expr) -> set:
    """The maximal x-dependent pieces that are not arithmetic (x itself,
    function applications, powers with x in the exponent)."""
    if X not in expr.free_symbols:
        return set()
    if expr.is_Add or expr.is_Mul:
        return set().union(*(_generators(a) for a in expr.args))
    if expr.is_Pow and X not in expr.exp.free_symbols:
        return _generators(expr.base)
    return {expr}


def matches(h, params, values, f: Kernel, df: Kernel) -> bool:
    """Whether ``h(g(z)) == g'(z)`` to 1e-8 on [-6, 6] (kinks included)."""
    z = np.concatenate([np.linspace(-6, 6, 241), [-1e-3, 1e-3, 0.5, 2.5]])
    a, want = f(z, *values), df(z, *values)
    try:
        fn = sp.lambdify([A, *params], st.textbook(h), modules="numpy")
        with np.errstate(all="ignore"):
            got = np.broadcast_to(np.asarray(fn(a + 0j, *values)), z.shape)
    except Exception:  # noqa: BLE001 (a form NumPy cannot evaluate: LambertW)
        return False
    ok = np.isfinite(want) & np.isfinite(a)
    if ok.sum() < 100:
        return False
    with np.errstate(all="ignore"):
        err = np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-12)
    return bool(np.all(np.isfinite(err)) and err.max() < 1e-8)


def tidy(h):
    """The shortest of a few cheap equivalent forms (``a (1 - a)``)."""
    forms = [h]
    for way in (sp.factor, sp.expand, sp.cancel):
        try:
            forms.append(way(h))
        except (sp.PolynomialError, TypeError, ValueError):
            pass
    return min(forms, key=sp.count_ops)


def kernel_form(h):
    """``h`` as computed: factored where it is a polynomial in a (``(1 - a)
    (1 + a)`` is exact near a = 1, ``1 - a^2`` is not), in stable functions."""
    if h.is_polynomial(A) and sp.degree(h, A) > 1:
        h = sp.factor(h)
    return st.calculus_form(h)


def _piecewise(expr, calc, d1, params, values, f, df):
    """Branch by branch: ``g = g_i(x)`` where ``x <op> t``, g monotonic, so
    the condition is ``a <op> g(t)`` (flipped if g decreases); at each
    threshold h takes g' there, the documented kink value."""
    pw = sp.piecewise_fold(st.textbook(calc).rewrite(sp.Piecewise))
    why = (
        "no output form found: g is monotonic, but its pieces are not each "
        "invertible in closed form with thresholds x <op> constant"
    )
    if not isinstance(pw, sp.Piecewise):
        return None, why
    values_at = dict(zip(params, values, strict=True))
    branches, points = [], []
    for piece, cond in pw.args:
        new_cond = _threshold(cond, values_at, f, df, points)
        if new_cond is None:
            return None, why
        dpiece = sp.diff(piece, X)
        if X not in dpiece.free_symbols:
            branches.append((dpiece, new_cond))
            continue
        calc_p = st.calculus_form(piece)
        g, d = Kernel(calc_p, X, params), Kernel(dpiece, X, params)
        found = _candidates(piece, calc_p, st.differentiate(calc_p, X))
        h = next((c for c in found if X not in c.free_symbols), None)
        if h is None or not _matches_where(h, params, values, g, d, cond):
            return None, why
        branches.append((tidy(h), new_cond))
    h = sp.Piecewise(*branches)
    for t, a in points:  # where the branches miss the kink convention
        want = float(df(np.array([t]), *values)[0])
        if float(h.subs(A, a)) != want:
            h = sp.Piecewise((sp.nsimplify(want), sp.Eq(A, a)), *h.args)
    if not matches(h, params, values, f, df):
        return None, why
    return h, None


def _threshold(cond, values_at, f, df, points):
    """``x <op> t`` (or True, or an and/or of them) as ``a <op'> g(t)``;
    None for anything else."""
    if cond == sp.true:
        return sp.true
    if isinstance(cond, (sp.And, sp.Or)):
        parts = [_threshold(c, values_at, f, df, points) for c in cond.args]
        return None if any(p is None for p in parts) else type(cond)(*parts)
    if not isinstance(cond, sp.core.relational.Relational):
        return None
    poly = (cond.lhs - cond.rhs).subs(values_at)
    if not (poly.is_polynomial(X) and sp.degree(poly, X) == 1):
        return None
    t = float(sp.solve(poly, X)[0])
    values = list(values_at.values())
    a = float(f(np.array([t]), *values)[0])
    points.append((t, a))
    slope = float(sp.Poly(poly, X).LC())
    increasing = bool(np.nanmax(df(np.array([t - 1e-6, t + 1e-6]), *values)) > 0)
    flip = (slope < 0) != (not increasing)
    ops = {">": "<", "<": ">", ">=": "<=", "<=": ">="}
    return sp.Rel(A, a, ops[cond.rel_op] if flip else cond.rel_op)


def _matches_where(h, params, values, g, d, cond):
    z = np.linspace(-6, 6, 241)
    keep = sp.lambdify([X], cond.subs(dict(zip(params, values, strict=True))))(z)
    keep = np.broadcast_to(keep, z.shape)
    if keep.sum() < 5:
        return True  # a sliver: the final check on the whole grid decides
    fn = sp.lambdify([A, *params], st.textbook(h), modules="numpy")
    with np.errstate(all="ignore"):
        got = np.broadcast_to(fn(g(z[keep], *values) + 0j, *values), keep.sum())
        want = d(z[keep], *values)
        err = np.abs(got - want) / np.maximum(np.abs(want), 1e-12)
    return bool(np.all(err < 1e-8))
