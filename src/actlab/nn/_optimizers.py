"""Optimisers and learning-rate schedules.

Each optimiser has a ``step(params, grads)`` that updates the arrays in place;
its state is plain arrays. Defaults are those of the papers cited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import ActlabError, did_you_mean


@dataclass
class SGD:
    """Stochastic gradient descent with (Nesterov) momentum.

    Polyak (1964); Sutskever et al. (2013) for the Nesterov form.
    """

    learning_rate: float = 0.1
    momentum: float = 0.0
    nesterov: bool = False
    _velocity: list = field(default_factory=list, repr=False)

    def step(self, params, grads) -> None:
        if not self.momentum:  # plain gradient descent: no state to keep
            for p, g in zip(params, grads, strict=True):
                p -= self.learning_rate * g
            return
        if not self._velocity:
            self._velocity = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self._velocity, strict=True):
            v *= self.momentum
            v -= self.learning_rate * g
            if self.nesterov:
                p += self.momentum * v - self.learning_rate * g
            else:
                p += v


@dataclass
class Adam:
    """Adam (Kingma & Ba, 2015); with ``weight_decay`` AdamW's decoupled decay
    (Loshchilov & Hutter, 2019)."""

    learning_rate: float = 0.001
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    weight_decay: float = 0.0
    _m: list = field(default_factory=list, repr=False)
    _v: list = field(default_factory=list, repr=False)
    _t: int = field(default=0, repr=False)

    def step(self, params, grads) -> None:
        if not self._m:
            self._m = [np.zeros_like(p) for p in params]
            self._v = [np.zeros_like(p) for p in params]
        self._t += 1
        lr = (
            self.learning_rate
            * math.sqrt(1 - self.beta2**self._t)
            / (1 - self.beta1**self._t)
        )
        for p, g, m, v in zip(params, grads, self._m, self._v, strict=True):
            work = np.multiply(g, 1 - self.beta1)  # one scratch array, reused
            m *= self.beta1
            m += work
            np.multiply(g, g, out=work)
            work *= 1 - self.beta2
            v *= self.beta2
            v += work
            if self.weight_decay:
                p -= self.learning_rate * self.weight_decay * p
            np.sqrt(v, out=work)
            work += self.epsilon
            np.divide(m, work, out=work)
            work *= lr
            p -= work


@dataclass(frozen=True)
class Schedule:
    """Learning rate by epoch: "constant", "invscaling" (``lr / (1 + e)^power``),
    "exponential" (``lr * decay^e``, the seed's 0.95 per pass)."""

    kind: str = "constant"
    decay: float = 0.95
    power: float = 0.5

    def __post_init__(self):
        if self.kind not in SCHEDULES:
            raise ActlabError(
                f"unknown schedule {self.kind!r}{did_you_mean(self.kind, SCHEDULES)} "
                f"(known: {', '.join(SCHEDULES)})"
            )

    def rate(self, base: float, epoch: int) -> float:
        if self.kind == "invscaling":
            return base / (1 + epoch) ** self.power
        if self.kind == "exponential":
            return base * self.decay**epoch
        return base


SCHEDULES = ("constant", "invscaling", "exponential")


@dataclass
class ReduceOnPlateau:
    """Divide the rate by ``factor`` when the loss has not improved by ``tol``
    for ``patience`` epochs."""

    factor: float = 5.0
    patience: int = 10
    tol: float = 1e-4
    _best: float = field(default=math.inf, repr=False)
    _wait: int = field(default=0, repr=False)

    def update(self, rate: float, loss: float) -> float:
        if loss < self._best - self.tol:
            self._best, self._wait = loss, 0
            return rate
        self._wait += 1
        if self._wait >= self.patience:
            self._wait = 0
            return rate / self.factor
        return rate
