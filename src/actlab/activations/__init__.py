"""The activation catalog: one registry, one interface (see ``Activation``)."""

from . import _basic, _gated, _rectifiers, _sigmoids, _softmax  # noqa: F401 (register)
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
