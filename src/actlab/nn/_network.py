"""A feed-forward network trained by backpropagation, in the seed's four steps.

(I) forward, keeping per layer only what the backward needs: the output ``a``
when the activation has an output-form derivative (the seed's trick), the
pre-activation ``z`` otherwise; (II) the output error signal and its
propagation through the weights and each activation's ``vjp``; (III) the
gradients ``dE/dW = a_prev^T delta`` and ``dE/db = sum delta``; (IV) a step
against the gradient, taken by an optimiser (``_optimizers``, ``_train.fit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..activations import Activation, get
from ..errors import ActlabError
from ._init import init_weights
from ._losses import Loss, get_loss


@dataclass
class Dense:
    """One layer: ``a = g(a_prev @ weights + bias)``."""

    weights: np.ndarray  # (n_in, n_out)
    bias: np.ndarray  # (n_out,)
    activation: Activation


@dataclass
class Cache:
    """What the forward pass keeps for the backward pass, per layer."""

    inputs: list = field(default_factory=list)  # a_prev of each layer
    kept: list = field(default_factory=list)  # ("a", a) or ("z", z)
    logits: np.ndarray | None = None  # the output layer's z, for a stable loss
    output: np.ndarray | None = None
    masks: list = field(default_factory=list)  # dropout masks (None: no dropout)


class Grads(list):
    """``[(dE/dW, dE/db), ...]`` per layer, all views into one flat array,
    ``flat``, laid out as ``Network.theta`` is (one optimiser step updates
    every parameter at once)."""

    flat: np.ndarray


class Network:
    """Dense layers with a per-layer activation and a loss.

    Every weight and bias is a view into one flat parameter vector,
    ``theta``, so an optimiser step, a snapshot or L-BFGS work on a single
    array.

    Parameters
    ----------
    sizes : sequence of int
        ``(n_inputs, hidden..., n_outputs)``.
    activations : sequence of str or Activation
        One per layer (``len(sizes) - 1``), the last being the output's.
    loss : str or Loss, default "squared_error"
    init : str, default "uniform"
        "uniform" (the seed's [-0.5, 0.5]), "glorot", "he", "lecun" or "auto"
        (a gain from the activation itself; see ``init_weights``).
    random_state : int or numpy Generator, optional
    dtype : float32 or float64, default float64
    dropout : float or sequence of float, default 0
        The probability of dropping each hidden unit during training, one
        rate for all hidden layers or one per hidden layer (inverted dropout:
        kept units are scaled by ``1 / (1 - rate)``, so prediction uses the
        whole network unchanged).

    Examples
    --------
    >>> net = Network([2, 4, 1], ["logistic", "logistic"], random_state=0)
    >>> out, cache = net.forward(np.zeros((3, 2)))
    >>> out.shape
    (3, 1)
    """

    def __init__(
        self,
        sizes,
        activations,
        *,
        loss="squared_error",
        init="uniform",
        random_state=None,
        dtype=np.float64,
        dropout=0.0,
    ):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ActlabError(
                f"sizes must be two or more positive integers, got {sizes}"
            )
        acts = [get(a) for a in activations]
        if len(acts) != len(sizes) - 1:
            layers = len(sizes) - 1
            raise ActlabError(
                f"{layers} layers need {layers} activations, got {len(acts)}"
            )
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ActlabError(f"dtype must be float32 or float64, got {dtype!r}")
        self.dropout = _dropout_rates(dropout, len(sizes) - 2)
        self.loss: Loss = get_loss(loss)
        rng = np.random.default_rng(random_state)
        self._flatten(
            [
                Dense(
                    init_weights(init, n_in, n_out, act, rng),
                    np.zeros(n_out)
                    if init != "uniform"
                    else rng.uniform(-0.5, 0.5, n_out),
                    act,
                )
                for n_in, n_out, act in zip(sizes[:-1], sizes[1:], acts, strict=True)
            ]
        )

    def _flatten(self, layers) -> None:
        """Copy the layers' parameters into ``theta`` and make them views."""
        shapes = [s for ly in layers for s in (ly.weights.shape, ly.bias.shape)]
        self._shapes = shapes
        self.theta = np.empty(sum(int(np.prod(s)) for s in shapes), self.dtype)
        views = self._views(self.theta)
        self.layers = []
        for i, ly in enumerate(layers):
            w, b = views[2 * i], views[2 * i + 1]
            w[...], b[...] = ly.weights, ly.bias
            self.layers.append(Dense(w, b, ly.activation))

    def _views(self, flat) -> list:
        out, start = [], 0
        for shape in self._shapes:
            size = int(np.prod(shape))
            out.append(flat[start : start + size].reshape(shape))
            start += size
        return out

    @classmethod
    def from_layers(cls, layers, *, loss, dtype=np.float64) -> Network:
        """A network around existing layers (a loaded model's)."""
        net = cls.__new__(cls)
        net.loss, net.dtype = get_loss(loss), np.dtype(dtype)
        if net.dtype not in (np.float32, np.float64):
            raise ActlabError(f"dtype must be float32 or float64, got {dtype!r}")
        net._flatten(list(layers))
        net.dropout = [0.0] * (len(net.layers) - 1)
        return net

    @property
    def fused(self) -> bool:
        """Whether the output activation and the loss are a canonical pair."""
        return self.layers[-1].activation.spec == self.loss.canonical

    # (I) forward ----------------------------------------------------------
    def forward(self, X, rng=None):
        """``(output, cache)`` for inputs ``X`` of shape (n_samples, n_inputs).

        With a random generator ``rng`` (training), hidden units are dropped
        at the network's dropout rates; without one, the whole network runs.
        """
        a = np.asarray(X, dtype=self.dtype)
        cache = Cache()
        last = len(self.layers) - 1
        fast_output = self.fused and hasattr(self.loss, "output")
        for i, layer in enumerate(self.layers):
            cache.inputs.append(a)
            z = a @ layer.weights
            z += layer.bias
            if i == last and fast_output:
                a = self.loss.output(z)  # with the loss's own normaliser
            else:
                a = layer.activation.forward(z)
            keep_a = layer.activation.has_output_form
            cache.kept.append(("a", a) if keep_a else ("z", z))
            cache.logits = z
            if i < last and rng is not None and self.dropout[i]:
                keep = 1.0 - self.dropout[i]
                mask = (rng.random(a.shape) < keep).astype(self.dtype) / keep
                cache.masks.append(mask)
                a = a * mask
            elif i < last:
                cache.masks.append(None)
        cache.output = a
        return a, cache

    def predict(self, X) -> np.ndarray:
        return self.forward(X)[0]

    def loss_value(self, cache: Cache, T, weights=None, l2: float = 0.0) -> float:
        """The (weighted) mean loss, plus ``l2/2 * sum W^2`` when ``l2 > 0``."""
        z = cache.logits if self.fused else None  # logits only mean z for the pair
        T = np.asarray(T, dtype=self.dtype)
        value = self.loss.value(z, cache.output, T, _normalised(weights, len(T)))
        if l2:
            value += 0.5 * l2 * sum(float(np.sum(ly.weights**2)) for ly in self.layers)
        return value

    # (II) + (III) backward ---------------------------------------------------
    def backward(self, cache: Cache, T, weights=None, l2: float = 0.0):
        """Gradients ``[(dE/dW, dE/db), ...]`` of ``loss_value``, per layer
        (a ``Grads``: views into one flat array)."""
        T = np.asarray(T, dtype=self.dtype)
        w = _normalised(weights, len(T))
        out = self.layers[-1].activation
        if self.fused:
            delta = self.loss.fused_delta(cache.output, T)
        else:
            delta = _vjp(out, self.loss.grad_output(cache.output, T), cache.kept[-1])
        if w is None:
            delta *= self.dtype.type(1.0 / len(T))
        else:
            delta *= w[:, None].astype(self.dtype)
        flat = np.empty_like(self.theta)
        views = self._views(flat)
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            dw, db = views[2 * i], views[2 * i + 1]
            np.matmul(cache.inputs[i].T, delta, out=dw)
            if l2:
                dw += self.dtype.type(l2) * layer.weights
            delta.sum(axis=0, out=db)
            if i:
                upstream = delta @ layer.weights.T
                if cache.masks and cache.masks[i - 1] is not None:
                    upstream *= cache.masks[i - 1]
                delta = _vjp(self.layers[i - 1].activation, upstream, cache.kept[i - 1])
        grads = Grads(zip(views[::2], views[1::2], strict=True))
        grads.flat = flat
        return grads

    def loss_and_grads(self, X, T, weights=None, l2: float = 0.0, rng=None):
        _, cache = self.forward(X, rng)
        return self.loss_value(cache, T, weights, l2), self.backward(
            cache, T, weights, l2
        )


def _normalised(weights, n):
    """Sample weights scaled to sum to 1 (None: uniform)."""
    if weights is None:
        return None
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,) or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise ActlabError(
            f"sample weights must be {n} finite non-negative numbers, not all zero"
        )
    return w / w.sum()


def _dropout_rates(dropout, n_hidden: int) -> list[float]:
    if np.isscalar(dropout) and not isinstance(dropout, str):
        rates = [dropout] * n_hidden
    elif np.iterable(dropout) and not isinstance(dropout, str):
        rates = list(dropout)
    else:
        raise ActlabError(
            f"dropout rates must lie in [0, 1): one number or one per hidden "
            f"layer, got {dropout!r}"
        )
    if len(rates) != n_hidden:
        raise ActlabError(
            f"dropout gives {len(rates)} rates for {n_hidden} hidden layers"
        )
    for r in rates:
        if not (isinstance(r, (int, float, np.floating)) and 0 <= r < 1):
            raise ActlabError(f"dropout rates must lie in [0, 1), got {r!r}")
    return [float(r) for r in rates]


def _vjp(act: Activation, grad, kept):
    kind, value = kept
    # the network made `a` itself, so the range check can be skipped
    if kind == "a":
        return act.vjp(grad, a=value, out=grad, check=False)
    return act.vjp(grad, z=value, out=grad)
