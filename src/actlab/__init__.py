"""actlab: neural-network activation functions, their derivatives from the
input and from the cached output, verified to the ulp.

>>> import actlab
>>> act = actlab.get("logistic")
>>> float(act.derivative_from_output(act(0.0)))
0.25
"""

from ._properties import properties
from ._version import __version__
from .activations import Activation, Kink, OutputFormUnavailable, get, names
from .errors import ActlabError
from .nn._persist import load


def __getattr__(name):
    # the estimators import scikit-learn (about 2 s): only when asked for,
    # so `actlab list` and `import actlab` stay quick
    if name in ("MLPClassifier", "MLPRegressor"):
        from .nn import _estimators

        return getattr(_estimators, name)
    raise AttributeError(f"module 'actlab' has no attribute {name!r}")


__all__ = [
    "Activation",
    "ActlabError",
    "Kink",
    "MLPClassifier",
    "MLPRegressor",
    "OutputFormUnavailable",
    "__version__",
    "get",
    "load",
    "names",
    "properties",
]
