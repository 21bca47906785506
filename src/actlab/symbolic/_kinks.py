"""Kinks, smoothness and output range of a formula, for given parameters.

Candidate kinks are the zeros of what decides a branch: ``lhs - rhs`` of
every ``where`` condition, the argument of ``abs``, ``a - b`` of ``max(a,
b)``/``min(a, b)``. At each, the one-sided values of g, g', g'' and g''' say
what jumps there. The derivative reported at a kink is the kernel's own
value, by these conventions (both forms agree on them):

- ``where(cond, p, q)``: the branch the condition selects at the point
  itself, as PyTorch's and JAX's autograd of ``where`` do: ``where(x > 0, x,
  0.1*x)`` gives 0.1 at 0 (leaky_relu's value), ``x >= 0`` would give 1;
- ``max``, ``min``, ``abs``: the one-sided slope nearer zero, 0 when the two
  differ in sign (the minimum-norm subgradient): ``max(x, 0)`` gives 0 at 0
  (relu's value), ``abs(x)`` 0, ``min(max(x, -1), 1)`` 0 at +-1 (hard_tanh's).
  SymPy's own ``Heaviside(0) = 1/2`` is not used.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.optimize as so
import sympy as sp

from ..activations._base import Kink
from . import _stable as st
from ._grammar import X
from ._kernel import Kernel, check_grid


def boundaries(expr: sp.Expr) -> list[tuple[sp.Expr, str]]:
    """``(b(x), rule)`` of a parsed formula: a kink can only be where some
    ``b(x) = 0``; ``rule`` says which convention holds there."""
    out = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                for rel in cond.atoms(sp.core.relational.Relational):
                    out.append((rel.lhs - rel.rhs, "where"))
        elif isinstance(node, sp.Abs):
            out.append((node.args[0], "abs"))
        elif isinstance(node, (sp.Max, sp.Min)):
            name = "max" if isinstance(node, sp.Max) else "min"
            first, *rest = node.args
            out += [(first - other, name) for other in rest]
    return [(b, rule) for b, rule in out if X in b.free_symbols]


def _roots(b: sp.Expr, params, values) -> list[float]:
    """The real zeros of ``b``: exact for polynomials of degree 1, NumPy's
    for higher degrees, sign changes on the check grid otherwise."""
    b = b.subs(dict(zip(params, values, strict=True)))
    if b.is_polynomial(X):
        poly = sp.Poly(b, X)
        if poly.degree() == 1:
            c1, c0 = poly.all_coeffs()
            return [float(-c0 / c1)]
        roots = np.roots([float(c) for c in poly.all_coeffs()])
        return [float(r.real) for r in roots if abs(r.imag) < 1e-12]
    fn = Kernel(st.calculus_form(b), X, [])
    z = check_grid(np.float64)
    v = fn(z)
    found = list(z[v == 0])
    flips = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
    for i in flips[:20]:
        found.append(float(so.brentq(lambda t: fn(np.array([t]))[0], z[i], z[i + 1])))
    return found


def _sides(kernel: Kernel, t: float, values):
    step = max(abs(t), 1.0) * 2.0**-26
    left, at, right = kernel(np.array([t - step, t, t + step]), *values)
    return float(left), float(at), float(right)


def _jumps(left: float, right: float) -> bool:
    if not (math.isfinite(left) and math.isfinite(right)):
        return left != right
    return abs(left - right) > 1e-5 * max(1.0, abs(left), abs(right))


def analyse(expr, kernels, params, values):
    """``(kinks, smoothness)`` for these parameter values. ``kernels``: g,
    g', g'' and a callable that builds g''' (only needed at candidates)."""
    f, d1, d2, make_d3 = kernels
    found = {}
    for b, rule in boundaries(expr):
        for t in _roots(b, params, values):
            if math.isfinite(t):
                found.setdefault(t, rule)
    if not found:
        return (), "smooth"
    d3 = make_d3()
    order, kinks = 4, []
    for t in sorted(found):
        (fl, _, fr), (dl, dt, dr) = _sides(f, t, values), _sides(d1, t, values)
        levels = [_jumps(fl, fr), _jumps(dl, dr)]
        levels += [_jumps(*_sides(k, t, values)[::2]) for k in (d2, d3)]
        if any(levels):
            order = min(order, levels.index(True))
        if levels[0] or levels[1]:
            kinks.append(Kink(t, dt, _note(found[t], fl, fr, dl, dr, levels[0])))
    names = ("discontinuous", "C0", "C1", "C2", "smooth")
    return tuple(kinks), names[order]


def _note(rule, fl, fr, dl, dr, jump) -> str:
    text = f"g jumps from {fl:.6g} to {fr:.6g}; " if jump else ""
    text += f"slope {dl:.6g} on the left, {dr:.6g} on the right; "
    if rule == "where":
        return text + "the branch the where() condition selects here"
    return text + f"{rule}: the slope nearer 0 (minimum-norm subgradient)"


def _refine(f, df, values, sign, lo, hi) -> float:
    """The lowest value of ``sign * g`` found in ``[lo, hi]``."""

    def g(t):
        return sign * float(f(np.array([t]), *values)[0])

    with np.errstate(all="ignore"):
        slopes = df(np.array([lo, hi]), *values)
        if slopes[0] * slopes[1] < 0:
            t = so.brentq(lambda t: float(df(np.array([t]), *values)[0]), lo, hi)
            return min(g(t), g(np.nextafter(t, lo)), g(np.nextafter(t, hi)))
        res = so.minimize_scalar(g, bounds=(lo, hi), method="bounded")
    return float(res.fun)


def output_range(f: Kernel, df: Kernel, values) -> tuple[float, float]:
    """``(inf g, sup g)`` over the reals: the limits at +-inf and the
    extremes on the check grid, the lowest point and the lowest few of the
    dense part refined, at the zero of g' between the neighbours where there
    is one (Brent's root finder: to the last bit), else by Brent's
    minimiser. A bound beyond 1e300 is reported as infinite."""
    z = check_grid(np.float64)
    z = np.concatenate([[-np.inf], z, [np.inf]])
    v = f(z, *values)
    bounds = []
    for sign in (1, -1):  # the minimum of g, then of -g
        w = np.where(np.isnan(v), np.inf, sign * v)
        best = float(np.min(w))
        order = np.argsort(w)
        inner = (order > 1) & (order < len(z) - 2)
        order = order[inner & np.isfinite(w[order]) & (np.abs(z[order]) < 1e300)]
        narrow = order[(z[order + 1] - z[order - 1]) <= 1]
        for i in dict.fromkeys([*order[:1], *narrow[:4]]):  # each refined
            best = min(best, _refine(f, df, values, sign, z[i - 1], z[i + 1]))
        if abs(best) > 1e300:
            best = math.copysign(math.inf, best)
        bounds.append(sign * best)
    return bounds[0], bounds[1]
