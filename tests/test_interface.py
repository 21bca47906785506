"""Properties every activation in the registry must have (tables, no per-name edits)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actlab
from actlab import OutputFormUnavailable
from tables import ALL, SCALAR, VECTOR, WITH_OUTPUT_FORM

METHODS = ["forward", "derivative", "second_derivative"]


def _points(act, n=400, seed=0):
    """Random points in [-6, 6], away from the kinks (conventions there)."""
    z = np.random.default_rng(seed).uniform(-6, 6, n)
    for k in act.kinks:
        z = z[np.abs(z - k.at) > 1e-3]
    return z


@pytest.mark.parametrize("spec", ALL)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("method", METHODS)
def test_dtype_and_shape_kept(spec, dtype, method):
    act = actlab.get(spec)
    z = np.linspace(-3, 3, 24, dtype=dtype).reshape(2, 3, 4)
    out = getattr(act, method)(z)
    assert out.dtype == dtype
    extra = {"forward": 0, "derivative": 1, "second_derivative": 2}[method]
    assert out.shape == z.shape + (z.shape[-1],) * (extra if act.vector else 0)


@pytest.mark.parametrize("spec", ALL)
def test_scalars_lists_and_0d(spec):
    act = actlab.get(spec)
    for value in (0.5, np.float64(0.5), np.array(0.5), 1):
        out = act(value)
        assert np.ndim(out) == 0 and np.asarray(out).dtype == np.float64
    assert act(np.float32(0.5)).dtype == np.float32
    np.testing.assert_array_equal(act([0.5, -1.0]), act(np.array([0.5, -1.0])))
    assert act(np.array([1, 2, 3])).dtype == np.float64


@pytest.mark.parametrize("spec", SCALAR)
def test_derivative_matches_finite_differences(spec):
    act = actlab.get(spec)
    z = _points(act)
    h = 1e-6
    fd = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("spec", SCALAR)
def test_second_derivative_matches_difference_of_derivative(spec):
    act = actlab.get(spec)
    z = _points(act)
    h = 1e-6
    fd = (act.derivative(z + h) - act.derivative(z - h)) / (2 * h)
    np.testing.assert_allclose(act.second_derivative(z), fd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("spec", WITH_OUTPUT_FORM)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_output_form_agrees_with_input_form(spec, dtype):
    act = actlab.get(spec)
    z = np.linspace(-4, 4, 101, dtype=dtype)
    if act.vector:
        z = z.reshape(-1, 1) * np.array([1.0, -0.5, 0.25], dtype=dtype)
    else:
        z = z[~np.isin(z, [k.at for k in act.kinks])]
    rtol = 2e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(
        act.derivative_from_output(act(z)),
        act.derivative(z),
        rtol=rtol,
        atol=rtol * 1e-2,
    )


@pytest.mark.parametrize("spec", [s for s in ALL if s not in WITH_OUTPUT_FORM])
def test_missing_output_form_is_refused_clearly(spec):
    act = actlab.get(spec)
    assert not act.has_output_form
    with pytest.raises(OutputFormUnavailable, match="no derivative from the output"):
        act.derivative_from_output(0.5)
    with pytest.raises(ValueError, match="needs z"):
        act.vjp(np.ones(3), a=np.zeros(3))


@pytest.mark.parametrize(
    "spec", ["elu:alpha=0", "elu:alpha=-1", "leaky_relu:alpha=-0.2"]
)
def test_output_form_refused_for_non_invertible_parameters(spec):
    act = actlab.get(spec)
    assert not act.has_output_form
    assert act.monotonic == (act.alpha >= 0)
    with pytest.raises(OutputFormUnavailable, match="not invertible"):
        act.derivative_from_output([0.1])


@pytest.mark.parametrize("spec", SCALAR)
def test_vjp_uses_output_when_it_can(spec, monkeypatch):
    act = actlab.get(spec)
    z = _points(act, 50)
    g = np.random.default_rng(1).normal(size=z.shape)
    expected = g * act.derivative(z)
    np.testing.assert_allclose(act.vjp(g, z=z), expected, rtol=1e-12)
    if act.has_output_form:
        cls = type(act)
        monkeypatch.setattr(cls, "_df", lambda self, z: 1 / 0)  # must not be called
        np.testing.assert_allclose(
            act.vjp(g, a=act(z)), expected, rtol=1e-9, atol=1e-15
        )


@pytest.mark.parametrize("spec", VECTOR)
def test_vector_vjp_is_the_full_jacobian_product(spec):
    act = actlab.get(spec)
    rng = np.random.default_rng(2)
    z = rng.normal(size=(5, 4)) * 3
    g = rng.normal(size=(5, 4))
    jac = act.derivative(z)
    expected = np.einsum("bi,bij->bj", g, jac)
    np.testing.assert_allclose(act.vjp(g, z=z), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(act.vjp(g, a=act(z)), expected, rtol=1e-12, atol=1e-15)
    # the Jacobian itself against central differences
    h = 1e-6
    for j in range(4):
        e = np.zeros(4)
        e[j] = h
        fd = (act(z + e) - act(z - e)) / (2 * h)
        np.testing.assert_allclose(jac[:, :, j], fd, rtol=1e-6, atol=1e-9)
    hess = act.second_derivative(z)
    for k in range(4):
        e = np.zeros(4)
        e[k] = h
        fd = (act.derivative(z + e) - act.derivative(z - e)) / (2 * h)
        np.testing.assert_allclose(hess[..., k], fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("spec", VECTOR)
def test_vector_rows_with_infinities_and_nan(spec):
    act = actlab.get(spec)
    out = act(np.array([[np.inf, 0.0, 1.0], [-np.inf, 0.0, 0.0], [np.nan, 1.0, 2.0]]))
    probs = np.exp(out) if act.name == "log_softmax" else out
    np.testing.assert_array_equal(probs[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(probs[1], [0.0, 0.5, 0.5])
    assert np.isnan(out[2]).all()


@pytest.mark.parametrize("spec", SCALAR)
def test_monotonic_flag_matches_the_derivative(spec):
    act = actlab.get(spec)
    d = act.derivative(np.linspace(-8, 8, 2001))
    assert (d.min() >= 0) == act.monotonic or (d.max() <= 0) == act.monotonic


@pytest.mark.parametrize("spec", ALL)
@settings(max_examples=60, deadline=None)
@given(z=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=True))
def test_output_within_declared_range(spec, z):
    act = actlab.get(spec)
    low, high = act.output_range
    value = float(np.asarray(act(z)).ravel()[0])
    assert low - 1e-12 * max(1, abs(low)) <= value <= high + 1e-12 * max(1, abs(high))


@pytest.mark.parametrize("spec", WITH_OUTPUT_FORM)
@settings(max_examples=60, deadline=None)
@given(z=st.floats(-30, 30, allow_nan=False))
def test_output_form_close_to_input_form_anywhere(spec, z):
    """Where the output keeps the information (|g'| not tiny relative to the
    rounding of a), the two forms agree to a few ulps scaled by 1/|g'|."""
    act = actlab.get(spec)
    if act.vector or any(abs(z - k.at) < 1e-9 for k in act.kinks):
        return
    a = act(z)
    direct, from_a = act.derivative(z), act.derivative_from_output(a)
    slack = 8 * np.spacing(max(abs(float(a)), 1.0)) * 4
    assert abs(from_a - direct) <= 1e-12 * abs(direct) + slack * (1 + abs(z))


