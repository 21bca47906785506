"""The rectifier family: relu, leaky_relu, relu6 and the smooth softplus."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ActlabError, require_within
from . import _numeric as nm
from ._base import Activation, Kink
from ._registry import register


@register
@dataclass(frozen=True)
class ReLU(Activation):
    """``g(z) = max(z, 0)``; ``g'(z) = [z > 0]``, so ``relu'(0) = 0`` in both
    forms (the convention of PyTorch, JAX and scikit-learn).

    >>> import actlab
    >>> act = actlab.get("relu")
    >>> float(act.derivative(0.0)), float(act.derivative_from_output(0.0))
    (0.0, 0.0)
    """

    name = "relu"
    formula = "Max(x, 0)"
    latex = r"\max(z, 0)"
    latex_derivative = r"[z > 0]"
    latex_output_form = r"[a > 0]"
    output_formula = "Piecewise((1, a > 0), (0, True))"
    smoothness = "C0"
    summary = "the rectified linear unit"

    @property
    def output_range(self):
        return (0.0, np.inf)

    @property
    def kinks(self):
        return (Kink(0.0, 0.0),)

    def _f(self, z):
        return np.maximum(z, 0)

    def _df(self, z):
        return nm.step(z, 0)

    def _d2f(self, z):
        return nm.zeros_like(z)

    def _dfa(self, a):
        return nm.step(a, 0)


@register
@dataclass(frozen=True)
class LeakyReLU(Activation):
    """``g(z) = z`` for ``z > 0``, ``alpha z`` otherwise; ``g'(0) = alpha``.

    ``alpha`` lies in ``[-1, 1]``. The output form ``[a > 0] + alpha [a <= 0]``
    exists for ``alpha >= 0``; a negative slope folds negative inputs onto
    positive outputs, so it is refused there.

    >>> import actlab
    >>> actlab.get("leaky_relu", alpha=0.1)([-2.0, 3.0])
    array([-0.2,  3. ])
    """

    alpha: float = 0.01
    name = "leaky_relu"
    formula = "Piecewise((x, x > 0), (alpha*x, True))"
    latex = r"\begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}"
    latex_derivative = r"\begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}"
    latex_output_form = r"\begin{cases} 1 & a > 0 \\ \alpha & a \le 0 \end{cases}"
    output_formula = "Piecewise((1, a > 0), (alpha, True))"
    smoothness = "C0"
    summary = "relu with a small slope alpha for negative inputs"

    def __post_init__(self):
        require_within("leaky_relu", "alpha", self.alpha, -1.0, 1.0)
        if 0 < abs(self.alpha) < 1e-30:  # rounds to 0 in float32: 0 * -inf
            raise ActlabError(
                f"leaky_relu alpha must be 0 or 1e-30 <= |alpha| <= 1, got {self.alpha}"
            )

    @property
    def output_range(self):
        return (-np.inf if self.alpha > 0 else 0.0, np.inf)

    @property
    def monotonic(self):
        return self.alpha >= 0

    @property
    def kinks(self):
        return () if self.alpha == 1 else (Kink(0.0, self.alpha),)

    def _output_form_refusal(self):
        if self.alpha < 0:
            return "alpha < 0 is not invertible (negative inputs give positive outputs)"
        return None

    def _f(self, z):
        if self.alpha == 0:
            return np.maximum(z, 0)  # 0 * -inf would be NaN
        return np.where(z > 0, z, self.alpha * z)

    def _df(self, z):
        return nm.step(z, 0, inside=1.0, outside=self.alpha)

    def _d2f(self, z):
        return nm.zeros_like(z)

    def _dfa(self, a):
        return nm.step(a, 0, inside=1.0, outside=self.alpha)


@register
@dataclass(frozen=True)
class ReLU6(Activation):
    """``g(z) = min(max(z, 0), 6)``; ``g'(z) = [0 < z < 6]``, 0 at both kinks.

    >>> import actlab
    >>> actlab.get("relu6")([-1.0, 3.0, 9.0])
    array([0., 3., 6.])
    """

    name = "relu6"
    formula = "Min(Max(x, 0), 6)"
    latex = r"\min(\max(z, 0), 6)"
    latex_derivative = r"[0 < z < 6]"
    latex_output_form = r"[0 < a < 6]"
    output_formula = "Piecewise((1, (a > 0) & (a < 6)), (0, True))"
    smoothness = "C0"
    summary = "relu capped at 6 (mobile networks)"

    @property
    def output_range(self):
        return (0.0, 6.0)

    @property
    def kinks(self):
        return (Kink(0.0, 0.0), Kink(6.0, 0.0))

    def _f(self, z):
        return np.clip(z, 0, 6)

    def _df(self, z):
        return nm.step(z, 0, 6)

    def _d2f(self, z):
        return nm.zeros_like(z)

    def _dfa(self, a):
        return nm.step(a, 0, 6)


@register
@dataclass(frozen=True)
class Softplus(Activation):
    """``g(z) = log(1 + e^{beta z}) / beta``; ``g'(z) = s(beta z)``, from the
    output ``1 - e^{-beta a}``. ``beta > 0``.

    Written as ``max(z, 0) + log1p(e^{-beta |z|}) / beta``: no overflow, and
    the rounding error of ``beta z`` is carried into the exponential.

    >>> import actlab
    >>> actlab.get("softplus")([1e10, -1e10, -50.0])
    array([1.00000000e+10, 0.00000000e+00, 1.92874985e-22])
    """

    beta: float = 1.0
    name = "softplus"
    formula = "log(1 + exp(beta*x))/beta"
    latex = r"\frac{1}{\beta}\log(1 + e^{\beta z})"
    latex_derivative = r"\frac{1}{1 + e^{-\beta z}}"
    latex_output_form = r"1 - e^{-\beta a}"
    output_formula = "1 - exp(-beta*a)"
    summary = "the smooth rectifier"

    def __post_init__(self):
        require_within("softplus", "beta", self.beta, 1e-30, 1e30)

    @property
    def promote_float32(self):
        return self.beta != 1

    @property
    def output_range(self):
        return (0.0, np.inf)

    def _scaled(self, z):
        """``beta * z`` as ``hi + lo``, clipped to where the result saturates."""
        lim = 1000 / self.beta
        return nm.scaled(np.clip(z, -lim, lim), self.beta)

    def _f(self, z):
        hi, lo = self._scaled(-np.abs(z))
        tail = np.log1p(np.exp(hi))
        if lo is not None:
            tail = tail + lo * nm.expit(hi)
            return np.maximum(z, 0) + tail / self.beta
        return np.maximum(z, 0) + tail

    def _df(self, z):
        hi, lo = self._scaled(z)
        return nm.expit_dd(hi, lo)

    def _d2f(self, z):
        hi, lo = self._scaled(z)
        neg = None if lo is None else -lo
        return self.beta * (nm.expit_dd(hi, lo) * nm.expit_dd(-hi, neg))

    def _dfa(self, a):
        return -np.expm1(-self.beta * np.minimum(a, 1000 / self.beta))
