"""``define``: an activation class from a formula, built once per formula."""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import ClassVar

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from ..activations._base import Activation
from ..errors import ActlabError
from . import _kinks
from . import _output_form as of
from . import _stable as st
from ._grammar import FUNCTIONS, A, X, parse
from ._kernel import Kernel


class FormulaActivation(Activation):
    """An activation defined by a formula (see ``define``).

    Kernels come from the stable form of the formula and its derivatives
    (``_stable``); the range, kinks (with the derivative convention there),
    smoothness and monotonicity are computed for the instance's parameters.
    """

    source: ClassVar[str] = ""
    # each kernel decides for itself whether float32 needs float64
    promote_float32: ClassVar[bool] = False

    @functools.cached_property
    def spec(self) -> str:
        params = ",".join(f"{k}={v!r}" for k, v in self.params.items())
        return self.source + (f":{params}" if params else "")

    def _values(self):
        return [float(v) for v in self.params.values()]

    def _f(self, z):
        return self._kf(z, *self._values())

    def _df(self, z):
        return self._kdf(z, *self._values())

    def _d2f(self, z):
        return self._kd2f(z, *self._values())

    def _dfa(self, a):
        return self._kdfa(a, *self._values())

    @functools.cached_property
    def _shape(self):
        """``(kinks, smoothness)`` for these parameters."""
        kernels = (self._kf, self._kdf, self._kd2f, self._third_derivative)
        return _kinks.analyse(self._expr, kernels, self._symbols, self._values())

    def _third_derivative(self):
        d3 = st.differentiate(self._d2, X)
        return Kernel(d3, X, self._symbols)

    @property
    def kinks(self):
        return self._shape[0]

    @property
    def smoothness(self) -> str:
        return self._shape[1]

    @functools.cached_property
    def output_range(self) -> tuple[float, float]:
        return _kinks.output_range(self._kf, self._kdf, self._values())

    @functools.cached_property
    def has_limits(self) -> bool:
        """Whether g, g' and g'' have limits at +-inf (``sin(x) + x``: g' has
        none, and gives NaN there)."""
        values = self._values()
        return all(k.has_limits(values) for k in (self._kf, self._kdf, self._kd2f))

    @functools.cached_property
    def monotonic(self) -> bool:
        return of.sign_change(self._kdf, self._values()) is None

    @functools.cached_property
    def _refusal(self) -> str | None:
        if self._kdfa is None:
            return self._no_form
        values = self._values()
        if values != self._default_values and not of.matches(
            self._h, self._symbols, values, self._kf, self._kdf
        ):
            return (
                f"the output form {self.output_formula}, found for the default "
                "parameters, does not hold for these"
            )
        return None

    def _output_form_refusal(self):
        return self._refusal


class _Show(StrPrinter):
    """Formulas as users write them: where(c, p, q), sigmoid, softplus."""

    def _print_Piecewise(self, expr):
        *branches, (last, cond) = expr.args
        text = self._print(last)
        if cond != sp.true:
            text = f"where({self._print(cond)}, {text}, nan)"
        for value, cond in reversed(branches):
            text = f"where({self._print(cond)}, {self._print(value)}, {text})"
        return text


def shown(expr) -> str:
    return _Show().doprint(expr)


def define(formula: str, name: str | None = None, **params) -> Activation:
    """An activation from a formula in ``x`` with named parameters.

    Parameters
    ----------
    formula : str
        In ``x`` and the parameter names, e.g. ``"x * sigmoid(beta * x)"``.
    name : str, optional
        The activation's name (default: the formula).
    **params : float
        Parameter values; they are the defaults of the class.

    Returns
    -------
    Activation
        With the built-ins' interface; derivatives by SymPy from the stable
        form of the formula, the output form where one exists.

    Examples
    --------
    >>> swish = define("x * sigmoid(beta * x)", name="swish_beta", beta=1.0)
    >>> float(swish.derivative(0.0))
    0.5
    >>> define("sigmoid(x)").output_formula  # found by SymPy
    'a*(1 - a)'
    >>> relu = define("max(x, 0)")
    >>> relu.kinks[0].at, relu.kinks[0].derivative
    (0.0, 0.0)
    """
    if not isinstance(formula, str):
        raise ActlabError(f"a formula is a string in x, got {formula!r}")
    for key, value in params.items():
        if key == "x" or key in FUNCTIONS or not key.isidentifier():
            raise ActlabError(f"{key!r} cannot name a parameter")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ActlabError(
                f"parameter {key} must be a number, got {value!r}"
            ) from None
        if not math.isfinite(value):
            raise ActlabError(f"parameter {key} must be finite, got {value!r}")
        params[key] = value
    try:
        cls = _formula_class(formula.strip(), name, tuple(params.items()))
    except ActlabError:
        raise
    except (TypeError, ValueError, ArithmeticError) as exc:  # SymPy gave up
        raise ActlabError(
            f"formula {formula!r} has no real, finite kernel (a division by "
            f"zero, a complex value or a pole where x is real: {exc})"
        ) from None
    return cls(**params)


