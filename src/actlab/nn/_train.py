"""The training loop: mini-batch passes with an optimiser and a schedule, or
L-BFGS on the flattened parameters (scipy.optimize); divergence is caught."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize

from ..errors import ActlabError
from ._network import Network
from ._optimizers import SGD, Adam, ReduceOnPlateau, Schedule


class TrainingDiverged(ActlabError):
    """The loss became non-finite; the network holds the best weights so far,
    and ``history`` the passes that finished."""

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


@dataclass
class History:
    loss_curve: list = field(default_factory=list)
    best_loss: float = math.inf
    n_iter: int = 0


def _params(net: Network) -> list:
    return [p for layer in net.layers for p in (layer.weights, layer.bias)]


def _snapshot(net: Network) -> np.ndarray:
    return net.theta.copy()


def _restore(net: Network, saved) -> None:
    net.theta[...] = saved


def fit(
    net: Network,
    X,
    T,
    *,
    optimizer=None,
    epochs: int = 100,
    batch_size: int | None = None,
    schedule: Schedule | None = None,
    plateau: ReduceOnPlateau | None = None,
    shuffle: bool = True,
    random_state=None,
    callback=None,
    weights=None,
    l2: float = 0.0,
    start_epoch: int = 0,
) -> History:
    """Train ``net`` in place by mini-batch gradient steps.

    ``batch_size=1`` is the seed's online training, ``None`` the full batch.
    The loss of a pass is the mean of its mini-batch losses, taken as the
    batches go (as scikit-learn's MLP does: no extra pass over the data).
    ``callback(epoch, loss)`` is called after each pass; returning True stops.
    ``start_epoch`` continues a schedule (``partial_fit``). A non-finite loss
    stops training with ``TrainingDiverged`` naming the epoch; the best
    weights seen are restored first.
    """
    X, T = np.asarray(X, net.dtype), np.asarray(T, net.dtype)
    weights = None if weights is None else np.asarray(weights, np.float64)
    optimizer = optimizer or SGD()
    schedule = schedule or Schedule()
    rng = np.random.default_rng(random_state)
    n = len(X)
    size = n if batch_size is None else max(1, min(int(batch_size), n))
    share = None if weights is None else weights / weights.sum()
    base, rate = optimizer.learning_rate, optimizer.learning_rate
    history, best = History(), _snapshot(net)
    params = [net.theta]
    # the batches are gathered into two reused buffers: no copy of the data
    xbuf = np.empty((size, X.shape[1]), net.dtype)
    tbuf = np.empty((size, T.shape[1]), net.dtype)
    for epoch in range(start_epoch, start_epoch + epochs):
        optimizer.learning_rate = schedule.rate(rate, epoch)
        order = rng.permutation(n) if shuffle else np.arange(n)
        loss = 0.0
        # a diverging run overflows: that is detected below, not warned about
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, n, size):
                idx = order[start : start + size]
                w = None if weights is None else weights[idx]
                if w is not None and not w.sum() > 0:
                    continue  # a batch of zero weight teaches nothing
                xb, tb = xbuf[: len(idx)], tbuf[: len(idx)]
                np.take(X, idx, axis=0, out=xb, mode="clip")  # (unbuffered)
                np.take(T, idx, axis=0, out=tb, mode="clip")
                batch_loss, grads = net.loss_and_grads(xb, tb, w, l2, rng)
                loss += batch_loss * (len(idx) / n if w is None else share[idx].sum())
                optimizer.step(params, [grads.flat])
        history.n_iter += 1
        if not math.isfinite(loss):
            _restore(net, best)
            optimizer.learning_rate = base
            raise TrainingDiverged(
                f"training diverged at epoch {epoch + 1} (loss {loss}); the best "
                f"weights (loss {history.best_loss:.4g}) are kept; try a learning "
                f"rate below {base:g}",
                history,
            )
        history.loss_curve.append(loss)
        if loss < history.best_loss:
            history.best_loss, best = loss, _snapshot(net)
        if plateau is not None:
            rate = plateau.update(rate, loss)
        if callback is not None and callback(epoch, loss):
            break
    optimizer.learning_rate = base
    return history


def fit_lbfgs(
    net: Network,
    X,
    T,
    *,
    max_iter: int = 200,
    weights=None,
    l2: float = 0.0,
    callback=None,
) -> History:
    """Train ``net`` in place with scipy's L-BFGS-B on all its parameters.

    The loss curve has one entry per iteration (line-search evaluations are
    not iterations); ``callback(iteration, loss)`` is called after each with
    the network at that iterate, and returning True stops.
    """
    X, T = np.asarray(X, np.float64), np.asarray(T, np.float64)
    params = _params(net)
    shapes = [p.shape for p in params]
    history = History()

    def unpack(theta):
        start = 0
        for p, shape in zip(params, shapes, strict=True):
            size = int(np.prod(shape))
            p[...] = theta[start : start + size].reshape(shape)
            start += size

    def objective(theta):
        unpack(theta)
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grads = net.loss_and_grads(X, T, weights, l2)
        flat = np.concatenate([g.ravel() for pair in grads for g in pair])
        return loss, flat.astype(np.float64)

    def on_iteration(intermediate_result):
        history.loss_curve.append(float(intermediate_result.fun))
        if callback is not None:
            unpack(intermediate_result.x)
            if callback(len(history.loss_curve) - 1, history.loss_curve[-1]):
                raise StopIteration

    theta0 = np.concatenate([p.ravel() for p in params]).astype(np.float64)
    result = scipy.optimize.minimize(
        objective,
        theta0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter},
        callback=on_iteration,
    )
    unpack(result.x)
    history.best_loss, history.n_iter = float(result.fun), int(result.nit)
    return history


__all__ = ["SGD", "Adam", "History", "TrainingDiverged", "fit", "fit_lbfgs"]
