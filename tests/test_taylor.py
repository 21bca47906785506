"""The Taylor coefficients about the zeros of f' are what mpmath says."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from actlab.activations import _taylor_data

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "taylor_coefficients", ROOT / "tools" / "taylor_coefficients.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name", ["SILU_BRACKET", "GELU_ERF_BRACKET", "GELU_TANH_BRACKET", "MISH_DERIVATIVE"]
)
def test_coefficients_regenerate(name):
    gen = _generator()
    x0, radius, coeffs = gen.expansion(name)
    (hi, lo), stored_radius, stored = getattr(_taylor_data, name)
    assert hi + lo == pytest.approx(float(x0), rel=1e-16)
    assert abs(float(x0 - hi) - lo) < 1e-30
    assert float(radius) == stored_radius
    assert len(stored) == len(coeffs)
    for c, s in zip(coeffs, stored, strict=True):
        assert s == pytest.approx(float(c), rel=1e-14, abs=1e-30)
    assert abs(gen.EXPANSIONS[name][0](x0)) < 1e-50  # x0 is the zero
