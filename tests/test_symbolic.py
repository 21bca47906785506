"""Formula activations: the safe parser, derivatives of the stable form (as
stable and as accurate as the built-ins', mpmath as the oracle), the output
form, kinks with the built-ins' conventions, range, and use wherever a name
works."""

from __future__ import annotations

import json

import mpmath
import numpy as np
import pytest
import sympy as sp

import actlab
from actlab import ActlabError
from actlab.accuracy import MEDIAN_ULP, accuracy_table, stability_audit
from actlab.accuracy._reference import evaluate, scalar_functions
from actlab.symbolic import X, define, parse

Z = np.linspace(-8, 8, 161)

#: the issue's formulas, and a few more; id -> (formula, parameters)
FORMULAS = {
    "logistic": ("1/(1+exp(-x))", {}),
    "tanh": ("tanh(x)", {}),
    "softplus": ("log(1+exp(x))", {}),
    "silu": ("x*sigmoid(x)", {}),
    "mish": ("x*tanh(softplus(x))", {}),
    "gelu": ("x*(1+erf(x/sqrt(2)))/2", {}),
    "elu_like": ("where(x>0, x, exp(x)-1)", {}),
    "swish_beta": ("x*sigmoid(beta*x)", {"beta": 1.5}),
    "softplus_over_quadratic": ("log(1+exp(x))/(1+x**2)", {}),
    "softsign": ("x/(1+abs(x))", {}),
    "exp": ("exp(x)", {}),
    "sin_plus_x": ("sin(x)+x", {}),
}
#: max ulp over the accuracy grid, both dtypes and all forms: the 4-ulp
#: target, but for the quotient rule's sum (measured 6) and 1 + cos(x) at its
#: double zeros (left out: no formula-level rewrite removes that cancellation)
ULP_BOUND = {"softplus_over_quadratic": 8.0}
ACCURACY = [k for k in FORMULAS if k != "sin_plus_x"]


def formula(key):
    text, params = FORMULAS[key]
    return define(text, **params)


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


def test_a_formula_that_is_not_text_is_one_clear_error():
    with pytest.raises(ActlabError, match="a formula is a string in x"):
        define(3.0)


