"""Losses: their value and the error signal dE/da (or, fused, dE/dz).

The reduction is the mean over samples of the per-sample sum over outputs.
The canonical pairs (identity + squared error, logistic + binary
cross-entropy, softmax + cross-entropy) have ``dE/dz = a - t`` and skip the
activation's vjp: a documented optimisation, not a different interface.
Cross-entropies are computed from the logits, so a saturated output never
gives inf or NaN (logit 40, target 0: loss 40).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.special as sc

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
        return sc.logsumexp(z, axis=-1) - np.sum(t * z, axis=-1)

    def grad_output(self, a, t):
        return -t / np.maximum(a, np.finfo(a.dtype).tiny)


LOSSES = {cls.name: cls for cls in (SquaredError, BinaryCrossEntropy, CrossEntropy)}


def get_loss(loss) -> Loss:
    if isinstance(loss, Loss):
        return loss
    if loss not in LOSSES:
        raise ActlabError(
            f"unknown loss {loss!r}{did_you_mean(str(loss), LOSSES)} "
            f"(known: {', '.join(sorted(LOSSES))})"
        )
    return LOSSES[loss]()
