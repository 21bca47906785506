"""Softmax and log-softmax along the last axis.

Their derivatives are Jacobians: ``derivative(z)`` and
``derivative_from_output(a)`` return arrays of shape ``(..., n, n)`` and
``second_derivative(z)`` of shape ``(..., n, n, n)``; ``vjp`` is the full
Jacobian product (never just the diagonal).

The shift by the row maximum is carried out with TwoSum, so the rounding of
``z - max`` does not reach the exponential; the log-normaliser is
``log1p`` of the sum of the non-maximal terms, exact when they are tiny.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _numeric as nm
from ._base import Activation
from ._registry import register


def _exp_shifted(z):
    """``(d, e, ex, top, rest, far)`` for each row of ``z``.

    ``d + e == z - max(z)`` exactly, except for the entries more than 800
    below the maximum (``far``), where ``d`` is the rounded difference and
    ``ex`` underflows to 0; ``ex = e^{d+e}``, ``top`` marks the first maximal
    entry and ``rest`` is the sum of ``ex`` over the other entries.
    """
    m = np.max(z, axis=-1, keepdims=True)
    finite = np.isfinite(m)
    # rows whose maximum is +-inf (or NaN): the limit puts all mass on the
    # infinite entries (or spreads it evenly when all are -inf)
    z = np.where(finite, z, np.where(z == m, 0.0, -np.inf)).astype(z.dtype)
    m = np.where(finite, m, 0.0).astype(z.dtype)
    far = 0.5 * z < 0.5 * m - 400
    d, e = nm.two_sum(np.where(far, m, z), -m)
    with np.errstate(over="ignore"):  # below -max: -inf is the rounded value
        d = np.where(far, z - m, d).astype(z.dtype)
    e = np.where(far, 0.0, e).astype(z.dtype)
    ex = np.exp(np.maximum(d, -800.0))
    ex = ex + ex * e
    top = np.zeros(z.shape, dtype=bool)
    np.put_along_axis(top, np.argmax(d, axis=-1)[..., None], True, axis=-1)
    rest = np.sum(np.where(top, 0.0, ex), axis=-1, keepdims=True).astype(z.dtype)
    return d, e, ex, top, rest, far


def _nan_rows(out, z):
    bad = np.isnan(z).any(axis=-1)
    if bad.any():
        out = np.array(out, copy=True)
        out[bad] = np.nan
    return out


class _VectorActivation(Activation):
    """Shared plumbing of the vector activations (0-d input is a 1-vector)."""

    vector = True
    smoothness = "smooth"

    def _apply(self, kernel, x):
        arr, dtype, scalar = nm.as_float_array(x)
        if scalar:
            arr = arr.reshape(1)
        if arr.shape[-1] == 0:  # no entries: nothing to normalise
            extra = {self._f: 0, self._df: 1, self._dfa: 1, self._dfa_checked: 1}
            shape = arr.shape + (0,) * extra.get(kernel, 2)
            return np.zeros(shape, dtype=dtype)
        out = kernel(arr)
        if scalar and kernel not in (self._df, self._dfa, self._dfa_checked, self._d2f):
            out = out.reshape(())
        return nm.finish(out, dtype, False if out.ndim else scalar)

    def vjp(self, grad, *, z=None, a=None, out=None, check=True):
        if a is None and z is None:
            raise ValueError(f"{self.spec}.vjp needs z or a")
        arr, dtype, _ = nm.as_float_array(a if a is not None else z)
        arr = arr.reshape(arr.shape or (1,))
        g = nm.as_grad(np.reshape(grad, np.shape(grad) or (1,)), arr.shape, self)
        rtype = np.result_type(g.dtype, dtype)
        if out is not None and (
            not isinstance(out, np.ndarray)
            or out.shape != arr.shape
            or out.dtype != rtype
        ):
            raise ValueError(
                f"vjp out must be an array of shape {arr.shape} and dtype {rtype}"
            )
        a_arr = arr if a is not None else self.forward(arr)
        result = self._vjp_output(g.astype(arr.dtype, copy=False), a_arr).astype(rtype)
        if check:
            low, high = self.output_range
            tol = abs(high) * 2.0**-22
            bad = np.isnan(a_arr) | (a_arr < low) | (a_arr > high + tol)
            result[bad.any(axis=-1)] = np.nan  # not an output of g (or a NaN row)
        if out is None:
            return result.reshape(np.shape(a if a is not None else z) or ())[()]
        out[...] = result
        return out


@register
@dataclass(frozen=True)
class Softmax(_VectorActivation):
    """``g(z)_i = e^{z_i} / sum_j e^{z_j}`` along the last axis.

    Jacobian ``diag(s) - s s^T``, a function of the output; the vjp is
    ``a * (grad - sum(grad * a))``.

    >>> import actlab
    >>> actlab.get("softmax")(np.array([90.0, 2.0, -2.0], dtype=np.float32))
    array([1.000000e+00, 6.054601e-39, 1.108946e-40], dtype=float32)
    """

    name = "softmax"
    formula = "exp(z_i)/Sum(exp(z_j), j)"
    latex = r"\frac{e^{z_i}}{\sum_j e^{z_j}}"
    latex_derivative = r"s_i (\delta_{ij} - s_j)"
    latex_output_form = r"a_i (\delta_{ij} - a_j)"
    output_formula = "J_ij = a_i*(delta_ij - a_j)"
    summary = "normalised exponential (multiclass outputs), along the last axis"

    @property
    def output_range(self):
        return (0.0, 1.0)

    def _f(self, z):
        _, _, ex, _, rest, _ = _exp_shifted(z)
        return _nan_rows(ex / (1 + rest), z)

    def _df(self, z):
        _, _, ex, top, rest, _ = _exp_shifted(z)
        s = ex / (1 + rest)
        # 1 - s_i: direct where s_i <= 1/2, rest / (1 + rest) for the maximum
        comp = np.where(top, rest / (1 + rest), 1 - s)
        jac = -s[..., :, None] * s[..., None, :]
        idx = np.arange(z.shape[-1])
        jac[..., idx, idx] = s * comp
        return _nan_rows(jac, z)

    def _dfa(self, a):
        jac = -a[..., :, None] * a[..., None, :]
        idx = np.arange(a.shape[-1])
        jac[..., idx, idx] = a * (1 - a)
        return jac

    def _d2f(self, z):
        s = self._f(z)
        eye = np.eye(z.shape[-1], dtype=z.dtype)
        a = eye - s[..., None, :]  # (delta_ij - s_j)
        h = s[..., :, None, None] * (a[..., :, :, None] * a[..., :, None, :])
        h -= s[..., :, None, None] * (s[..., None, :, None] * a[..., None, :, :])
        return h

    @staticmethod
    def _vjp_output(g, a):
        return a * (g - np.sum(g * a, axis=-1, keepdims=True))


@register
@dataclass(frozen=True)
class LogSoftmax(_VectorActivation):
    """``g(z)_i = z_i - log sum_j e^{z_j}`` along the last axis.

    Jacobian ``delta_ij - s_j`` with ``s = softmax(z) = e^{a}``: a function of
    the output. The vjp is ``grad - e^{a} sum(grad)``.

    >>> import actlab
    >>> actlab.get("log_softmax")([0.0, 0.0])
    array([-0.69314718, -0.69314718])
    """

    name = "log_softmax"
    formula = "z_i - log(Sum(exp(z_j), j))"
    latex = r"z_i - \log \sum_j e^{z_j}"
    latex_derivative = r"\delta_{ij} - s_j"
    latex_output_form = r"\delta_{ij} - e^{a_j}"
    output_formula = "J_ij = delta_ij - exp(a_j)"
    summary = "log of the softmax (stable log-probabilities), along the last axis"

    @property
    def output_range(self):
        return (-np.inf, 0.0)

    def _f(self, z):
        d, e, _, _, rest, _ = _exp_shifted(z)
        return _nan_rows((d - np.log1p(rest)) + e, z)

    def _df(self, z):
        _, _, ex, top, rest, _ = _exp_shifted(z)
        s = ex / (1 + rest)
        comp = np.where(top, rest / (1 + rest), 1 - s)
        n = z.shape[-1]
        jac = np.broadcast_to(-s[..., None, :], (*z.shape, n)).copy()
        idx = np.arange(n)
        jac[..., idx, idx] = comp
        return _nan_rows(jac, z)

    def _dfa(self, a):
        n = a.shape[-1]
        jac = np.broadcast_to(-np.exp(a)[..., None, :], (*a.shape, n)).copy()
        idx = np.arange(n)
        jac[..., idx, idx] = -np.expm1(a)
        return jac

    def _d2f(self, z):
        jac = Softmax()._df(z)  # d^2 (z_i - lse) / dz_j dz_k = -J^softmax_jk
        return np.broadcast_to(
            -jac[..., None, :, :], (*z.shape, *z.shape[-1:] * 2)
        ).copy()

    @staticmethod
    def _vjp_output(g, a):
        return g - np.exp(a) * np.sum(g, axis=-1, keepdims=True)
