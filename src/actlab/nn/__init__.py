"""Backpropagation networks built on the activations' ``vjp``: the network
core with dropout, six losses, initialisation, the gradient check, SGD, Adam,
L-BFGS and schedules. The scikit-learn estimators are ``actlab.MLPClassifier``
and ``actlab.MLPRegressor``."""

from ._gradcheck import check_gradients
from ._init import INITS, activation_gain, init_weights
from ._losses import (
    LOSSES,
    AbsoluteError,
    BinaryCrossEntropy,
    CrossEntropy,
    Huber,
    Loss,
    Poisson,
    SquaredError,
    get_loss,
)
from ._network import Cache, Dense, Network
from ._optimizers import SCHEDULES, SGD, Adam, ReduceOnPlateau, Schedule
from ._train import History, TrainingDiverged, fit, fit_lbfgs

__all__ = [
    "SCHEDULES",
    "SGD",
    "Adam",
    "History",
    "ReduceOnPlateau",
    "Schedule",
    "TrainingDiverged",
    "fit",
    "fit_lbfgs",
    "INITS",
    "LOSSES",
    "AbsoluteError",
    "BinaryCrossEntropy",
    "Cache",
    "CrossEntropy",
    "Dense",
    "Huber",
    "Loss",
    "Poisson",
    "Network",
    "SquaredError",
    "activation_gain",
    "check_gradients",
    "get_loss",
    "init_weights",
]