@pytest.mark.parametrize(
    "formula, builtin, form",
    [
        ("sigmoid(x)", "logistic", "a*(1 - a)"),
        ("1/(1+exp(-x))", "logistic", "a*(1 - a)"),
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
    got = sp.sympify(act.output_formula, {"a": a})
    assert sp.simplify(got - sp.sympify(form, {"a": a})) == 0
    assert np.allclose(
        act.derivative_from_output(act(Z)), ref.derivative(Z), rtol=1e-9, atol=1e-300
    )


@pytest.mark.parametrize("key", ["silu", "mish", "gelu", "swish_beta"])
def test_no_output_form_when_not_monotonic(key):
    act = formula(key)
    assert not act.has_output_form and not act.monotonic
    with pytest.raises(
        actlab.OutputFormUnavailable, match="not invertible.*changes sign"
    ):
        act.derivative_from_output(act(Z))


def test_monotonic_without_a_closed_form_inverse_says_so():
    act = formula("sin_plus_x")
    assert act.monotonic and not act.has_output_form
    assert "no closed form" in act._output_form_refusal()


@pytest.mark.parametrize(
    "spec, builtin",
    [
        ("where(x>0, x, exp(x)-1)", "elu"),
        ("where(x>0, x, 0.5*(exp(x)-1))", "elu:alpha=0.5"),
        ("x/(1+abs(x))", "softsign"),
        ("max(x, 0)", "relu"),
        ("where(x > 0, x, 0.1*x)", "leaky_relu:alpha=0.1"),
        ("max(x, 0.1*x)", "leaky_relu:alpha=0.1"),
        ("min(max(x, 0), 6)", "relu6"),
        ("min(max(x, -1), 1)", "hard_tanh"),
    ],
)
def test_kinks_and_their_conventions_are_the_builtins(spec, builtin):
    act, ref = define(spec), actlab.get(builtin)
    z = np.concatenate([Z, [-6.0, -1.0, 0.0, 1.0, 6.0]])
    assert [(k.at, k.derivative) for k in act.kinks] == [
        (k.at, k.derivative) for k in ref.kinks
    ]
    assert act.smoothness == ref.smoothness
    assert act.output_range == pytest.approx(ref.output_range, rel=1e-12)
    for method in ("forward", "derivative", "second_derivative"):
        got, want = getattr(act, method)(z), getattr(ref, method)(z)
        assert np.allclose(got, want, rtol=1e-12, atol=1e-300), method
    assert act.has_output_form and ref.has_output_form
    a = ref(z)
    assert np.allclose(
        act.derivative_from_output(a), ref.derivative_from_output(a), rtol=1e-12
    )


@pytest.mark.parametrize(
    "spec, at, value, rule",
    [
        ("abs(x)", 0.0, 0.0, "abs: the slope nearer 0"),
        ("where(x >= 0, x, 0.1*x)", 0.0, 1.0, "where() condition selects"),
        ("where(x > 0, 1, 0)", 0.0, 0.0, "g jumps from 0 to 1"),
        ("max(x, -x/2)", 0.0, 0.0, "max: the slope nearer 0"),
    ],
)
def test_kink_values_follow_the_stated_rule(spec, at, value, rule):
    act = define(spec)
    (kink,) = act.kinks
    assert (kink.at, kink.derivative) == (at, value) and rule in kink.note
    assert float(act.derivative(at)) == value  # not SymPy's Heaviside(0) = 1/2


@pytest.mark.parametrize(
    "spec, smoothness",
    [
        ("x*abs(x)", "C1"),
        ("where(x > 0, x, exp(x) - 1)", "C1"),
        ("where(x > 0, x**3, 0)", "C2"),
        ("where(x > 0, 1, 0)", "discontinuous"),
        ("max(x, 0)", "C0"),
        ("x*sigmoid(x)", "smooth"),
    ],
)
def test_smoothness(spec, smoothness):
    assert define(spec).smoothness == smoothness


@pytest.mark.parametrize(
    "key, builtin",
    [
        ("logistic", "logistic"),
        ("tanh", "tanh"),
        ("softplus", "softplus"),
        ("silu", "silu"),
        ("mish", "mish"),
        ("gelu", "gelu"),
        ("elu_like", "elu"),
        ("swish_beta", "silu:beta=1.5"),
    ],
)
def test_output_range_is_the_builtins(key, builtin):
    got, want = formula(key).output_range, actlab.get(builtin).output_range
    assert got == pytest.approx(want, rel=1e-12, abs=1e-300)


def test_output_range_of_bounded_and_unbounded_formulas():
    assert define("sin(x)").output_range == (-1.0, 1.0)
    assert define("exp(-x**2)").output_range == (0.0, 1.0)
    assert define("x**3").output_range == (-np.inf, np.inf)
    assert not define("sin(x)").has_limits and formula("silu").has_limits


@pytest.mark.parametrize("key", list(FORMULAS))
def test_no_overflow_or_nan_where_the_exact_value_is_finite(key):
    """The stability audit over the whole float range, float32 and float64:
    no warning, no inf/NaN unless mpmath says the exact value overflows,
    limits at +-inf, NaN kept, dtype kept."""
    findings = stability_audit(formula(key))
    assert not findings, "\n".join(map(str, findings))


@pytest.mark.parametrize(
    "key, method, x, exact",
    [  # the old kernels' inf or NaN at these points, with the right values
        ("silu", "derivative", 710.0, 1.0),
        ("silu", "derivative", 1e308, 1.0),
        ("silu", "second_derivative", -1e308, 0.0),
        ("mish", "derivative", 800.0, 1.0),
        ("softplus", "derivative", 800.0, 1.0),
        ("logistic", "second_derivative", 1e308, 0.0),
        ("gelu", "second_derivative", -1e308, 0.0),
        ("softplus_over_quadratic", "forward", 1e200, 1e-200),  # x**2 overflows
        ("softplus_over_quadratic", "derivative", 2e154, -1 / 2e154 / 2e154),
    ],
)
def test_formerly_overflowing_points(key, method, x, exact):
    got = float(getattr(formula(key), method)(x))
    assert got == pytest.approx(exact, rel=1e-12, abs=1e-320)


@pytest.mark.parametrize("key", [k for k in ACCURACY if FORMULAS[k][1] == {}])
def test_derivatives_agree_with_sympy_evaluated_by_mpmath(key):
    """An oracle independent of the kernels: SymPy's derivatives of the
    formula as parsed, at 60 digits (420 where tiny), on [-30, 30]."""
    act = formula(key)
    f = parse(FORMULAS[key][0])
    z = np.concatenate([np.linspace(-30, 30, 97), [-2e-3, 1e-8, 1.3]])
    for order, method in ((1, act.derivative), (2, act.second_derivative)):
        d = sp.diff(f, X, order).replace(sp.DiracDelta, lambda *args: 0)
        exact = sp.lambdify(X, d, modules="mpmath")
        want = np.array([float(evaluate(exact, float(t))) for t in z])
        err = np.abs(method(z) - want) / np.maximum(np.abs(want), 1e-280)
        assert np.max(err) < (1e-13 if order == 1 else 1e-11), (key, order)


@pytest.mark.slow
@pytest.mark.parametrize("key", ACCURACY)
def test_ulp_bounds_over_the_whole_range(key):
    act = formula(key)
    bound = ULP_BOUND.get(key, 4.0)
    missed = [
        f"{r.dtype} {r.form}: max {r.max_ulp:.3g} ulp at z={r.worst_at:.6g}"
        for r in accuracy_table(act)
        if not (r.max_ulp <= bound and r.median_ulp <= MEDIAN_ULP)
    ]
    assert not missed, missed


@pytest.mark.parametrize("key", ["silu", "mish", "gelu"])
def test_taylor_patch_keeps_accuracy_at_the_zero_of_the_derivative(key):
    """Right next to the zero of g' its two terms cancel; the patch keeps the
    relative error near an ulp (the harness grid alone misses most of it)."""
    act = formula(key)
    fns = scalar_functions(act)
    x0 = next(p.hi for p in act._kdf.patches([]))
    z = x0 + np.array([-1e-2, -1e-5, -1e-9, 1e-9, 1e-5, 1e-2])
    got = act.derivative(z)
    for x, g in zip(z, got, strict=True):
        exact = evaluate(fns["df"], float(x))
        assert abs(mpmath.mpf(float(g)) - exact) <= 4 * abs(exact) * 2.0**-52


def test_printed_derivatives_are_what_the_kernels_compute():
    for key in ("silu", "mish", "gelu", "elu_like", "softplus_over_quadratic"):
        act = formula(key)
        for text, method in (
            (act.derivative_formula, act.derivative),
            (act.second_derivative_formula, act.second_derivative),
        ):
            again = define(text)
            assert np.allclose(again(Z), method(Z), rtol=1e-12, atol=1e-300), text
    assert "sigmoid(x)*sigmoid(-x)" in formula("silu").derivative_formula


def test_naive_formulas_get_stable_kernels():
    softplus = define("log(1 + exp(x))")
    z = np.array([-800.0, 0.0, 800.0])
    assert np.array_equal(softplus(z), actlab.get("softplus")(z))
    assert define("1 / (1 + exp(-x))")(np.array([-800.0]))[0] == 0.0
    assert np.isfinite(define("x * tanh(softplus(x))")(np.array([1e4, -1e4]))).all()
    gated = define("x*exp(x)/(1 + exp(x))")  # silu as first typed
    assert np.allclose(gated.derivative(Z), actlab.get("silu").derivative(Z))
    assert float(gated.derivative(1e3)) == 1.0


def test_no_slow_sympy_call_for_a_formula_without_output_form(monkeypatch):
    def trap(*args, **kwargs):
        raise AssertionError("solve/simplify called")

    monkeypatch.setattr(sp, "solve", trap)
    monkeypatch.setattr(sp, "simplify", trap)
    for text in ("sigmoid(x) * x", "tanh(softplus(x)) * x", "x*(1 + erf(x/2))"):
        assert not define(text).has_output_form


def test_a_wrong_generated_derivative_is_caught(monkeypatch):
    from actlab.symbolic import _stable

    monkeypatch.setattr(_stable._expit, "fdiff", lambda self, argindex=1: self)
    with pytest.raises(ActlabError, match="internal error: the generated derivative"):
        define("x * sigmoid(3*x) + x**2")


def test_parameters_and_specs():
    act = actlab.get("x*sigmoid(beta*x):beta=1.5")
    assert act.params == {"beta": 1.5} and act.spec == "x*sigmoid(beta*x):beta=1.5"
    assert actlab.get(act.spec) == act
    assert float(act.derivative(0.0)) == pytest.approx(0.5)
    with pytest.raises(ActlabError, match="unknown name 'beta'"):
        actlab.get("x*sigmoid(beta*x)")
    with pytest.raises(ActlabError, match="must be a number"):
        actlab.get("x*sigmoid(beta*x):beta=big")


def test_range_kinks_and_output_form_follow_the_parameters():
    swish = actlab.get("x*sigmoid(beta*x):beta=3")
    assert swish.output_range[0] == pytest.approx(-0.2784645427610738 / 3, rel=1e-12)
    leaky = actlab.get("where(x > t, x, 0.1*x):t=2")
    assert [(k.at, k.derivative) for k in leaky.kinks] == [(2.0, 0.1)]
    softplus = define("log(1+exp(beta*x))/beta", beta=1.0)
    wide = type(softplus)(beta=2.0)  # the class's output form, other parameters
    ref = actlab.get("softplus:beta=2")
    a = ref(Z)
    assert np.allclose(wide.derivative_from_output(a), ref.derivative_from_output(a))


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
    assert "range       : (-1, 1), monotonic: True, smoothness: smooth" in out
    assert main(["derive", "max(x, 0)", "--dtype", "float64"]) == 0
    out = capsys.readouterr().out
    assert "kink at x = 0: g' taken as 0 (slope 0 on the left, 1 on the right" in out
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
    info = json.loads(capsys.readouterr().out)
    assert info["parameters"] == {"beta": 2.0} and info["output_form"] is None
    assert "changes sign" in info["output_form_note"] and info["kinks"] == []
    assert info["range"][0] == pytest.approx(-0.2784645427610738 / 2)
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


def test_bench_runs_and_writes_its_rows(tmp_path, capsys):
    from test_bench_smoke import load_bench

    out = tmp_path / "s.json"
    load_bench("symbolic").main(
        ["--quick", "--activations", "tanh,silu", "--json", str(out)]
    )
    rows = json.loads(out.read_text())
    printed = capsys.readouterr().out
    assert "derive:" in printed and "speed:" in printed and "ulp:" in printed
    derive = [r for r in rows if r["table"] == "derive"]
    assert len(derive) == 12 and all(r["define_s"] > 0 for r in derive)
    speed = {
        (r["activation"], r["dtype"], r["op"]) for r in rows if r["table"] == "speed"
    }
    assert ("tanh", "float32", "derivative(a)") in speed
    assert ("silu", "float64", "derivative(z)") in speed
    assert ("silu", "float64", "derivative(a)") not in speed
    ulps = [r for r in rows if r["table"] == "ulp"]
    assert {r["form"] for r in ulps} == {"forward", "derivative", "output form"}
    assert all(r["generated_max_ulp"] <= 4 for r in ulps)
