"""The exponential family: elu, selu, celu and the exponential itself."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import require_within
from . import _numeric as nm
from ._base import Activation, Kink
from ._registry import register

# Klambauer et al. (2017), "Self-Normalizing Neural Networks", eq. (14).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SA = 1.7580993408473768599402175208123  # scale * alpha
_SELU_SA_LO = 1.41535193800845e-17  # scale * alpha - _SELU_SA


@register
@dataclass(frozen=True)
class ELU(Activation):
    """``g(z) = z`` for ``z > 0``, ``alpha (e^z - 1)`` otherwise.

    ``g'(z) = alpha e^z = a + alpha`` for ``z <= 0`` (so ``g'(0) = alpha``).
    The output form needs ``alpha > 0``; for ``alpha <= 0`` the function is
    not invertible and the form is refused.

    >>> import actlab
    >>> float(actlab.get("elu").derivative_from_output(-0.5))
    0.5
    """

    alpha: float = 1.0
    name = "elu"
    formula = "Piecewise((x, x > 0), (alpha*(exp(x) - 1), True))"
    latex = r"\begin{cases} z & z > 0 \\ \alpha (e^z - 1) & z \le 0 \end{cases}"
    latex_derivative = r"\begin{cases} 1 & z > 0 \\ \alpha e^z & z \le 0 \end{cases}"
    latex_output_form = r"\begin{cases} 1 & a > 0 \\ a + \alpha & a \le 0 \end{cases}"
    output_formula = "Piecewise((1, a > 0), (a + alpha, True))"
    summary = "exponential linear unit"

    def __post_init__(self):
        require_within("elu", "alpha", self.alpha, -1e30, 1e30)

    @property
    def promote_float32(self):
        # a + alpha near a = -alpha needs alpha itself, not its float32 rounding
        return float(np.float32(self.alpha)) != self.alpha

    @property
    def smoothness(self):
        return "C1" if self.alpha == 1 else "C0"

    @property
    def output_range(self):
        return (-self.alpha if self.alpha > 0 else 0.0, np.inf)

    @property
    def monotonic(self):
        return self.alpha >= 0

    @property
    def kinks(self):
        return () if self.alpha == 1 else (Kink(0.0, self.alpha),)

    def _output_form_refusal(self):
        if self.alpha <= 0:
            return "alpha <= 0 is not invertible"
        return None

    def _f(self, z):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def _df(self, z):
        return np.where(z > 0, 1, self.alpha * np.exp(np.minimum(z, 0))).astype(z.dtype)

    def _d2f(self, z):
        return np.where(z > 0, 0, self.alpha * np.exp(np.minimum(z, 0))).astype(z.dtype)

    def _dfa(self, a):
        return np.where(a > 0, 1, a + self.alpha).astype(a.dtype)


@register
@dataclass(frozen=True)
class SELU(Activation):
    """Scaled ELU with the self-normalising constants of Klambauer et al.

    ``g(z) = scale z`` for ``z > 0``, ``scale alpha (e^z - 1)`` otherwise;
    ``g'(z) = a + scale alpha`` for ``z <= 0`` (``g'(0) = scale alpha``).
    ``scale z`` exceeds the float range for ``z`` near the largest float; the
    result is then ``inf``, the correctly rounded value.

    >>> import actlab
    >>> print(f"{actlab.get('selu').derivative(-10.0):.12e}")
    7.981758658994e-05
    """

    name = "selu"
    formula = (
        "Piecewise((1.0507009873554804934193349852946*x, x > 0), "
        "(1.0507009873554804934193349852946*1.6732632423543772848170429916717"
        "*(exp(x) - 1), True))"
    )
    latex = (
        r"\lambda \begin{cases} z & z > 0 \\ \alpha (e^z - 1) & z \le 0 "
        r"\end{cases}"
    )
    latex_derivative = (
        r"\begin{cases} \lambda & z > 0 \\ \lambda \alpha e^z & z \le 0 \end{cases}"
    )
    latex_output_form = (
        r"\begin{cases} \lambda & a > 0 \\ a + \lambda\alpha & a \le 0 \end{cases}"
    )
    output_formula = (
        "Piecewise((1.0507009873554804934193349852946, a > 0), "
        "(a + 1.0507009873554804934193349852946*1.6732632423543772848170429916717,"
        " True))"
    )
    smoothness = "C0"
    promote_float32 = True  # the output form needs scale*alpha beyond float32
    summary = "self-normalising ELU (fixed alpha and scale)"

    @property
    def output_range(self):
        return (-_SELU_SA, np.inf)

    @property
    def kinks(self):
        return (Kink(0.0, _SELU_SA, "left derivative scale*alpha"),)

    def _f(self, z):
        with np.errstate(over="ignore"):  # scale * z beyond the largest float
            pos = SELU_SCALE * z
        return np.where(z > 0, pos, _SELU_SA * np.expm1(np.minimum(z, 0)))

    def _df(self, z):
        neg = _SELU_SA * np.exp(np.minimum(z, 0))
        return np.where(z > 0, SELU_SCALE, neg).astype(z.dtype)

    def _d2f(self, z):
        return np.where(z > 0, 0, _SELU_SA * np.exp(np.minimum(z, 0))).astype(z.dtype)

    def _dfa(self, a):
        # (a + sa_hi) is exact near a = -sa (Sterbenz); sa_lo restores the
        # digits of the constant that matter when g'(z) is tiny
        neg = (a + _SELU_SA) + _SELU_SA_LO
        return np.where(a > 0, SELU_SCALE, neg).astype(a.dtype)


@register
@dataclass(frozen=True)
class CELU(Activation):
    """Continuously differentiable ELU, ``alpha (e^{z/alpha} - 1)`` for
    ``z <= 0``; ``g'(z) = e^{z/alpha} = 1 + a/alpha`` there. ``alpha > 0``.

    The rounding error of ``z / alpha`` is carried into the exponential, which
    would otherwise multiply it by ``|z / alpha|``.

    >>> import actlab
    >>> float(actlab.get("celu", alpha=2.0).derivative(0.0))
    1.0
    """

    alpha: float = 1.0
    name = "celu"
    formula = "Piecewise((x, x > 0), (alpha*(exp(x/alpha) - 1), True))"
    latex = (
        r"\begin{cases} z & z > 0 \\ \alpha (e^{z/\alpha} - 1) & z \le 0 \end{cases}"
    )
    latex_derivative = r"\begin{cases} 1 & z > 0 \\ e^{z/\alpha} & z \le 0 \end{cases}"
    latex_output_form = r"\begin{cases} 1 & a > 0 \\ 1 + a/\alpha & a \le 0 \end{cases}"
    output_formula = "Piecewise((1, a > 0), (1 + a/alpha, True))"
    smoothness = "C1"
    summary = "ELU reparametrised to be C1 for every alpha"

    def __post_init__(self):
        require_within("celu", "alpha", self.alpha, 1e-30, 1e30)

    @property
    def promote_float32(self):
        return self.alpha != 1  # z / alpha is exact for alpha = 1

    @property
    def output_range(self):
        return (-self.alpha, np.inf)

    def _quotient(self, z):
        """``z / alpha`` as ``q + e`` exactly (for ``z <= 0``, clipped to where
        the exponential still matters)."""
        zc = np.clip(z, -800 * self.alpha, 0)
        if self.alpha == 1:
            return zc, 0.0
        q = zc / self.alpha
        p, pe = nm.two_prod(q, np.asarray(self.alpha, z.dtype))
        return q, ((zc - p) - pe) / self.alpha

    def _f(self, z):
        q, e = self._quotient(z)
        neg = (
            np.expm1(q)
            if self.alpha == 1
            else self.alpha * (np.expm1(q) + e * np.exp(q))
        )
        return np.where(z > 0, z, neg)

    def _df(self, z):
        q, e = self._quotient(z)
        ex = np.exp(q)
        return np.where(z > 0, 1, ex + ex * e).astype(z.dtype)

    def _d2f(self, z):
        q, e = self._quotient(z)
        ex = np.exp(q)
        return np.where(z > 0, 0, (ex + ex * e) / self.alpha).astype(z.dtype)

    def _dfa(self, a):
        # (a + alpha) / alpha: exact sum near a = -alpha, unlike 1 + a / alpha
        neg = (np.minimum(a, 0) + self.alpha) / self.alpha
        return np.where(a > 0, 1, neg).astype(a.dtype)


@register
@dataclass(frozen=True)
class Exponential(Activation):
    """``g(z) = e^z = g'(z) = g''(z)``, from the output ``a`` itself.

    For ``z > log(max float)`` the exact value exceeds the float range and the
    result is ``inf`` (the correctly rounded value, returned without warning).

    >>> import actlab
    >>> float(actlab.get("exponential").derivative_from_output(2.5))
    2.5
    """

    name = "exponential"
    aliases = ("exp",)
    formula = "exp(x)"
    latex = r"e^z"
    latex_derivative = r"e^z"
    latex_output_form = r"a"
    output_formula = "a"
    summary = "the exponential (positive outputs, e.g. rates)"

    @property
    def output_range(self):
        return (0.0, np.inf)

    def _f(self, z):
        with np.errstate(over="ignore"):
            return np.exp(z)

    _df = _f
    _d2f = _f

    def _dfa(self, a):
        return a.copy()
