"""GELU, exact (erf) and tanh-approximated, accurate in the far left tail."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.special as sc

from ..errors import ActlabError
from . import _numeric as nm
from ._base import Activation
from ._registry import register
from ._taylor import GELU_ERF_BRACKET, GELU_TANH_BRACKET

_SQRT_HALF = math.sqrt(0.5)
_SQRT_HALF_PI = math.sqrt(math.pi / 2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
# 2 sqrt(2/pi) and 2 * 0.044715 * sqrt(2/pi) as double-doubles (hi, lo), for
# the tanh approximation of GELU written as z * s(c1 z + c2 z^3).
_GT_C1 = (1.5957691216057308, -9.96930880911092e-17)
_GT_C2 = (0.07135481627260025, -6.175149918155315e-19)


def _phi_tail(z):
    return 0.5 * sc.erfcx(-_SQRT_HALF * z) * nm.exp_neg_half_square(z)


def _gelu_df_tail(z, gauss):
    bracket = z + _SQRT_HALF_PI * sc.erfcx(-_SQRT_HALF * z)
    return (_INV_SQRT_2PI * gauss) * bracket


@register
@dataclass(frozen=True)
class GELU(Activation):
    """Gaussian error linear unit ``g(z) = z Phi(z)``.

    ``approximate="none"`` (default) is the exact form, with
    ``Phi(z) = erfc(-z/sqrt2)/2``; ``approximate="tanh"`` is Hendrycks &
    Gimpel's ``z s(2 sqrt(2/pi) (z + 0.044715 z^3))``. For ``z < 0`` the exact
    form uses ``Phi(z) = erfcx(-z/sqrt2) e^{-z^2/2} / 2`` with ``z^2`` split so
    that it carries no rounding error: ``gelu(-10) = -7.6198530241605e-23``.

    >>> import actlab
    >>> print(f"{actlab.get('gelu')(-10.0):.12e}")
    -7.619853024161e-23
    """

    approximate: str = "none"
    name = "gelu"
    summary = "Gaussian error linear unit (exact erf form by default)"
    promote_float32 = True

    def __post_init__(self):
        if self.approximate not in ("none", "tanh"):
            raise ActlabError(
                f"gelu approximate must be 'none' or 'tanh', got {self.approximate!r}"
            )

    @property
    def formula(self):
        if self.approximate == "tanh":
            return "x/(1 + exp(-2*sqrt(2/pi)*(x + 0.044715*x**3)))"
        return "x*erfc(-x/sqrt(2))/2"

    @property
    def latex(self):
        if self.approximate == "tanh":
            return r"\tfrac{z}{2}\bigl(1 + \tanh(\sqrt{2/\pi}(z + 0.044715 z^3))\bigr)"
        return r"z\,\Phi(z) = \tfrac{z}{2}\,\mathrm{erfc}(-z/\sqrt{2})"

    @property
    def latex_derivative(self):
        if self.approximate == "tanh":
            return (
                r"s(x)\,\bigl(1 + z\,s(-x)\,x'(z)\bigr),"
                r"\ x = \sqrt{8/\pi}(z + 0.044715 z^3)"
            )
        return r"\Phi(z) + z\,\varphi(z)"

    @property
    def monotonic(self):
        return False

    @property
    def output_range(self):
        low = (
            -0.17004075057125406 if self.approximate == "tanh" else -0.16997120747990366
        )
        return (low, np.inf)

    # ----- exact form -------------------------------------------------------
    @staticmethod
    def _phi(z):
        """``Phi(z)``: ``erfc(-z/sqrt2)/2``, and for ``z < -1`` (where the
        rounding of ``z/sqrt2`` would be amplified by ``z^2``)
        ``erfcx(-z/sqrt2) e^{-z^2/2} / 2``."""
        phi = 0.5 * sc.erfc(-_SQRT_HALF * z)
        return nm.replace_where(phi, z < -1, _phi_tail, z)

    def _f(self, z):
        if self.approximate == "tanh":
            return self._tanh_f(z)
        zl = np.maximum(z, -40.0)  # below -38.5 the result underflows to -0
        return zl * self._phi(zl)

    def _df(self, z):
        if self.approximate == "tanh":
            return self._tanh_df(z)
        zc = np.clip(z, -40.0, 40.0)
        gauss = nm.exp_neg_half_square(zc)
        out = self._phi(zc) + zc * (_INV_SQRT_2PI * gauss)
        # z < -1: phi(z) (z + sqrt(pi/2) erfcx(-z/sqrt2)), no cancellation of
        # two tails; near the zero z = -0.7517... a Taylor expansion
        out = nm.replace_where(out, zc < -1, _gelu_df_tail, zc, gauss)
        return GELU_ERF_BRACKET.patch(out, zc, factor=_INV_SQRT_2PI * gauss)

    def _d2f(self, z):
        if self.approximate == "tanh":
            return self._tanh_d2f(z)
        zc = np.clip(z, -40.0, 40.0)
        gauss = nm.exp_neg_half_square(zc)
        return _INV_SQRT_2PI * gauss * (2 - zc * zc)

    # ----- tanh approximation ----------------------------------------------
    @staticmethod
    def _tanh_arg(z):
        """``x = c1 z + c2 z^3`` as a double-double, for ``|z| <= 30``."""
        zc = np.clip(z, -30.0, 30.0)
        sh, sl = nm.two_prod(zc, zc)
        ph, pl = nm.dd_mul_const(sh, *_GT_C2)
        pl = pl + sl * _GT_C2[0]
        qh, ql = nm.two_sum(ph, np.asarray(_GT_C1[0], z.dtype))
        ql = ql + pl + _GT_C1[1]
        xh, xl = nm.two_prod(zc, qh)
        return zc, xh, xl + zc * ql

    def _tanh_f(self, z):
        _, xh, xl = self._tanh_arg(z)
        zl = np.maximum(z, -30.0)
        return zl * nm.expit_dd(xh, xl)

    def _tanh_df(self, z):
        zc, xh, xl = self._tanh_arg(z)
        dx = _GT_C1[0] + 3 * _GT_C2[0] * (zc * zc)
        bracket = 1 + zc * nm.expit(-xh) * dx
        bracket = GELU_TANH_BRACKET.patch(bracket, zc)
        return nm.expit_dd(xh, xl) * bracket

    def _tanh_d2f(self, z):
        zc, xh, xl = self._tanh_arg(z)
        s, t = nm.expit_dd(xh, xl), nm.expit_dd(-xh, -xl)
        dx = _GT_C1[0] + 3 * _GT_C2[0] * (zc * zc)
        d2x = 6 * _GT_C2[0] * zc
        return s * t * (2 * dx + zc * (d2x - dx * dx * np.tanh(0.5 * xh)))
