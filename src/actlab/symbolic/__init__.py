"""Activations from a formula: a safe parser, SymPy derivatives of the stable
form, the output form found automatically, kinks with their conventions, and
NumPy kernels as stable as the built-ins' formulas.

``define("x * sigmoid(beta * x)", name="swish_beta", beta=1.0)`` returns an
activation with the same interface as the built-ins; ``actlab.get`` accepts a
formula wherever it accepts a name (``"x*tanh(softplus(x))"``, with
parameters after a colon: ``"x*sigmoid(beta*x):beta=1.5"``).

How a formula becomes kernels (each step its own module):

1. ``_grammar``: Python's syntax tree, walked against a whitelist;
2. ``_stable``: the forms that overflow or cancel rewritten in the stable
   primitives of ``_primitives`` (expit, softplus, expm1, log1p, erfc, sech^2,
   exact Gaussians), then differentiated by SymPy in those primitives, so
   f' and f'' are as stable as f;
3. ``_codegen``: NumPy code with function calls shared, products ordered
   against ``inf * 0``, and the rounding of ``c*x`` carried into expit/exp;
4. ``_kernel``: float32 in float64 only where it measurably loses, far
   tails in long double where float64 over- or underflows inside, limits at
   +-inf, and ``_taylor`` expansions about zeros where terms cancel;
5. ``_output_form``: ``g'`` as a function of ``g``, searched cheaply;
   ``_kinks``: kinks with the derivative convention there (stated in its
   docstring), smoothness and range, for the parameters in use.
"""

from ._activation import FormulaActivation, define
from ._grammar import FUNCTIONS, MAX_DEPTH, MAX_LENGTH, A, X, looks_like_formula, parse
from ._kinks import boundaries
from ._stable import KERNELS, _erfc, _expit, _expm1, _log1p, _softplus, stable

__all__ = [
    "FUNCTIONS",
    "KERNELS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "A",
    "FormulaActivation",
    "X",
    "boundaries",
    "define",
    "looks_like_formula",
    "parse",
    "stable",
]
# _softplus, _expit, _expm1, _log1p, _erfc: the primitives ``stable`` writes,
# imported here for the code that maps them to other frameworks (export)
_PRIMITIVES = (_softplus, _expit, _expm1, _log1p, _erfc)
