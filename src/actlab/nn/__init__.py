"""Backpropagation networks built on the activations' ``vjp`` (work in progress:
the network core, three losses, initialisation, the gradient check, SGD, Adam,
L-BFGS and schedules; the scikit-learn estimators come next)."""

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
