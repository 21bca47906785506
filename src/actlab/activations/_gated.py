"""Self-gated activations ``z * gate(z)``: silu/swish, gelu, mish, hard_swish.

None of them is invertible on the reals (each has a minimum below zero), so
their derivative is not a function of the output and the network keeps ``z``.
Their derivatives cross zero left of the origin, where the two terms of
``f'`` cancel; near those zeros the kernels switch to a Taylor expansion about
the zero (``_taylor``), so the relative error stays small right up to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.special as sc

from ..errors import ActlabError, require_within
from . import _numeric as nm
from ._base import Activation, Kink
from ._registry import register
from ._taylor import GELU_ERF_BRACKET, GELU_TANH_BRACKET, MISH_DERIVATIVE, SILU_BRACKET

_SQRT_HALF = math.sqrt(0.5)
_SQRT_HALF_PI = math.sqrt(math.pi / 2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
# 2 sqrt(2/pi) and 2 * 0.044715 * sqrt(2/pi) as double-doubles (hi, lo), for
# the tanh approximation of GELU written as z * s(c1 z + c2 z^3).
_GT_C1 = (1.5957691216057308, -9.96930880911092e-17)
_GT_C2 = (0.07135481627260025, -6.175149918155315e-19)


@register
@dataclass(frozen=True)
class SiLU(Activation):
    """``g(z) = z s(beta z)`` (silu for ``beta = 1``, swish in general).

    ``g'(z) = s(x) (1 + x s(-x))`` with ``x = beta z``; zero at
    ``x = -1.27846...``. No output form.

    >>> import actlab
    >>> print(f"{actlab.get('silu')(1.0):.12f}")
    0.731058578630
    """

    beta: float = 1.0
    name = "silu"
    aliases = ("swish",)
    formula = "x/(1 + exp(-beta*x))"
    latex = r"\frac{z}{1 + e^{-\beta z}}"
    latex_derivative = r"s(\beta z)\,\bigl(1 + \beta z\,(1 - s(\beta z))\bigr)"
    summary = "sigmoid-weighted linear unit (swish with beta)"

    def __post_init__(self):
        require_within("silu", "beta", self.beta, 1e-30, 1e30)

    promote_float32 = True  # float32 cannot resolve the zero of f' (see _taylor)

    @property
    def monotonic(self):
        return False

    @property
    def output_range(self):
        return (-0.2784645427610738 / self.beta, np.inf)

    def _scaled(self, z):
        """``(z clipped below, z clipped, hi, lo)`` with ``hi + lo = beta z``."""
        lim = 800 / self.beta
        zc = np.clip(z, -lim, lim)
        hi, lo = nm.scaled(zc, self.beta)
        return np.maximum(z, -lim), zc, hi, (np.zeros_like(zc) if lo is None else lo)

    # for x = beta z < -600, s(x) = e^x (1 + lo) is subnormal-prone: the tails
    # are computed as z e^x and (1 + x) e^x directly
    def _f(self, z):
        zl, zc, hi, lo = self._scaled(z)
        out = zl * nm.expit_dd(hi, lo if self.beta != 1 else None)
        tail = hi < -600
        return nm.replace_where(
            out, tail, lambda h, c: nm.exp_times(h, c), hi, zc + zc * lo
        )

    def _df(self, z):
        _, _, hi, lo = self._scaled(z)
        bracket = 1 + hi * nm.expit(-hi)
        bracket = SILU_BRACKET.patch(bracket, hi, lo)
        out = nm.expit_dd(hi, lo if self.beta != 1 else None) * bracket
        tail = hi < -600
        return nm.replace_where(
            out, tail, lambda h, c: nm.exp_times(h, c), hi, (1 + hi) * (1 + lo)
        )

    def _d2f(self, z):
        _, _, hi, lo = self._scaled(z)
        s, t = nm.expit_dd(hi, lo), nm.expit_dd(-hi, -lo)
        return self.beta * s * t * (2 - hi * np.tanh(0.5 * hi))


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


@register
@dataclass(frozen=True)
class Mish(Activation):
    """``g(z) = z tanh(softplus(z))`` (Misra, 2019).

    With ``w = e^z`` and ``n = w (w + 2)``, ``tanh(softplus(z)) = n / (n + 2)``
    and ``1 - tanh^2 = 4 (n + 1) / (n + 2)^2``: no cancellation for large ``z``.

    >>> import actlab
    >>> print(f"{actlab.get('mish')(1.0):.12f}")
    0.865098388267
    """

    name = "mish"
    formula = "x*tanh(log(1 + exp(x)))"
    latex = r"z \tanh(\log(1 + e^z))"
    latex_derivative = r"t + z\,s(z)\,(1 - t^2),\ t = \tanh(\mathrm{softplus}(z))"
    promote_float32 = True
    summary = "self-regularised non-monotonic activation"

    @property
    def monotonic(self):
        return False

    @property
    def output_range(self):
        return (-0.3088434130172504, np.inf)

    @staticmethod
    def _parts(z):
        zc = np.clip(z, -800.0, 40.0)
        w = np.exp(zc)
        n = w * (w + 2)
        return zc, n, n + 2

    def _f(self, z):
        zc, n, d = self._parts(z)
        # for z < -600, tanh(softplus(z)) = e^z to the last bit: z e^z directly
        return np.where(
            zc < -600, nm.exp_times(zc, zc), np.maximum(z, -800.0) * (n / d)
        )

    def _df(self, z):
        zc, n, d = self._parts(z)
        t = n / d
        # 1 - t^2 directly while t is small (it is then close to 1), else
        # 4 (n + 1) / (n + 2)^2, which does not cancel as t -> 1
        sech2 = np.where(t < 0.5, 1 - t * t, 4 * (n + 1) / (d * d))
        out = t + zc * nm.expit(zc) * sech2
        out = np.where(zc < -600, nm.exp_times(zc, 1 + zc), out)
        return MISH_DERIVATIVE.patch(out, zc)

    def _d2f(self, z):
        zc, n, d = self._parts(z)
        t, sech2, s = n / d, 4 * (n + 1) / (d * d), nm.expit(zc)
        ds = s * nm.expit(-zc)
        return sech2 * (2 * s + zc * ds - 2 * zc * s * s * t)


@register
@dataclass(frozen=True)
class HardSwish(Activation):
    """``g(z) = z relu6(z + 3) / 6`` (Howard et al., MobileNetV3).

    ``g'(z) = 0`` for ``z < -3``, ``(2z + 3)/6`` on ``[-3, 3]``, 1 above; at
    the kinks PyTorch's values ``g'(-3) = -0.5`` and ``g'(3) = 1.5``.

    >>> import actlab
    >>> actlab.get("hard_swish").derivative([-3.0, 3.0])
    array([-0.5,  1.5])
    """

    name = "hard_swish"
    formula = "x*Min(Max(x + 3, 0), 6)/6"
    latex = r"z\,\min(\max(z + 3, 0), 6) / 6"
    latex_derivative = (
        r"\begin{cases} 0 & z < -3 \\ (2z + 3)/6 & |z| \le 3 \\ 1 & z > 3 \end{cases}"
    )
    smoothness = "C0"
    summary = "piecewise-quadratic swish (mobile networks)"

    @property
    def monotonic(self):
        return False

    @property
    def output_range(self):
        return (-0.375, np.inf)

    @property
    def kinks(self):
        return (Kink(-3.0, -0.5, "right-hand value"), Kink(3.0, 1.5, "left-hand value"))

    def _f(self, z):
        zl = np.maximum(z, -4.0)
        return zl * (np.clip(zl + 3, 0, 6) / 6)

    def _df(self, z):
        zc = np.clip(z, -4.0, 4.0)
        mid = (2 * zc + 3) / 6
        return np.where(z < -3, 0, np.where(z > 3, 1, mid)).astype(z.dtype)

    def _d2f(self, z):
        return nm.step(z, -3, 3, 1 / 3)
