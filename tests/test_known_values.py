"""The public reports the catalog must never reproduce, with the right values."""

from __future__ import annotations

import numpy as np
import pytest

import actlab


def test_logistic_far_left_float64_no_warning():
    out = actlab.get("logistic")(np.array([-710.0, -1000.0]))
    assert out[0] == pytest.approx(4.476286225675133e-309, rel=1e-6) or out[0] == 0
    assert out[1] == 0.0


def test_softplus_large_and_tiny():
    out = actlab.get("softplus")([1e10, -1e10, -50.0])
    np.testing.assert_array_equal(out[:2], [1e10, 0.0])
    assert out[2] == pytest.approx(1.9287498479639178e-22, rel=1e-15)


def test_softmax_float32_no_nan():
    out = actlab.get("softmax")(np.array([90, 2, -2], dtype=np.float32))
    assert out.dtype == np.float32 and not np.isnan(out).any()
    np.testing.assert_allclose(out, [1.0, 6.0546e-39, 1.1089e-40], rtol=1e-4)


def test_gelu_exact_tail_is_not_zero():
    assert actlab.get("gelu")(-10.0) == pytest.approx(-7.619853024160526e-23, rel=1e-15)


def test_tanh_derivative_from_input_keeps_the_tail():
    d = actlab.get("tanh").derivative(20.0)
    assert d == pytest.approx(1.6993417021166355e-17, rel=1e-15)


def test_selu_derivative():
    d = actlab.get("selu").derivative(-10.0)
    assert d == pytest.approx(7.981758658994182e-05, rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_derivative_at_zero_both_forms(dtype):
    relu = actlab.get("relu")
    zero = dtype(0)
    assert relu.derivative(zero) == 0 and relu.derivative_from_output(relu(zero)) == 0


@pytest.mark.parametrize(
    "spec, z, value",
    [
        ("logistic", 0.0, 0.25),
        ("tanh", 0.0, 1.0),
        ("leaky_relu:alpha=0.1", 0.0, 0.1),
        ("elu:alpha=0.5", 0.0, 0.5),
        ("hard_sigmoid", 3.0, 0.0),
        ("hard_sigmoid", -3.0, 0.0),
        ("hard_tanh", 1.0, 0.0),
        ("relu6", 6.0, 0.0),
        ("hard_swish", -3.0, 0.0),  # PyTorch 2.13's values
        ("hard_swish", 3.0, 1.0),
    ],
)
def test_pinned_derivative_conventions(spec, z, value):
    """Kink values are documented and the same in both forms."""
    act = actlab.get(spec)
    assert act.derivative(z) == value
    if act.has_output_form:
        assert act.derivative_from_output(act(z)) == value
    assert any(k.at == z and k.derivative == value for k in act.kinks) or z == 0


def test_gelu_default_is_exact_erf_form():
    g = actlab.get("gelu")
    assert g.approximate == "none"
    assert g(1.0) == pytest.approx(0.8413447460685429, rel=1e-15)
    assert actlab.get("gelu:approximate=tanh")(1.0) == pytest.approx(
        0.8411919906082768, rel=1e-15
    )


def test_output_form_information_loss_is_real():
    """logistic(40) rounds to 1.0: the output form then returns 0, the input
    form the true 4.248e-18 (the documented limit of the seed's trick)."""
    act = actlab.get("logistic")
    a = act(40.0)
    assert a == 1.0 and act.derivative_from_output(a) == 0.0
    assert act.derivative(40.0) == pytest.approx(4.248354255291589e-18, rel=1e-14)
