"""The whole-range accuracy and stability targets, for every activation.

References are SymPy formulas evaluated with mpmath at 60+ digits; errors are
in ulps of the exact result (floored at the smallest normal).
"""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np
import pytest

import actlab
from actlab.accuracy import (
    MAX_ULP,
    MEDIAN_ULP,
    accuracy_table,
    grid,
    stability_audit,
    ulp_errors,
)
from actlab.activations._sigmoids import Logistic
from tables import ALL

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("spec", ALL)
def test_accuracy_targets_met(spec):
    rows = accuracy_table(spec)
    assert {(r.dtype, r.form) for r in rows} >= {
        ("float32", "forward"),
        ("float64", "forward"),
        ("float32", "derivative"),
        ("float64", "derivative"),
    }
    missed = [
        f"{r.dtype} {r.form}: max {r.max_ulp:.3g} ulp at z={r.worst_at:.6g}, "
        f"median {r.median_ulp:.3g}"
        for r in rows
        if not (r.max_ulp <= MAX_ULP and r.median_ulp <= MEDIAN_ULP)
    ]
    assert not missed, missed
    assert all(r.points > 1000 for r in rows if not actlab.get(spec).vector)


@pytest.mark.parametrize("spec", ALL)
def test_stability_audit_clean(spec):
    findings = stability_audit(spec)
    assert not findings, "\n".join(map(str, findings))


def test_grid_covers_the_whole_range():
    for dtype in (np.float32, np.float64):
        z = grid(dtype)
        fi = np.finfo(dtype)
        for v in (
            0.0,
            float(fi.tiny),
            float(fi.max),
            1.0,
            20.0,
            40.0,
            89.0,
            710.0,
            1e4,
        ):
            if v <= fi.max:
                assert dtype(v) in z and dtype(-v) in z
        assert np.nextafter(dtype(0), dtype(1)) in z  # a subnormal
        assert z.dtype == dtype and len(z) > 2500


def test_ulp_errors_units():
    exact = [mpmath.mpf(1), mpmath.mpf("1e-320"), mpmath.mpf(2) ** 2000]
    computed = np.array([1 + 2 * np.spacing(1.0), 0.0, np.inf])
    err, over = ulp_errors(computed, exact, np.float64)
    assert err[0] == 2.0
    assert err[1] == pytest.approx(1e-320 / np.finfo(float).tiny)  # floored ulp
    assert over.tolist() == [False, False, True]


@dataclasses.dataclass(frozen=True)
class _NaiveLogistic(Logistic):
    """The textbook formula: overflows and loses the left tail."""

    def _f(self, z):
        return 1 / (1 + np.exp(-z))  # exp(-z) overflows for z < -709

    def _df(self, z):
        s = self._f(z)
        return s * (1 - s)  # 1 - s rounds to 0 for z > 37


def test_harness_catches_a_bad_kernel():
    rows = accuracy_table(_NaiveLogistic(), dtypes=[np.float64])
    deriv = next(r for r in rows if r.form == "derivative")
    assert not deriv.passed and deriv.max_ulp > 1e10
    findings = stability_audit(_NaiveLogistic(), dtypes=[np.float64])
    assert any(f.kind == "warning" and "overflow" in f.detail for f in findings)


def test_output_form_information_loss_is_reported():
    rows = accuracy_table("logistic", dtypes=[np.float64])
    out = next(r for r in rows if r.form == "output form")
    assert out.passed  # exact at the stored output ...
    assert 0.5 < out.lossless_below < 10  # ... but lossy vs g'(z) beyond a few units
