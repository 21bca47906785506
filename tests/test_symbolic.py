"""Formula activations: the safe parser, SymPy derivatives, the automatic
output form, and use wherever a name works (work in progress for the
symbolic issue)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import actlab
from actlab import ActlabError
from actlab.symbolic import X, define, parse

Z = np.linspace(-8, 8, 161)


@pytest.mark.parametrize(
    "formula, message",
    [
        ("__import__('os').system('ls')", "only the listed functions"),
        ("x.real", "attribute access is not allowed"),
        ("(lambda: 1)()", "only the listed functions"),
        ("lambda y: y", "lambdas are not allowed"),
        ("x[0]", "indexing is not allowed"),
        ("open('f')", "unknown function 'open'"),
        ("x * y", "unknown name 'y'"),
        ("x ^ 2", r"powers are written \*\*"),
        ("tanh(x, 2)", "tanh takes 1 argument"),
        ("'x'", "only numbers"),
        ("x +", "is not valid"),
        ("x + " * 300 + "x", "too long"),
        ("tanh(" * 60 + "x" + ")" * 60, "nested too deeply"),
        ("2 + 3", "does not depend on x"),
        ("tahn(x)", "did you mean tanh"),
    ],
)
def test_the_parser_refuses_anything_else(formula, message):
    with pytest.raises(ActlabError, match=message):
        define(formula)


def test_the_parser_runs_no_code(monkeypatch):
    import builtins

    def trap(*args, **kwargs):  # pragma: no cover - would be the bug
        raise AssertionError("code ran")

    monkeypatch.setattr(builtins, "__import__", trap, raising=False)
    with pytest.raises(ActlabError):
        parse("__import__('os').system('echo hacked')")


@pytest.mark.parametrize(
    "formula, builtin, form",
    [
        ("sigmoid(x)", "logistic", "a*(1 - a)"),
        ("tanh(x)", "tanh", "1 - a**2"),
        ("softplus(x)", "softplus", "1 - exp(-a)"),
        ("exp(x)", "exponential", "a"),
    ],
)
def test_derivatives_and_output_forms_match_the_builtins(formula, builtin, form):
    act, ref = define(formula), actlab.get(builtin)
    assert np.allclose(act(Z), ref(Z), rtol=1e-12, atol=0)
    assert np.allclose(act.derivative(Z), ref.derivative(Z), rtol=1e-10, atol=1e-300)
    assert np.allclose(
        act.second_derivative(Z), ref.second_derivative(Z), rtol=1e-8, atol=1e-300
    )
    a = sp.Symbol("a", real=True)
    assert (
        sp.simplify(
            sp.sympify(act.output_formula, {"a": a}) - sp.sympify(form, {"a": a})
        )
        == 0
    )
    assert np.allclose(
        act.derivative_from_output(act(Z)), ref.derivative(Z), rtol=1e-9, atol=1e-300
    )


def test_no_output_form_when_not_invertible():
    silu = define("x * sigmoid(x)")
    assert not silu.has_output_form
    with pytest.raises(actlab.OutputFormUnavailable, match="not invertible"):
        silu.derivative_from_output(silu(Z))
    assert np.allclose(silu.derivative(Z), actlab.get("silu").derivative(Z), rtol=1e-10)


def test_naive_formulas_get_stable_kernels():
    softplus = define("log(1 + exp(x))")
    z = np.array([-800.0, 0.0, 800.0])
    assert np.array_equal(softplus(z), actlab.get("softplus")(z))
    logistic = define("1 / (1 + exp(-x))")
    assert logistic(np.array([-800.0]))[0] == 0.0
    assert np.isfinite(define("x * tanh(softplus(x))")(np.array([1e4, -1e4]))).all()


def test_parameters_and_specs():
    act = actlab.get("x*sigmoid(beta*x):beta=1.5")
    assert act.params == {"beta": 1.5} and act.spec == "x*sigmoid(beta*x):beta=1.5"
    assert actlab.get(act.spec) == act
    assert float(act.derivative(0.0)) == pytest.approx(0.5)
    with pytest.raises(ActlabError, match="unknown name 'beta'"):
        actlab.get("x*sigmoid(beta*x)")
    with pytest.raises(ActlabError, match="must be a number"):
        actlab.get("x*sigmoid(beta*x):beta=big")


def test_a_formula_trains_and_round_trips(tmp_path):
    from actlab.datasets import load

    ring = load("ring", random_state=0)
    model = actlab.MLPClassifier(
        (8,), "x*sigmoid(beta*x):beta=1.5", solver="lbfgs", random_state=0
    ).fit(ring.X, ring.y)
    assert model.score(ring.X, ring.y) >= 0.93
    path = model.save(tmp_path / "f.actlab")
    assert np.array_equal(
        actlab.load(path).predict_proba(ring.X), model.predict_proba(ring.X)
    )


def test_formula_dtype_and_shape_kept():
    act = define("x * sigmoid(x)")
    z32 = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    for fn in (act.forward, act.derivative, act.second_derivative):
        out = fn(z32)
        assert out.dtype == np.float32 and out.shape == (3, 4)
    assert parse("x") == X


def test_derive_command(capsys):
    from actlab.cli import main

    assert main(["derive", "tanh(x)", "--dtype", "float64"]) == 0
    out = capsys.readouterr().out
    assert "g' from a   = 1 - a**2" in out and "g''(x)" in out and "max ulp" in out
    assert main(
        [
            "derive",
            "x*sigmoid(beta*x)",
            "--param",
            "beta=2",
            "--json",
            "--dtype",
            "float64",
        ]
    ) in (0,)
    import json

    info = json.loads(capsys.readouterr().out)
    assert info["parameters"] == {"beta": 2.0} and info["output_form"] is None
    assert main(["derive", "__import__('os').system('ls')"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "only the listed functions" in err
    assert main(["derive", "x", "--param", "beta"]) == 2


# built-ins whose formula is in the parser's grammar (the others use
# Piecewise, Min/Max or vector sums, written for SymPy rather than users)
DERIVABLE = [
    "arctan",
    "exponential",
    "gelu",
    "identity",
    "log_sigmoid",
    "logistic",
    "mish",
    "silu",
    "softplus:beta=2",
    "tanh",
    "sin",
]


@pytest.mark.parametrize("spec", DERIVABLE)
def test_every_builtin_formula_derived_matches_the_hand_written_kernels(spec):
    ref = actlab.get(spec)
    numeric = {k: v for k, v in ref.params.items() if isinstance(v, float)}
    act = define(ref.formula, **numeric)
    z = np.linspace(-6, 6, 121)
    assert np.allclose(act(z), ref(z), rtol=1e-12, atol=1e-300)
    assert np.allclose(act.derivative(z), ref.derivative(z), rtol=1e-9, atol=1e-15)
    assert np.allclose(
        act.second_derivative(z), ref.second_derivative(z), rtol=1e-7, atol=1e-12
    )
    assert act.has_output_form == ref.has_output_form, act.output_formula
    if ref.has_output_form:
        a = ref(z)
        assert np.allclose(
            act.derivative_from_output(a),
            ref.derivative_from_output(a),
            rtol=1e-8,
            atol=1e-15,
        )
