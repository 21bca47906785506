"""SymPy as an independent oracle: the derivative of each formula, and the
output form h(g(x)) == g'(x), checked against the hand-written kernels."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import actlab
from actlab.accuracy._reference import evaluate, scalar_functions
from tables import SCALAR, WITH_OUTPUT_FORM


def _points(act):
    z = np.linspace(-7.3, 7.1, 97)
    return z[~np.isin(z, [k.at for k in act.kinks])]


@pytest.mark.parametrize("spec", SCALAR)
def test_sympy_derivatives_match(spec):
    act = actlab.get(spec)
    fns = scalar_functions(act)
    z = _points(act)
    for key, method in (
        ("f", act.forward),
        ("df", act.derivative),
        ("d2f", act.second_derivative),
    ):
        exact = np.array([float(evaluate(fns[key], float(x))) for x in z])
        np.testing.assert_allclose(
            method(z), exact, rtol=1e-13, atol=1e-300, err_msg=key
        )


@pytest.mark.parametrize(
    "spec", [s for s in WITH_OUTPUT_FORM if not actlab.get(s).vector]
)
def test_sympy_output_form_is_the_derivative(spec):
    import sympy

    act = actlab.get(spec)
    fns = scalar_functions(act)
    z = _points(act)
    z = z[np.abs(z) < 4]  # where rounding a keeps the information
    with mpmath.workdps(60):
        h_of_g = np.array([float(fns["h"](fns["f"](mpmath.mpf(float(x))))) for x in z])
    exact_df = np.array([float(evaluate(fns["df"], float(x))) for x in z])
    np.testing.assert_allclose(h_of_g, exact_df, rtol=1e-12, atol=1e-300)
    # and symbolically where SymPy can decide it on a smooth piece
    x = sympy.Symbol("x", real=True)
    if not any(k in act.formula for k in ("Piecewise", "Abs", "Max", "Min")):
        local = {k: sympy.Rational(str(v)) for k, v in act.params.items()}
        f = sympy.sympify(act.formula, locals={"x": x, **local})
        a = sympy.Symbol("a", real=True)
        h = sympy.sympify(act.output_formula, locals={"a": a, **local})
        residual = sympy.simplify((h.subs(a, f) - sympy.diff(f, x)).rewrite(sympy.exp))
        assert residual == 0
