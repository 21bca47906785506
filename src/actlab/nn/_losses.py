"""Losses: their value and the error signal dE/da (or, fused, dE/dz).

The reduction is the mean over samples of the per-sample sum over outputs.
The canonical pairs (identity + squared error, logistic + binary
cross-entropy, softmax + cross-entropy, exponential + Poisson) have
``dE/dz = a - t`` and skip the activation's vjp: a documented optimisation,
not a different interface. Cross-entropies and the Poisson loss are computed
from the logits, so a saturated output never gives inf or NaN (logit 40,
target 0: loss 40). Binary cross-entropy is per output, so it is also the
multilabel loss. A loss with a parameter is named by a spec string, as the
activations are: ``"huber:delta=0.5"``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.special as sc

from ..activations._base import spec_string
from ..activations._registry import _number, _parse_params
from ..errors import ActlabError, did_you_mean


@dataclass(frozen=True)
class Loss:
    name: ClassVar[str] = ""
    #: The output activation whose pairing with this loss gives dE/dz = a - t.
    canonical: ClassVar[str | None] = None

    def value(self, z, a, t, weights=None) -> float:
        """Weighted mean over samples (weights summing to 1; uniform by
        default) of the summed per-output loss."""
        per = self.per_sample(z, a, t)
        return float(np.mean(per) if weights is None else np.dot(per, weights))

    def per_sample(self, z, a, t) -> np.ndarray:
        raise NotImplementedError

    def grad_output(self, a, t) -> np.ndarray:
        """dE/da for the general path (per-sample, not yet divided by n)."""
        raise NotImplementedError

    def fused_delta(self, a, t) -> np.ndarray:
        """dE/dz for the canonical pair: ``a - t``."""
        return a - t

    @property
    def spec(self) -> str:
        """The spec string that rebuilds this loss, defaults omitted."""
        return spec_string(self)


@dataclass(frozen=True)
class SquaredError(Loss):
    """``E = 1/2 sum (a - t)^2`` per sample (the seed's error)."""

    name = "squared_error"
    canonical = "identity"

    def per_sample(self, z, a, t):
        return 0.5 * np.sum((a - t) ** 2, axis=-1)

    def grad_output(self, a, t):
        return a - t


@dataclass(frozen=True)
class AbsoluteError(Loss):
    """``E = sum |a - t|`` per sample; its subgradient at ``a = t`` is 0."""

    name = "absolute_error"

    def per_sample(self, z, a, t):
        return np.sum(np.abs(a - t), axis=-1)

    def grad_output(self, a, t):
        return np.sign(a - t)


@dataclass(frozen=True)
class Huber(Loss):
    """Huber (1964): ``r^2 / 2`` for ``|r| <= delta``, else
    ``delta (|r| - delta / 2)``, with ``r = a - t``, summed per sample."""

    name = "huber"
    delta: float = 1.0

    def __post_init__(self):
        if not self.delta > 0:
            raise ActlabError(f"huber parameter delta must be > 0, got {self.delta}")

    def per_sample(self, z, a, t):
        r = np.abs(a - t)
        quad = np.minimum(r, self.delta)
        return np.sum(0.5 * quad**2 + self.delta * (r - quad), axis=-1)

    def grad_output(self, a, t):
        return np.clip(a - t, -self.delta, self.delta)


@dataclass(frozen=True)
class Poisson(Loss):
    """Half the Poisson deviance with a log link (exponential output):
    ``E = sum exp(z) - t z + t log t - t``, zero at a perfect fit, for counts
    ``t >= 0``."""

    name = "poisson"
    canonical = "exponential"

    def per_sample(self, z, a, t):
        if z is None:
            with np.errstate(divide="ignore"):
                z = np.log(a)
            z = np.maximum(z, np.finfo(a.dtype).min)
        return np.sum(np.exp(z) - t * z + sc.xlogy(t, t) - t, axis=-1)

    def grad_output(self, a, t):
        return 1 - t / np.maximum(a, np.finfo(a.dtype).tiny)


@dataclass(frozen=True)
class BinaryCrossEntropy(Loss):
    """``E = -sum t log s(z) + (1 - t) log(1 - s(z))``, computed from the
    logits as ``softplus(z) - t z``; per output, so it also serves multilabel."""

    name = "binary_cross_entropy"
    canonical = "logistic"

    def per_sample(self, z, a, t):
        if z is None:
            a = np.clip(a, 0.0, 1.0)
            with np.errstate(divide="ignore"):
                z = sc.logit(a)  # only for non-logistic outputs in (0, 1)
            z = np.clip(z, -800, 800)
        return np.sum(np.logaddexp(0, z) - t * z, axis=-1)

    def grad_output(self, a, t):
        tiny = np.finfo(a.dtype).tiny
        return (a - t) / np.maximum(a * (1 - a), tiny)


@dataclass(frozen=True)
class CrossEntropy(Loss):
    """Softmax cross-entropy ``E = logsumexp(z) - sum t z`` per sample."""

    name = "cross_entropy"
    canonical = "softmax"

    def per_sample(self, z, a, t):
        if z is None:
            logp = np.log(np.maximum(a, np.finfo(a.dtype).tiny))
            return -np.sum(t * logp, axis=-1)
        return _logsumexp(z) - np.sum(t * z, axis=-1)

    def output(self, z):
        """Softmax of the logits for the fused pair, in one pass with the
        normaliser (within a few ulps; ``actlab.get("softmax")`` is the
        correctly rounded reference, at several times the cost)."""
        e = np.exp(z - np.max(z, axis=-1, keepdims=True))
        e /= np.sum(e, axis=-1, keepdims=True)
        return e

    def grad_output(self, a, t):
        return -t / np.maximum(a, np.finfo(a.dtype).tiny)


def _logsumexp(z):
    """``log sum exp z`` along the last axis, shifted by the row maximum
    (scipy's logsumexp does the same behind much more dispatch)."""
    m = np.max(z, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    return np.log(np.sum(np.exp(z - m), axis=-1)) + m[..., 0]


LOSSES = {
    cls.name: cls
    for cls in (
        SquaredError,
        AbsoluteError,
        Huber,
        Poisson,
        BinaryCrossEntropy,
        CrossEntropy,
    )
}


def get_loss(loss) -> Loss:
    """A loss from its name or spec string (``"huber:delta=0.5"``).

    >>> get_loss("huber:delta=0.5")
    Huber(delta=0.5)
    """
    if isinstance(loss, Loss):
        return loss
    if not isinstance(loss, str):
        raise ActlabError(f"a loss is a name such as 'squared_error', not {loss!r}")
    name, _, text = loss.partition(":")
    name = name.strip()
    if name not in LOSSES:
        raise ActlabError(
            f"unknown loss {name!r}{did_you_mean(name, LOSSES)} "
            f"(known: {', '.join(sorted(LOSSES))})"
        )
    cls = LOSSES[name]
    fields = {f.name for f in dataclasses.fields(cls)}
    given = _parse_params(loss, text)
    for key in given:
        if key not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise ActlabError(
                f"loss {name} has no parameter {key!r} (parameters: {known})"
            )
    return cls(**{k: _number(name, k, v) for k, v in given.items()})
