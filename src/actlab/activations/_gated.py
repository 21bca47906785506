"""Self-gated activations ``z * gate(z)``: silu/swish, gelu, mish, hard_swish.

None of them is invertible on the reals (each has a minimum below zero), so
their derivative is not a function of the output and the network keeps ``z``.
Their derivatives cross zero left of the origin, where the two terms of
``f'`` cancel; near those zeros the kernels switch to a Taylor expansion about
the zero (``_taylor``), so the relative error stays small right up to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import require_within
from . import _numeric as nm
from ._base import Activation, Kink
from ._registry import register
from ._taylor import MISH_DERIVATIVE, SILU_BRACKET


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

    ``g'(z) = 0`` for ``z < -3``, ``(2z + 3)/6`` on ``(-3, 3)``, 1 above; at
    the kinks PyTorch's values (2.13) ``g'(-3) = 0`` and ``g'(3) = 1``, the
    outer pieces' (g' jumps there by 1/2).

    >>> import actlab
    >>> actlab.get("hard_swish").derivative([-3.0, 3.0])
    array([0., 1.])
    """

    name = "hard_swish"
    formula = "x*Min(Max(x + 3, 0), 6)/6"
    latex = r"z\,\min(\max(z + 3, 0), 6) / 6"
    latex_derivative = (
        r"\begin{cases} 0 & z \le -3 \\ (2z + 3)/6 & |z| < 3 \\ 1 & z \ge 3 \end{cases}"
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
        return (Kink(-3.0, 0.0, "left-hand value"), Kink(3.0, 1.0, "right-hand value"))

    def _f(self, z):
        zl = np.maximum(z, -4.0)
        return zl * (np.clip(zl + 3, 0, 6) / 6)

    def _df(self, z):
        zc = np.clip(z, -4.0, 4.0)
        mid = (2 * zc + 3) / 6
        return np.where(z <= -3, 0, np.where(z >= 3, 1, mid)).astype(z.dtype)

    def _d2f(self, z):
        return nm.step(z, -3, 3, 1 / 3)
