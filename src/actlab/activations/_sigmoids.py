"""S-shaped activations: the seed's logistic and tanh, and their kin."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.special as sc

from . import _numeric as nm
from ._base import Activation, Kink
from ._registry import register


@register
@dataclass(frozen=True)
class Logistic(Activation):
    """The logistic sigmoid, ``g(z) = 1 / (1 + e^{-z})``.

    ``g'(z) = g(z)(1 - g(z))``, so from the output ``a``: ``a (1 - a)`` (the
    seed's trick). From the input it is computed as ``s(z) s(-z)``, which keeps
    full precision where ``1 - s(z)`` would round to zero.

    >>> import actlab
    >>> act = actlab.get("logistic")
    >>> float(act(0.0)), float(act.derivative_from_output(0.5))
    (0.5, 0.25)
    """

    name = "logistic"
    aliases = ("sigmoid",)
    formula = "1/(1 + exp(-x))"
    latex = r"\frac{1}{1 + e^{-z}}"
    latex_derivative = r"g(z)\,(1 - g(z))"
    latex_output_form = r"a (1 - a)"
    output_formula = "a*(1 - a)"
    summary = "the logistic sigmoid (the seed's blue curve)"

    @property
    def output_range(self):
        return (0.0, 1.0)

    def _f(self, z):
        return nm.expit(z)

    def _df(self, z):
        return nm.expit(z) * nm.expit(-z)

    def _d2f(self, z):
        # s (1 - s) (1 - 2 s), with 1 - 2 s = -tanh(z / 2) to keep it exact at 0
        return -(nm.expit(z) * nm.expit(-z)) * np.tanh(0.5 * z)

    def _dfa(self, a):
        return a * (1 - a)


@register
@dataclass(frozen=True)
class Tanh(Activation):
    """The hyperbolic tangent; ``g'(z) = 1 - g(z)^2``, from the output
    ``(1 - a)(1 + a)``.

    From the input it is ``4 t / (1 + t)^2`` with ``t = e^{-2|z|}``, which never
    overflows and keeps ``tanh'(20) = 1.6993e-17`` instead of ``0``.

    >>> import actlab
    >>> print(f"{actlab.get('tanh').derivative(20.0):.12e}")
    1.699341702117e-17
    """

    name = "tanh"
    formula = "tanh(x)"
    latex = r"\tanh z"
    latex_derivative = r"1 - \tanh^2 z"
    latex_output_form = r"1 - a^2"
    output_formula = "1 - a**2"
    summary = "the hyperbolic tangent (the seed's green curve)"

    @property
    def output_range(self):
        return (-1.0, 1.0)

    def _f(self, z):
        return np.tanh(z)

    def _df(self, z):
        t = np.exp(-2 * np.minimum(np.abs(z), 400))  # beyond 400 it underflows
        return 4 * t / ((1 + t) * (1 + t))

    def _d2f(self, z):
        return -2 * np.tanh(z) * self._df(z)

    def _dfa(self, a):
        return (1 - a) * (1 + a)


@register
@dataclass(frozen=True)
class Softsign(Activation):
    """``g(z) = z / (1 + |z|)``; ``g'(z) = 1 / (1 + |z|)^2 = (1 - |a|)^2``.

    >>> import actlab
    >>> float(actlab.get("softsign")(1.0))
    0.5
    """

    name = "softsign"
    formula = "x/(1 + Abs(x))"
    latex = r"\frac{z}{1 + |z|}"
    latex_derivative = r"\frac{1}{(1 + |z|)^2}"
    latex_output_form = r"(1 - |a|)^2"
    output_formula = "(1 - Abs(a))**2"
    smoothness = "C1"
    summary = "the rational sigmoid with polynomial tails"

    @property
    def output_range(self):
        return (-1.0, 1.0)

    def _f(self, z):
        big = np.finfo(z.dtype).max
        zc = np.clip(z, -big, big)  # inf / inf would be NaN; the limit is +-1
        return zc / (1 + np.abs(zc))

    def _df(self, z):
        r = 1 / (1 + np.abs(z))
        return r * r

    def _d2f(self, z):
        # f' has a corner at 0; f''(0) is taken as 0, the mean of the two sides
        r = 1 / (1 + np.abs(z))
        return -2 * np.sign(z) * (r * r * r)

    def _dfa(self, a):
        r = 1 - np.abs(a)
        return r * r


@register
@dataclass(frozen=True)
class Arctan(Activation):
    """``g(z) = arctan z``; ``g'(z) = 1 / (1 + z^2) = cos^2 a``.

    For ``|z| > 1`` the derivative is evaluated in ``w = 1/z`` as
    ``w^2 / (1 + w^2)`` so that ``z^2`` never overflows.

    >>> import actlab
    >>> float(actlab.get("arctan").derivative(1.0))
    0.5
    """

    name = "arctan"
    aliases = ("atan",)
    formula = "atan(x)"
    latex = r"\arctan z"
    latex_derivative = r"\frac{1}{1 + z^2}"
    latex_output_form = r"\cos^2 a"
    output_formula = "cos(a)**2"
    summary = "the inverse tangent"

    @property
    def output_range(self):
        return (-math.pi / 2, math.pi / 2)

    def _f(self, z):
        return np.arctan(z)

    @staticmethod
    def _reduced(z):
        big = np.abs(z) > 1
        u = np.where(big, 1 / np.where(big, z, 1), z)  # |u| <= 1
        return big, u, 1 / (1 + u * u)

    def _df(self, z):
        big, u, r = self._reduced(z)
        return np.where(big, u * u * r, r)

    def _d2f(self, z):
        big, u, r = self._reduced(z)
        return -2 * np.where(big, u * u * u, u) * (r * r)

    def _dfa(self, a):
        c = np.cos(a)
        return c * c


@register
@dataclass(frozen=True)
class HardSigmoid(Activation):
    """PyTorch's hard sigmoid, ``g(z) = relu6(z + 3) / 6``.

    ``g'(z) = 1/6`` on ``(-3, 3)`` and 0 outside; at the kinks ``z = +-3`` the
    derivative is 0 (PyTorch's convention), the same from the output.

    >>> import actlab
    >>> actlab.get("hard_sigmoid")([-4.0, 0.0, 4.0])
    array([0. , 0.5, 1. ])
    """

    name = "hard_sigmoid"
    formula = "Min(Max(x + 3, 0), 6)/6"
    latex = r"\min(\max(z + 3, 0), 6) / 6"
    latex_derivative = r"\tfrac{1}{6}\,[-3 < z < 3]"
    latex_output_form = r"\tfrac{1}{6}\,[0 < a < 1]"
    output_formula = "Piecewise((Rational(1, 6), (a > 0) & (a < 1)), (0, True))"
    smoothness = "C0"
    summary = "piecewise-linear sigmoid (PyTorch convention, slope 1/6)"

    @property
    def output_range(self):
        return (0.0, 1.0)

    @property
    def kinks(self):
        return (Kink(-3.0, 0.0), Kink(3.0, 0.0))

    def _f(self, z):
        return np.clip(z + 3, 0, 6) / 6

    def _df(self, z):
        return nm.step(z, -3, 3, 1 / 6)

    def _d2f(self, z):
        return nm.zeros_like(z)

    def _dfa(self, a):
        return nm.step(a, 0, 1, 1 / 6)


@register
@dataclass(frozen=True)
class HardTanh(Activation):
    """``g(z) = clip(z, -1, 1)``; ``g'(z) = [-1 < z < 1]``, 0 at the kinks.

    >>> import actlab
    >>> actlab.get("hard_tanh").derivative([-1.0, 0.0, 1.0])
    array([0., 1., 0.])
    """

    name = "hard_tanh"
    formula = "Min(Max(x, -1), 1)"
    latex = r"\min(\max(z, -1), 1)"
    latex_derivative = r"[-1 < z < 1]"
    latex_output_form = r"[-1 < a < 1]"
    output_formula = "Piecewise((1, (a > -1) & (a < 1)), (0, True))"
    smoothness = "C0"
    summary = "piecewise-linear tanh"

    @property
    def output_range(self):
        return (-1.0, 1.0)

    @property
    def kinks(self):
        return (Kink(-1.0, 0.0), Kink(1.0, 0.0))

    def _f(self, z):
        return np.clip(z, -1, 1)

    def _df(self, z):
        return nm.step(z, -1, 1)

    def _d2f(self, z):
        return nm.zeros_like(z)

    def _dfa(self, a):
        return nm.step(a, -1, 1)


@register
@dataclass(frozen=True)
class LogSigmoid(Activation):
    """``g(z) = log s(z) = -softplus(-z)``; ``g'(z) = s(-z) = -expm1(a)``.

    >>> import actlab
    >>> float(actlab.get("log_sigmoid")(-1000.0))
    -1000.0
    """

    name = "log_sigmoid"
    formula = "-log(1 + exp(-x))"
    latex = r"\log \frac{1}{1 + e^{-z}}"
    latex_derivative = r"\frac{1}{1 + e^{z}}"
    latex_output_form = r"1 - e^{a}"
    output_formula = "1 - exp(a)"
    summary = "log of the logistic (stable log-likelihood outputs)"

    @property
    def output_range(self):
        return (-math.inf, 0.0)

    def _f(self, z):
        return sc.log_expit(z)

    def _df(self, z):
        return nm.expit(-z)

    def _d2f(self, z):
        return -(nm.expit(z) * nm.expit(-z))

    def _dfa(self, a):
        return -np.expm1(a)