@functools.lru_cache(maxsize=256)
def _formula_class(formula, name, defaults):
    names = [k for k, _ in defaults]
    expr = parse(formula, names)
    if X not in expr.free_symbols:
        raise ActlabError(f"formula {formula!r} does not depend on x")
    if expr.has(sp.zoo, sp.nan, sp.oo, sp.I):
        raise ActlabError(
            f"formula {formula!r} is not real and finite: it reduces to {expr}"
        )
    symbols = [sp.Symbol(k, real=True) for k in names]
    values = [v for _, v in defaults]
    calc = st.calculus_form(expr)
    d1 = st.differentiate(calc, X)
    d2 = st.differentiate(d1, X)
    kf, kdf = (Kernel(e, X, symbols, zeros=True) for e in (calc, d1))
    kd2f = Kernel(d2, X, symbols)
    _verify(expr, symbols, values, kdf)
    h, why = of.find(expr, calc, d1, symbols, values, kf, kdf)
    kdfa = None if h is None else Kernel(of.kernel_form(h).subs(A, X), X, symbols)
    for k in (kf, kdf, kd2f, kdfa):
        if k is not None:  # decided now, with the defaults
            k.needs_float64(values)
            k.patches(values)
    namespace = {
        "name": name or formula,
        "source": formula,
        "formula": str(expr),
        "output_formula": None if h is None else str(h),
        "latex": sp.latex(expr),
        "latex_derivative": sp.latex(d1),
        "latex_output_form": None if h is None else sp.latex(h),
        "derivative_formula": shown(d1),
        "second_derivative_formula": shown(d2),
        "latex_second_derivative": sp.latex(d2),
        "summary": f"the formula {formula}",
        "_expr": expr,
        "_d2": d2,
        "_h": h,
        "_symbols": symbols,
        "_default_values": values,
        "_kf": kf,
        "_kdf": kdf,
        "_kd2f": kd2f,
        "_kdfa": kdfa,
        "_no_form": why,
    }
    fields = [(k, float, dataclasses.field(default=v)) for k, v in defaults]
    return dataclasses.make_dataclass(
        "Formula", fields, bases=(FormulaActivation,), frozen=True, namespace=namespace
    )


def _verify(expr, symbols, values, kdf):
    """The stable derivative kernel against SymPy's own derivative of the
    formula as written, where that one does not overflow (a check of the
    rewrites and the code generation, not of the user)."""
    # |x| <= 4: SymPy's textbook form (1 - tanh^2, 1 + erf) has not yet
    # cancelled more than a few digits there
    z = np.linspace(-4, 4, 163) + 0.0123  # off the usual kink points
    naive = sp.lambdify([X, *symbols], sp.diff(expr, X), modules=[st.KERNELS, "numpy"])
    with np.errstate(all="ignore"):
        want = np.broadcast_to(np.asarray(naive(z, *values), dtype=float), z.shape)
    got = kdf(z, *values)
    ok = np.isfinite(want) & (np.abs(want) > 1e-250)
    err = np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-12)
    if ok.any() and not err.max() < 1e-7:
        at = z[ok][np.argmax(err)]
        raise ActlabError(
            f"internal error: the generated derivative of {expr} disagrees with "
            f"SymPy's at x = {at:.4g} ({got[ok][np.argmax(err)]} vs "
            f"{want[ok][np.argmax(err)]}); please report it"
        )
