"""Activations from a formula: a safe parser, SymPy derivatives, the output
form found automatically, and NumPy kernels with stable rewrites.

``define("x * sigmoid(beta * x)", name="swish_beta", beta=1.0)`` returns an
activation with the same interface as the built-ins; ``actlab.get`` accepts a
formula wherever it accepts a name (``"x*tanh(softplus(x))"``, with
parameters after a colon: ``"x*sigmoid(beta*x):beta=1.5"``).

The parser walks Python's syntax tree and builds a SymPy expression from a
whitelist (numbers, ``x``, the declared parameters, ``+ - * / **``, the
functions in ``FUNCTIONS`` and comparisons inside ``where``); it never
evaluates Python, and anything else is refused with the offending part named.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import math
from typing import ClassVar

import numpy as np
import scipy.special as sc
import sympy as sp

from .activations._base import Activation
from .errors import ActlabError, did_you_mean

X = sp.Symbol("x", real=True)
_Y = sp.Symbol("a", real=True)
MAX_LENGTH = 500
MAX_DEPTH = 40


def _piecewise(cond, a, b):
    return sp.Piecewise((a, cond), (b, True))


#: name: (SymPy builder, number of arguments)
FUNCTIONS = {
    "exp": (sp.exp, 1),
    "log": (sp.log, 1),
    "sqrt": (sp.sqrt, 1),
    "abs": (sp.Abs, 1),
    "tanh": (sp.tanh, 1),
    "sinh": (sp.sinh, 1),
    "cosh": (sp.cosh, 1),
    "sin": (sp.sin, 1),
    "cos": (sp.cos, 1),
    "atan": (sp.atan, 1),
    "arctan": (sp.atan, 1),
    "erf": (sp.erf, 1),
    "erfc": (sp.erfc, 1),
    "sigmoid": (lambda u: 1 / (1 + sp.exp(-u)), 1),
    "softplus": (lambda u: sp.log(1 + sp.exp(u)), 1),
    "max": (sp.Max, 2),
    "min": (sp.Min, 2),
    "where": (_piecewise, 3),
}
_CONSTANTS = {"pi": sp.pi, "e": sp.E}
_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
_COMPARE = {
    ast.Gt: sp.StrictGreaterThan,
    ast.GtE: sp.GreaterThan,
    ast.Lt: sp.StrictLessThan,
    ast.LtE: sp.LessThan,
}


def parse(formula: str, params=()) -> sp.Expr:
    """The SymPy expression of ``formula`` in ``x`` and the names in
    ``params``; refuses anything outside the whitelisted grammar.

    >>> parse("x * sigmoid(beta * x)", ["beta"])
    x/(1 + exp(-beta*x))
    """
    if not isinstance(formula, str) or not formula.strip():
        raise ActlabError("a formula is a non-empty string in x, e.g. 'x*tanh(x)'")
    if len(formula) > MAX_LENGTH:
        raise ActlabError(
            f"formula: {len(formula)} characters is too long (at most {MAX_LENGTH})"
        )
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise ActlabError(f"formula {formula!r} is not valid: {exc.msg}") from None
    symbols = {name: sp.Symbol(name, real=True) for name in params}
    return _Builder(formula, symbols).build(tree.body, 0)


class _Builder:
    def __init__(self, text, symbols):
        self.text, self.symbols = text, symbols

    def refuse(self, node, why):
        part = ast.get_source_segment(self.text.strip(), node) or type(node).__name__
        raise ActlabError(f"formula: {why}, not {part}")

    def build(self, node, depth):
        if depth > MAX_DEPTH:
            raise ActlabError(f"formula: nested too deeply (at most {MAX_DEPTH})")
        d = depth + 1
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                self.refuse(node, "only numbers may appear as constants")
            if not math.isfinite(node.value):
                self.refuse(node, "numbers must be finite")
            return sp.Rational(repr(node.value))
        if isinstance(node, ast.Name):
            if node.id == "x":
                return X
            if node.id in self.symbols:
                return self.symbols[node.id]
            if node.id in _CONSTANTS:
                return _CONSTANTS[node.id]
            known = ["x", *self.symbols, *_CONSTANTS]
            hint = did_you_mean(node.id, known + list(FUNCTIONS))
            raise ActlabError(
                f"formula: unknown name {node.id!r}{hint} (variables: "
                f"{', '.join(known)}; declare a parameter as name=value)"
            )
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](
                self.build(node.left, d), self.build(node.right, d)
            )
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
            self.refuse(node, "powers are written **")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.build(node.operand, d)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Call):
            return self.call(node, d)
        if isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
                self.refuse(node, "a comparison is one of < <= > >= between two terms")
            return _COMPARE[type(node.ops[0])](
                self.build(node.left, d), self.build(node.comparators[0], d)
            )
        kinds = {
            ast.Attribute: "attribute access is not allowed",
            ast.Lambda: "lambdas are not allowed",
            ast.Subscript: "indexing is not allowed",
        }
        self.refuse(node, kinds.get(type(node), "this syntax is not allowed"))

    def call(self, node, depth):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            if isinstance(func, ast.Name):
                hint = did_you_mean(func.id, FUNCTIONS)
                raise ActlabError(
                    f"formula: unknown function {func.id!r}{hint} "
                    f"(functions: {', '.join(FUNCTIONS)})"
                )
            self.refuse(func, "only the listed functions may be called")
        if node.keywords:
            self.refuse(node, "functions take no keyword arguments")
        builder, arity = FUNCTIONS[func.id]
        if len(node.args) != arity:
            raise ActlabError(
                f"formula: {func.id} takes {arity} argument{'s' * (arity > 1)}, "
                f"got {len(node.args)}"
            )
        args = [self.build(a, depth) for a in node.args]
        if func.id == "where" and not isinstance(
            args[0], sp.core.relational.Relational
        ):
            self.refuse(node.args[0], "where's first argument is a comparison")
        return builder(*args)


# ----- stable rewrites ----------------------------------------------------------
class _softplus(sp.Function):  # log(1 + exp(u)) without overflow
    def fdiff(self, argindex=1):
        return 1 / (1 + sp.exp(-self.args[0]))


class _expit(sp.Function):  # 1 / (1 + exp(-u)) without overflow
    pass


class _expm1(sp.Function):
    pass


class _log1p(sp.Function):
    pass


class _erfc(sp.Function):  # unevaluated: SymPy turns erfc(-u) into 2 - erfc(u)
    pass


_KERNELS = {
    "_softplus": lambda u: np.logaddexp(0, u),
    "_expit": sc.expit,
    "_expm1": np.expm1,
    "_log1p": np.log1p,
    "_erfc": sc.erfc,
    "erf": sc.erf,
    "erfc": sc.erfc,
}


def stable(expr: sp.Expr) -> sp.Expr:
    """Rewrite the forms that overflow or cancel when written naively:
    ``log(1 + e^u)`` as logaddexp, ``1/(1 + e^-u)`` as expit, ``e^u - 1`` as
    expm1, ``log(1 + u)`` as log1p, ``1 -+ erf(u)`` as ``erfc(+-u)``."""
    u = sp.Wild("u")
    rules = [
        (sp.log(1 + sp.exp(u)), lambda u: _softplus(u)),
        (1 / (1 + sp.exp(-u)), lambda u: _expit(u)),
        (1 / (1 + sp.exp(u)), lambda u: _expit(-u)),
        (sp.exp(u) - 1, lambda u: _expm1(u)),
        (1 - sp.erf(u), lambda u: _erfc(u)),
        (1 + sp.erf(u), lambda u: _erfc(-u)),  # the lower tail, no cancelling
        (2 - sp.erfc(u), lambda u: _erfc(-u)),  # (SymPy's own form of erfc(-u))
        (sp.log(1 + u), lambda u: _log1p(u)),
    ]
    for pattern, make in rules:
        expr = expr.replace(pattern, make)
    return expr


def _kernel(expr, params):
    fn = sp.lambdify([X, *params], stable(expr), modules=[_KERNELS, "numpy"])

    def run(z, *values):
        with np.errstate(all="ignore"):  # naive forms left: inf is the answer
            out = fn(z, *values)
        return np.broadcast_to(np.asarray(out, dtype=z.dtype), z.shape).copy()

    return run


# ----- the output form ----------------------------------------------------------
def _tidy(h):
    """The simplest of a few equivalent forms (``a (1 - a)``, not a nest)."""
    forms = [h, sp.factor(sp.cancel(sp.together(h)))]
    try:
        forms.append(sp.factor(sp.simplify(h.rewrite(sp.exp))))
    except (TypeError, ValueError, NotImplementedError):
        pass
    return min(forms, key=sp.count_ops)


def output_form(expr, dexpr, params, values, raw=None) -> sp.Expr | None:
    """``h`` with ``g'(x) = h(g(x))``, found by substituting ``g`` itself or
    its inverse into ``g'`` and accepted only when it matches ``g'`` on a
    grid; None when there is none (g is not invertible on the reals)."""
    if expr.has(sp.Max, sp.Min, sp.Piecewise, sp.Abs, sp.sin, sp.cos):
        return None
    candidates = []
    for d in (raw, dexpr):  # g itself inside g' (tanh: 1 - tanh^2)
        if d is not None:
            direct = sp.simplify(d.subs(expr, _Y))
            if X not in direct.free_symbols:
                candidates.append(direct)
    if sp.count_ops(expr) <= 30:
        try:
            roots = sp.solve(sp.Eq(_Y, expr), X)
        except (NotImplementedError, ValueError, TypeError):
            roots = []
        for root in roots[:4]:
            h = sp.simplify(dexpr.subs(X, root))
            if X not in h.free_symbols:
                candidates.append(_tidy(h))
    z = np.linspace(-6, 6, 241)
    g = sp.lambdify([X, *params], expr, modules=[_KERNELS, "numpy"])
    dg = sp.lambdify([X, *params], dexpr, modules=[_KERNELS, "numpy"])
    with np.errstate(all="ignore"):
        a = np.broadcast_to(g(z, *values), z.shape)
        want = np.broadcast_to(dg(z, *values), z.shape)
    for h in candidates:
        try:
            fn = sp.lambdify([_Y, *params], h, modules=[_KERNELS, "numpy"])
            with np.errstate(all="ignore"):
                got = np.asarray(fn(a, *values), dtype=complex)
            got = np.broadcast_to(got, z.shape)
        except Exception:  # noqa: BLE001 (a form NumPy cannot evaluate: LambertW)
            continue
        ok = np.isfinite(want) & np.isfinite(a)
        if ok.sum() < 100:
            continue
        err = np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-12)
        if np.all(np.isfinite(err)) and err.max() < 1e-8:
            return h
    return None


# ----- the activation -----------------------------------------------------------
class FormulaActivation(Activation):
    """An activation defined by a formula (see ``define``)."""

    source: ClassVar[str] = ""
    promote_float32: ClassVar[bool] = True  # constants are float64 in lambdify

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

    def _output_form_refusal(self):
        if self._kdfa is None:
            return self._no_form
        return None

    @property
    def monotonic(self) -> bool:
        return self._monotonic


def define(formula: str, name: str | None = None, **params) -> Activation:
    """An activation from a formula in ``x`` with named parameters.

    >>> swish = define("x * sigmoid(beta * x)", name="swish_beta", beta=1.0)
    >>> float(swish.derivative(0.0))
    0.5
    >>> define("sigmoid(x)").output_formula  # a (1 - a), found by SymPy
    '-a*(a - 1)'
    """
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
    cls = _formula_class(formula.strip(), name, tuple(params.items()))
    return cls(**params)


@functools.lru_cache(maxsize=256)
def _formula_class(formula, name, defaults):
    names = [k for k, _ in defaults]
    expr = parse(formula, names)
    if X not in expr.free_symbols:
        raise ActlabError(f"formula {formula!r} does not depend on x")
    symbols = [sp.Symbol(k, real=True) for k in names]
    raw = sp.diff(expr, X)
    d1 = sp.simplify(raw)
    d2 = sp.simplify(sp.diff(d1, X))
    values = [v for _, v in defaults]
    h = output_form(expr, d1, symbols, values, raw)
    kinds = (sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.Piecewise)
    namespace = {
        "name": name or formula,
        "source": formula,
        "formula": str(expr),
        "output_formula": None if h is None else str(h),
        "latex": sp.latex(expr),
        "latex_derivative": sp.latex(d1),
        "latex_output_form": None if h is None else sp.latex(h),
        "derivative_formula": str(d1),
        "second_derivative_formula": str(d2),
        "latex_second_derivative": sp.latex(d2),
        "smoothness": "C0" if expr.has(*kinds) else "smooth",
        "summary": f"the formula {formula}",
        "_kf": staticmethod(_kernel(expr, symbols)),
        "_kdf": staticmethod(_kernel(d1, symbols)),
        "_kd2f": staticmethod(_kernel(d2, symbols)),
        "_kdfa": None if h is None else staticmethod(_kernel(h.subs(_Y, X), symbols)),
        "_no_form": "no output form: g is not invertible on the reals, or "
        "g'(g^-1(a)) did not simplify to a function of a that matches g'",
        "_monotonic": h is not None,
    }
    fields = [(k, float, dataclasses.field(default=v)) for k, v in defaults]
    cls = dataclasses.make_dataclass(
        "Formula", fields, bases=(FormulaActivation,), frozen=True, namespace=namespace
    )
    return cls


def looks_like_formula(spec: str) -> bool:
    """Whether a spec string is a formula rather than a catalog name."""
    head = spec.partition(":")[0].strip()
    return head == "x" or any(ch in head for ch in "()+-*/")