@pytest.mark.parametrize("spec", SCALAR)
def test_nan_propagates_and_infinities_give_limits(spec):
    act = actlab.get(spec)
    for method in METHODS:
        assert np.isnan(getattr(act, method)(np.nan))
    if act.has_limits:
        big = np.finfo(np.float64).max
        for method in ("forward", "derivative"):
            f = getattr(act, method)
            for inf, far in ((np.inf, big), (-np.inf, -big)):
                lim, edge = f(inf), f(far)
                assert lim == edge or (np.isinf(lim) and abs(edge) > 1e300), (
                    method,
                    inf,
                )


@pytest.mark.parametrize("spec", ["logistic", "relu", "gelu", "softmax", "silu:beta=2"])
@pytest.mark.parametrize("n", [7, 70_000])  # below and above the block size
def test_vjp_out_buffer(spec, n):
    act = actlab.get(spec)
    rng = np.random.default_rng(3)
    z = rng.normal(size=(n // 7, 7)).astype(np.float32) * 4
    g = rng.normal(size=z.shape).astype(np.float32)
    expected = act.vjp(g, z=z)
    buf = np.empty_like(z)
    assert act.vjp(g, z=z, out=buf) is buf
    np.testing.assert_allclose(buf, expected, rtol=1e-6, atol=1e-30)
    if act.has_output_form:
        a = act(z)
        np.testing.assert_array_equal(act.vjp(g, a=a, out=g.copy()), act.vjp(g, a=a))
    if not act.vector:
        with pytest.raises(ValueError, match="out must be an array of shape"):
            act.vjp(g, z=z, out=np.empty(3, np.float32))


@pytest.mark.parametrize("spec", ["logistic", "gelu", "softplus:beta=2"])
def test_blocked_evaluation_equals_unblocked(spec):
    act = actlab.get(spec)
    z = np.random.default_rng(4).normal(size=150_000) * 5
    whole = act(z)
    pieces = np.concatenate([act(z[i : i + 1000]) for i in range(0, z.size, 1000)])
    np.testing.assert_array_equal(whole, pieces)
    np.testing.assert_array_equal(
        act.derivative(z.reshape(300, 500)).ravel(), act.derivative(z)
    )
