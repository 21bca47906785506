"""The backprop core: every activation and loss, checked by finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import actlab
from actlab import ActlabError
from actlab.nn import SGD, Network, activation_gain, check_gradients, get_loss
from tables import ALL

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 3))


@pytest.mark.parametrize("hidden", ALL)
def test_gradients_for_every_activation(hidden):
    T = RNG.normal(size=(6, 2))
    net = Network([3, 4, 2], [hidden, "identity"], random_state=1)
    assert check_gradients(net, X, T) < 1e-5


@pytest.mark.parametrize(
    "output, loss, target",
    [
        ("identity", "squared_error", "real"),
        ("logistic", "squared_error", "binary"),  # the seed's pairing: general path
        ("tanh", "squared_error", "signs"),
        ("logistic", "binary_cross_entropy", "binary"),  # fused
        ("softmax", "cross_entropy", "onehot"),  # fused
        ("softplus", "squared_error", "real"),
        ("identity", "absolute_error", "real"),
        ("identity", "huber:delta=0.5", "real"),
        ("tanh", "huber", "signs"),
        ("exponential", "poisson", "counts"),  # fused (log link)
        ("softplus", "poisson", "counts"),  # general path
        ("logistic", "binary_cross_entropy", "multilabel"),
        ("hard_sigmoid", "binary_cross_entropy", "binary"),  # z is not a logit
    ],
)
def test_gradients_for_every_loss(output, loss, target):
    n_out = 3
    T = {
        "real": RNG.normal(size=(6, n_out)),
        "binary": RNG.integers(0, 2, size=(6, n_out)).astype(float),
        "signs": np.sign(RNG.normal(size=(6, n_out))),
        "onehot": np.eye(n_out)[RNG.integers(0, n_out, 6)],
        "counts": RNG.poisson(2.0, size=(6, n_out)).astype(float),
        "multilabel": (RNG.random((6, n_out)) < 0.5).astype(float),
    }[target]
    net = Network([3, 5, n_out], ["tanh", output], loss=loss, random_state=2)
    assert net.fused == (actlab.get(output).spec == get_loss(loss).canonical)
    assert check_gradients(net, X, T) < 1e-6


def test_forward_keeps_a_when_the_output_form_exists_else_z():
    net = Network([3, 4, 4, 1], ["tanh", "gelu", "logistic"], random_state=0)
    _, cache = net.forward(X)
    assert [kind for kind, _ in cache.kept] == ["a", "z", "a"]


def test_backward_calls_only_vjp(monkeypatch):
    net = Network([3, 4, 1], ["tanh", "identity"], random_state=0)
    _, cache = net.forward(X)
    tanh = type(actlab.get("tanh"))
    monkeypatch.setattr(tanh, "derivative", lambda self, z: 1 / 0)
    monkeypatch.setattr(tanh, "_df", lambda self, z: 1 / 0)  # output form used
    net.backward(cache, np.zeros((6, 1)))


def test_cross_entropy_is_stable_at_saturation():
    bce = get_loss("binary_cross_entropy")
    z = np.array([[40.0]])
    assert bce.value(z, actlab.get("logistic")(z), np.array([[0.0]])) == pytest.approx(
        40.0
    )
    ce = get_loss("cross_entropy")
    z = np.array([[1000.0, 0.0]])
    assert ce.value(z, None, np.array([[0.0, 1.0]])) == pytest.approx(1000.0)


def test_regression_losses_known_values():
    a, t = np.array([[0.0, 3.0]]), np.array([[0.2, 0.0]])
    assert get_loss("absolute_error").value(None, a, t) == pytest.approx(3.2)
    # huber, delta 1: 0.2^2/2 + 1 * (3 - 1/2)
    assert get_loss("huber").value(None, a, t) == pytest.approx(0.02 + 2.5)
    assert get_loss("huber:delta=4").value(None, a, t) == pytest.approx(0.02 + 4.5)
    poisson = get_loss("poisson")
    z, t = np.array([[0.0, np.log(3.0)]]), np.array([[1.0, 3.0]])
    assert poisson.value(z, np.exp(z), t) == pytest.approx(0.0, abs=1e-15)
    z, t = np.array([[40.0]]), np.array([[0.0]])  # saturated: exp(40), finite
    assert poisson.value(z, np.exp(z), t) == pytest.approx(np.exp(40.0))
    assert poisson.value(None, np.exp(z), t) == pytest.approx(np.exp(40.0))


def test_loss_specs_round_trip_and_errors():
    assert get_loss("huber:delta=0.5").spec == "huber:delta=0.5"
    assert get_loss("huber").spec == "huber"
    with pytest.raises(ActlabError, match="no parameter 'beta'"):
        get_loss("huber:beta=1")
    with pytest.raises(ActlabError, match="delta must be > 0"):
        get_loss("huber:delta=-1")
    with pytest.raises(ActlabError, match="did you mean huber"):
        get_loss("hubber")


class _FixedDropout(Network):
    """Every evaluation draws the same dropout masks, so the loss is a
    function of the weights and finite differences apply."""

    def loss_and_grads(self, X, T, weights=None, l2=0.0, rng=None):
        return super().loss_and_grads(X, T, weights, l2, np.random.default_rng(7))


def test_dropout_gradients_and_masks():
    T = RNG.normal(size=(6, 2))
    net = _FixedDropout(
        [3, 8, 8, 2], ["tanh", "gelu", "identity"], dropout=[0.5, 0.25], random_state=0
    )
    assert check_gradients(net, X, T) < 1e-6
    _, cache = net.forward(X, np.random.default_rng(0))
    assert set(np.unique(cache.masks[0])) <= {0.0, 2.0}
    assert np.array_equal(net.predict(X), Network.forward(net, X)[0])  # no rng: all


def test_dropout_rates_are_checked():
    with pytest.raises(ActlabError, match=r"dropout rates must lie in \[0, 1\)"):
        Network([2, 3, 1], ["tanh", "identity"], dropout=1.0)
    with pytest.raises(ActlabError, match="2 rates for 1 hidden"):
        Network([2, 3, 1], ["tanh", "identity"], dropout=[0.1, 0.2])


def test_auto_gain_is_derived_from_the_activation():
    assert activation_gain(actlab.get("relu")) == pytest.approx(np.sqrt(2))
    assert activation_gain(actlab.get("identity")) == pytest.approx(1.0)
    assert activation_gain(actlab.get("selu")) == pytest.approx(1.0, abs=1e-3)


def test_sgd_learns_xor_with_four_logistic_units():
    """The seed's XOR network: 4 logistic hidden units, logistic output, the
    seed's uniform init and squared error, full-batch steps."""
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    rng = np.random.default_rng(3)
    Xx = np.repeat(corners, 50, axis=0) + rng.normal(0, 0.15, (200, 2))
    Tx = np.repeat([[0.0], [1.0], [1.0], [0.0]], 50, axis=0)
    net = Network([2, 4, 1], ["logistic", "logistic"], random_state=4)
    first = net.loss_and_grads(Xx, Tx)[0]
    sgd = SGD(3.0)
    params = [p for layer in net.layers for p in (layer.weights, layer.bias)]
    for _ in range(3000):
        _, grads = net.loss_and_grads(Xx, Tx)
        sgd.step(params, [g for pair in grads for g in pair])
    accuracy = np.mean((net.predict(Xx) > 0.5) == (Tx > 0.5))
    assert net.loss_and_grads(Xx, Tx)[0] < first and accuracy >= 0.95


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"sizes": [3], "activations": []}, "sizes"),
        ({"sizes": [3, 2], "activations": ["relu", "relu"]}, "activations"),
        ({"sizes": [3, 2], "activations": ["reluu"]}, "did you mean relu"),
        ({"sizes": [3, 2], "activations": ["relu"], "loss": "mse"}, "unknown loss"),
        ({"sizes": [3, 2], "activations": ["relu"], "init": "glorott"}, "glorot"),
    ],
)
def test_bad_network_arguments(kwargs, fragment):
    with pytest.raises(ActlabError, match=fragment):
        Network(**kwargs)


def test_gradients_with_sample_weights_and_l2():
    T = RNG.normal(size=(6, 2))
    w = RNG.uniform(0.1, 3, 6)
    net = Network([3, 4, 2], ["mish", "identity"], random_state=5)
    assert check_gradients(net, X, T, weights=w, l2=0.3) < 1e-6
    # an integer weight is the same as repeating the sample
    net2 = Network([3, 4, 2], ["mish", "identity"], random_state=5)
    rep = np.array([2, 1, 1, 1, 1, 1])
    a = net.loss_and_grads(X, T, weights=rep)[0]
    b = net2.loss_and_grads(np.repeat(X, rep, axis=0), np.repeat(T, rep, axis=0))[0]
    assert a == pytest.approx(b)


def test_bad_sample_weights():
    net = Network([3, 2], ["identity"], random_state=0)
    with pytest.raises(ActlabError, match="sample weights"):
        net.loss_and_grads(X, np.zeros((6, 2)), weights=-np.ones(6))
