"""actlab.properties: known values under z ~ N(0, 1), for built-ins and
formulas alike."""

from __future__ import annotations

import math

import pytest

import actlab
from actlab import ActlabError


def test_relu_known_values():
    p = actlab.properties("relu")
    assert p["mean"] == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-5)
    assert p["variance"] == pytest.approx(0.5 - 1 / (2 * math.pi), rel=1e-4)
    assert p["stuck_fraction"] == pytest.approx(0.5, abs=1e-4)
    assert p["init_gain"] == pytest.approx(math.sqrt(2))
    assert p["max_abs_derivative"] == 1.0 and p["kinks"] == [0.0]
    assert (
        not p["bounded"] and not p["zero_centred"] and p["saturation"] == ["z < 0.0005"]
    )


def test_sigmoid_family():
    logistic, tanh = actlab.properties("logistic"), actlab.properties("tanh")
    assert logistic["max_abs_derivative"] == pytest.approx(0.25)
    assert logistic["mean"] == pytest.approx(0.5) and logistic["bounded"]
    assert tanh["zero_centred"] and abs(tanh["mean"]) < 1e-12
    assert tanh["max_abs_derivative"] == pytest.approx(1.0)
    # a wider input saturates more units: the seed's "stuck" logistic units
    wide = actlab.properties("tanh", scale=4.0)
    assert wide["stuck_fraction"] > 10 * tanh["stuck_fraction"] > 0


def test_identity_moments_and_formulas_agree_with_builtins():
    ident = actlab.properties("identity")
    assert abs(ident["mean"]) < 1e-12 and ident["variance"] == pytest.approx(
        1, abs=1e-4
    )
    silu, formula = actlab.properties("silu"), actlab.properties("x*sigmoid(x)")
    for key in (
        "mean",
        "variance",
        "stuck_fraction",
        "max_abs_derivative",
        "init_gain",
    ):
        assert formula[key] == pytest.approx(silu[key], rel=1e-9), key


def test_bad_scale():
    with pytest.raises(ActlabError, match="scale must be a positive number"):
        actlab.properties("tanh", scale=0)


def test_show_prints_the_properties(capsys):
    from actlab.cli import main

    assert main(["show", "relu"]) == 0
    out = capsys.readouterr().out
    assert "stuck 50.0%" in out and "init gain 1.414" in out
