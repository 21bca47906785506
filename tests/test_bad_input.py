"""Regression tests for the faults a break-it session found (right values)."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

import actlab
from actlab import ActlabError
from actlab.cli import main


@pytest.mark.parametrize("layout", ["fortran", "strided"])
def test_vjp_into_a_non_contiguous_out_is_filled(layout):
    act = actlab.get("tanh")
    z = np.ones((200, 100))
    out = (
        np.zeros((200, 100), order="F")
        if layout == "fortran"
        else np.zeros((400, 100))[::2]
    )
    result = act.vjp(np.ones((200, 100)), z=z, out=out)
    assert result is out
    np.testing.assert_allclose(out, 1 - np.tanh(1.0) ** 2, rtol=1e-15)


def test_celu_output_form_large_output_no_overflow():
    act = actlab.get("celu:alpha=0.5")
    assert act.derivative_from_output(np.array([1.7e308]))[0] == 1.0


def test_polynomial_far_branch_keeps_finite_values():
    act = actlab.get("polynomial:coefficients=[0,1e-10,0,1e-20]")
    z = -3.773e108
    exact = Fraction(1e-10) * Fraction(z) + Fraction(1e-20) * Fraction(z) ** 3
    assert act(z) == pytest.approx(float(exact), rel=1e-14)
    assert actlab.get("polynomial:coefficients=[0,0,1e-300]")(1e200) == pytest.approx(
        1e100, rel=1e-14
    )


@pytest.mark.parametrize(
    "spec, a",
    [
        ("logistic", 2.0),
        ("tanh", 5.0),
        ("softplus", -1.0),
        ("exponential", -1.0),
        ("celu", -3.0),
        ("log_sigmoid", 800.0),
        ("logistic", 1e300),
    ],
)
def test_output_form_outside_the_range_is_nan(spec, a):
    assert np.isnan(actlab.get(spec).derivative_from_output(a))


def test_softmax_output_form_outside_the_range_marks_the_row():
    jac = actlab.get("softmax").derivative_from_output(
        np.array([[2.0, -1.0], [0.5, 0.5]])
    )
    assert np.isnan(jac[0]).all() and np.isfinite(jac[1]).all()


@pytest.mark.parametrize(
    "spec",
    [
        "celu:alpha=1e308",
        "silu:beta=1e308",
        "silu:beta=1e-300",
        "softplus:beta=1e-320",
        "elu:alpha=1e40",
        "leaky_relu:alpha=1e-50",
        "polynomial:coefficients=[1e308,1e308]",
    ],
)
def test_extreme_parameters_are_refused(spec):
    with pytest.raises(ActlabError, match="must"):
        actlab.get(spec)


def test_polynomial_degree_is_bounded():
    with pytest.raises(ActlabError, match="1 to 64"):
        actlab.get("polynomial", coefficients=[1.0] * 65)


@pytest.mark.parametrize(
    "spec, params",
    [
        ("elu", {"alpha": 10**400}),
        ("polynomial", {"coefficients": 5}),
        ("polynomial", {"coefficients": None}),
        ("polynomial:coefficients=[1,2]]", {}),
        ("polynomial:coefficients=[", {}),
    ],
)
def test_get_edge_cases_are_one_line_errors(spec, params):
    with pytest.raises(ActlabError) as info:
        actlab.get(spec, **params)
    assert "\n" not in str(info.value)


def test_base_class_is_not_an_activation():
    with pytest.raises(ActlabError, match="base class"):
        actlab.get(actlab.Activation(), alpha=1.0)


def test_long_unknown_name_is_truncated():
    with pytest.raises(ActlabError) as info:
        actlab.get("x" * 100_000)
    assert len(str(info.value)) < 1000


def test_vjp_grad_checks():
    act = actlab.get("relu")
    with pytest.raises(ValueError, match=r"grad has shape \(2,\), expected \(3,\)"):
        act.vjp(np.ones(2), z=np.ones(3))
    with pytest.raises(TypeError, match="real numbers"):
        act.vjp(np.ones(3, complex), z=np.ones(3))
    with pytest.raises(ValueError, match="out must be an array"):
        act.vjp(np.ones(3), z=np.ones(3), out=[0, 0, 0])


@pytest.mark.skipif(np.dtype(np.longdouble).itemsize <= 8, reason="no long double")
def test_long_double_is_refused_clearly():
    with pytest.raises(TypeError, match="float32 or float64"):
        actlab.get("gelu")(np.ones(3, np.longdouble))


def test_plot_range_beyond_layout_is_refused(capsys, tmp_path):
    code = main(
        ["plot", "relu", "--range", "0", "1.7e308", "-o", str(tmp_path / "x.png")]
    )
    assert code == 2 and "z_range" in capsys.readouterr().err


def test_json_output_is_strict(capsys):
    assert main(["show", "--json", "polynomial:coefficients=[1e300,1e300]"]) == 0
    text = capsys.readouterr().out

    def refuse(token):
        raise AssertionError(f"non-standard JSON token {token}")

    json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("spec", ["softmax", "log_softmax"])
def test_vector_edge_cases(spec):
    act = actlab.get(spec)
    assert act(np.empty((3, 0))).shape == (3, 0)
    assert act.derivative(np.empty((3, 0))).shape == (3, 0, 0)
    assert act.vjp(1.0, z=0.5) == 0.0  # a 1-vector: softmax is constant
    with pytest.raises(ValueError, match="grad has shape"):
        act.vjp(np.ones(2), z=np.ones(3))
    with pytest.raises(ValueError, match="out must be an array"):
        act.vjp(np.ones(3), z=np.ones(3), out=np.empty(3, int))
    assert np.isnan(act.vjp(np.ones(2), a=[np.nan, -1.0])).all()
    assert np.isnan(act.vjp(np.ones(2), a=[2.0, -1.0])).all()  # not an output
