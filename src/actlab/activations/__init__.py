"""The activation catalog: one registry, one interface (see ``Activation``)."""

from . import (  # noqa: F401 (each module registers its activations)
    _basic,
    _exponentials,
    _gated,
    _gelu,
    _rectifiers,
    _sigmoids,
    _softmax,
)
from ._base import Activation, Kink, OutputFormUnavailable
from ._registry import activation_class, get, names, register

__all__ = [
    "Activation",
    "Kink",
    "OutputFormUnavailable",
    "activation_class",
    "get",
    "names",
    "register",
]
