"""Optimisers, schedules and the training loop, on the seed's problems."""

from __future__ import annotations

import numpy as np
import pytest

from actlab import ActlabError
from actlab.nn import (
    SGD,
    Adam,
    Network,
    ReduceOnPlateau,
    Schedule,
    TrainingDiverged,
    fit,
    fit_lbfgs,
)

CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)


def _xor(seed, n=50):
    rng = np.random.default_rng(seed)
    X = np.repeat(CORNERS, n, axis=0) + rng.normal(0, 0.15, (4 * n, 2))
    return X, np.repeat([[0.0], [1.0], [1.0], [0.0]], n, axis=0)


def _quadratic_descent(opt, steps):
    p = np.array([3.0, -2.0])
    for _ in range(steps):
        opt.step([p], [2 * p])  # gradient of |p|^2
    return p


@pytest.mark.parametrize(
    "opt",
    [
        SGD(0.1),
        SGD(0.05, momentum=0.9),
        SGD(0.05, momentum=0.9, nesterov=True),
        Adam(0.1),
    ],
    ids=["sgd", "momentum", "nesterov", "adam"],
)
def test_optimizers_minimise_a_quadratic(opt):
    assert np.abs(_quadratic_descent(opt, 300)).max() < 1e-3


def test_adam_first_step_is_learning_rate_times_sign():
    p = np.array([1.0, -1.0])
    Adam(learning_rate=0.01).step([p], [np.array([5.0, -0.1])])
    np.testing.assert_allclose(p, [0.99, -0.99], rtol=1e-6)


def test_adamw_decays_weights_without_gradient():
    p = np.array([2.0])
    Adam(learning_rate=0.1, weight_decay=0.5).step([p], [np.array([0.0])])
    assert p[0] == pytest.approx(2.0 - 0.1 * 0.5 * 2.0)


def test_schedules():
    assert Schedule("exponential", decay=0.95).rate(2.0, 3) == pytest.approx(
        2 * 0.95**3
    )
    assert Schedule("invscaling", power=0.5).rate(1.0, 3) == pytest.approx(0.5)
    assert Schedule().rate(0.3, 10) == 0.3
    with pytest.raises(ActlabError, match="did you mean"):
        Schedule("exponentail")
    plateau = ReduceOnPlateau(factor=2, patience=2)
    rates = [plateau.update(1.0, loss) for loss in (1.0, 1.0, 1.0)]
    assert rates == [1.0, 1.0, 0.5]


@pytest.mark.parametrize("seed", range(5))
def test_seed_xor_online_with_annealing(seed):
    """The seed's recipe: 4 logistic hidden units, online updates, learning
    rate 2.5 annealed by 0.95 per pass, 100 passes, held-out test data."""
    X, T = _xor(seed)
    Xtest, Ttest = _xor(seed + 100)
    net = Network([2, 4, 1], ["logistic", "logistic"], random_state=seed)
    history = fit(
        net,
        X,
        T,
        optimizer=SGD(2.5),
        epochs=100,
        batch_size=1,
        schedule=Schedule("exponential", 0.95),
        random_state=seed,
    )
    assert (
        len(history.loss_curve) == 100
        and history.loss_curve[-1] < history.loss_curve[0]
    )
    assert np.mean((net.predict(Xtest) > 0.5) == (Ttest > 0.5)) >= 0.97


def test_xor_without_hidden_layer_stays_unlearned():
    X, T = _xor(0)
    net = Network([2, 1], ["logistic"], random_state=0)
    fit(net, X, T, optimizer=SGD(2.5), epochs=100, batch_size=1, random_state=0)
    assert np.mean((net.predict(X) > 0.5) == (T > 0.5)) <= 0.80


@pytest.mark.parametrize("seed", range(3))
def test_seed_sin_with_lbfgs_reaches_the_noise_ceiling(seed):
    rng = np.random.default_rng(seed)
    x = np.linspace(-5, 5, 200)[:, None]
    y = 2.5 + np.sin(x) + rng.normal(0, 0.5, x.shape)
    ytest = 2.5 + np.sin(x) + rng.normal(0, 0.5, x.shape)
    net = Network([1, 3, 1], ["tanh", "identity"], random_state=seed)
    fit_lbfgs(net, x, y, max_iter=500)
    total = np.sum((ytest - ytest.mean()) ** 2)
    r2 = 1 - np.sum((ytest - net.predict(x)) ** 2) / total
    ceiling = 1 - np.sum((ytest - 2.5 - np.sin(x)) ** 2) / total
    assert r2 >= ceiling - 0.03


def test_divergence_stops_with_the_epoch_and_keeps_the_best_weights():
    rng = np.random.default_rng(0)
    X, T = rng.normal(size=(50, 3)) * 10, rng.normal(size=(50, 1)) * 10
    net = Network([3, 8, 1], ["relu", "identity"], init="he", random_state=0)
    with pytest.raises(
        TrainingDiverged, match=r"epoch \d+.*learning rate below 1e\+06"
    ):
        fit(net, X, T, optimizer=SGD(1e6), epochs=50)
    assert all(np.isfinite(layer.weights).all() for layer in net.layers)


def test_callback_can_stop_training():
    X, T = _xor(0)
    net = Network([2, 4, 1], ["logistic", "logistic"], random_state=0)
    history = fit(net, X, T, epochs=100, callback=lambda epoch, loss: epoch == 4)
    assert history.n_iter == 5
