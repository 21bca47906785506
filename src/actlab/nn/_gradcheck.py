"""Finite-difference check of every weight and bias gradient of a network."""

from __future__ import annotations

import numpy as np


def check_gradients(net, X, T, *, weights=None, l2: float = 0.0, eps=1e-6) -> float:
    """The largest relative error between ``net.backward`` and central
    differences of the loss, over every weight and bias of every layer.

    Parameters
    ----------
    net : Network (float64), or a fitted MLPClassifier / MLPRegressor
        An estimator is checked through its network, with ``T`` its labels
        or targets (encoded as in training) and its L2 penalty ``alpha``.
    X : array of shape (n_samples, n_inputs)
    T : array of shape (n_samples, n_outputs)
    weights : array of shape (n_samples,), optional
        Sample weights.
    l2 : float, default 0
        The L2 penalty on the weights.
    eps : float, default 1e-6

    Returns
    -------
    float
        ``max |analytic - numeric| / max(|analytic|, |numeric|, 1e-8)``.
    """
    if hasattr(net, "network_"):  # an estimator
        model, net = net, net.network_
        T, l2 = model._encode(np.asarray(T)), model.alpha
        X = np.asarray(X, dtype=net.dtype)
    _, grads = net.loss_and_grads(X, T, weights, l2)
    worst = 0.0
    for layer, (dw, db) in zip(net.layers, grads, strict=True):
        for param, analytic in ((layer.weights, dw), (layer.bias, db)):
            for idx in np.ndindex(param.shape):
                keep = param[idx]
                param[idx] = keep + eps
                up = net.loss_and_grads(X, T, weights, l2)[0]
                param[idx] = keep - eps
                down = net.loss_and_grads(X, T, weights, l2)[0]
                param[idx] = keep
                numeric = (up - down) / (2 * eps)
                scale = max(abs(analytic[idx]), abs(numeric), 1e-8)
                worst = max(worst, abs(analytic[idx] - numeric) / scale)
    return worst
