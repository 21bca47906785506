"""Backpropagation networks built on the activations' ``vjp`` (work in progress:
the network core, three losses, initialisation and the gradient check; the
optimisers and the scikit-learn estimators come next)."""

from ._gradcheck import check_gradients
from ._init import INITS, activation_gain, init_weights
from ._losses import (
    LOSSES,
    BinaryCrossEntropy,
    CrossEntropy,
    Loss,
    SquaredError,
    get_loss,
)
from ._network import Cache, Dense, Network

__all__ = [
    "INITS",
    "LOSSES",
    "BinaryCrossEntropy",
    "Cache",
    "CrossEntropy",
    "Dense",
    "Loss",
    "Network",
    "SquaredError",
    "activation_gain",
    "check_gradients",
    "get_loss",
    "init_weights",
]
