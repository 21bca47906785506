"""SymPy's Python code printer for PyTorch and JAX: the framework's
elementwise functions for SymPy's and actlab's stable primitives, where() for
Piecewise, elementwise maximum/minimum, every number a float literal, and
constants in the dtype of the tensors around them."""

from __future__ import annotations

import math
from typing import ClassVar

import sympy as sp
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pycode import PythonCodePrinter

from ..errors import ActlabError
from ..symbolic import _stable as st


def _fold_numbers(expr: sp.Expr) -> sp.Expr:
    """A product's irrational numeric factors as one float (``sqrt(2)/2`` is
    printed 0.7071067811865476); rationals stay, ``x/6`` divides exactly."""

    def fold(m):
        c, rest = m.as_independent(*m.free_symbols, as_Add=False)
        return m if c.is_Rational else sp.Float(float(c)) * rest

    return expr.replace(lambda e: e.is_Mul and bool(e.free_symbols), fold)


class _Printer(PythonCodePrinter):
    """Python for one framework: its elementwise functions for SymPy's and
    actlab's stable primitives (``symbolic.KERNELS``), where() for Piecewise,
    elementwise maximum/minimum, every number a float literal."""

    framework: ClassVar[str]
    #: SymPy function name -> the framework's function
    functions: ClassVar[dict[str, str]]
    _BINARY = {"Max": "maximum", "_max2": "maximum", "Min": "minimum"}
    _BINARY |= {"_min2": "minimum", "And": "and", "Or": "or"}

    def __init__(self, tensor: str):
        super().__init__({"fully_qualified_modules": True})
        self.known_functions = dict(self.functions)
        self.known_constants = {}
        self.tensor = tensor  # a tensor in scope: constants take its dtype

    def _print(self, expr, **kwargs):
        if isinstance(expr, sp.Expr) and expr.is_number and not expr.is_Integer:
            try:
                value = float(expr)
            except TypeError:  # complex: no real value to write
                raise ActlabError(f"cannot export the complex number {expr}") from None
            if math.isfinite(value):
                return repr(value)
        return super()._print(expr, **kwargs)

    def _print_Function(self, expr):
        name = type(expr).__name__
        if name in self._BINARY:
            return self._fold(self.functions[self._BINARY[name]], expr.args)
        if name not in self.functions and hasattr(expr, "_textbook"):
            return self._print(expr._textbook())  # a NumPy-only accuracy form
        if name not in self.functions:
            raise ActlabError(
                f"cannot export {expr}: {name} has no {self.framework} counterpart"
            )
        args = ", ".join(self._print(arg) for arg in expr.args)
        return f"{self.functions[name]}({args})"

    _print_And = _print_Or = _print_Max = _print_Min = _print_Function

    def _print__sech2(self, expr):  # 1 - tanh(u)^2 without the cancelling
        return f"({self.functions['cosh']}({self._print(expr.args[0])})**(-2))"

    def _print__dexpit(self, expr):  # s(u) s(-u)
        u = expr.args[0]
        return self._print(st._expit(u)) + "*" + self._print(st._expit(-u))

    def _print_Not(self, expr):
        return f"{self.functions['not']}({self._print(expr.args[0])})"

    def _print_Mul(self, expr):  # x/6 divides once; 0.16666666666666666*x rounds twice
        c, rest = expr.as_coeff_Mul()
        if c.is_Rational and c.q != 1:
            top = [] if c.p == 1 else [sp.Integer(c.p)]
            bottom = sp.Pow(sp.Integer(c.q), -1, evaluate=False)
            expr = sp.Mul(*top, *sp.Mul.make_args(rest), bottom, evaluate=False)
        return super()._print_Mul(expr)

    def _print_Pow(self, expr, rational=False):
        return self._hprint_Pow(expr, rational=rational, sqrt=self.functions["sqrt"])

    def _print_Relational(self, expr):  # always an argument: no parentheses
        prec = PRECEDENCE["Relational"]
        lhs, rhs = (self.parenthesize(s, prec) for s in (expr.lhs, expr.rhs))
        return f"{lhs} {expr.rel_op} {rhs}"

    def _print_Piecewise(self, expr):
        *pieces, (last, cond) = expr.args
        if cond == sp.true:
            out = self._value(last)
        else:  # no branch holds: nan, as NumPy's select default in lambdify
            pieces.append((last, cond))
            out = self._constant("float('nan')")
        where = self.functions["where"]
        for value, cond in reversed(pieces):
            out = f"{where}({self._print(cond)}, {self._value(value)}, {out})"
        return out

    def _print_Heaviside(self, expr):
        u, h0 = expr.args
        return f"{self.functions['Heaviside']}({self._print(u)}, {self._value(h0)})"

    def _fold(self, func: str, args) -> str:
        out = self._value(args[0])
        for arg in args[1:]:
            out = f"{func}({out}, {self._value(arg)})"
        return out

    def _value(self, expr) -> str:
        """An argument of where/maximum/...: a constant gets the tensor's dtype."""
        if isinstance(expr, sp.Expr) and expr.is_number:
            return self._constant(repr(float(expr)))
        return self._print(expr)

    def _constant(self, text: str) -> str:
        return text


_PLAIN = ("exp", "log", "sqrt", "tanh", "sinh", "cosh", "sin", "cos", "sign")
_PLAIN += ("expm1", "log1p")


class _TorchPrinter(_Printer):
    framework = "torch"
    functions = {
        **{f: f"torch.{f}" for f in _PLAIN},
        **{f: f"torch.{f}" for f in ("atan", "erf", "erfc", "abs")},
        "Abs": "torch.abs",
        "_expit": "torch.sigmoid",
        "_expm1": "torch.expm1",
        "_log1p": "torch.log1p",
        "_erfc": "torch.erfc",
        "_tanh": "torch.tanh",
        "maximum": "torch.maximum",
        "minimum": "torch.minimum",
        "Heaviside": "torch.heaviside",
        "where": "torch.where",
        "and": "torch.logical_and",
        "or": "torch.logical_or",
        "not": "torch.logical_not",
    }

    def _print__softplus(self, expr):
        # PyTorch's default threshold 20 suits float32 only: the linear branch
        # is exact in float64 from 37 on, and exp(40) overflows neither dtype
        arg = self._print(expr.args[0])
        return f"torch.nn.functional.softplus({arg}, threshold=40.0)"

    def _constant(self, text: str) -> str:
        return f"{self.tensor}.new_tensor({text})"  # not float32, not int64


class _JaxPrinter(_Printer):
    framework = "jax"
    functions = {
        **{f: f"jnp.{f}" for f in _PLAIN},
        "atan": "jnp.arctan",
        "erf": "jax.scipy.special.erf",
        "erfc": "jax.scipy.special.erfc",
        "Abs": "jnp.abs",
        "_expit": "jax.nn.sigmoid",
        "_softplus": "jax.nn.softplus",
        "_expm1": "jnp.expm1",
        "_log1p": "jnp.log1p",
        "_erfc": "jax.scipy.special.erfc",
        "_tanh": "jnp.tanh",
        "maximum": "jnp.maximum",
        "minimum": "jnp.minimum",
        "Heaviside": "jnp.heaviside",
        "where": "jnp.where",
        "and": "jnp.logical_and",
        "or": "jnp.logical_or",
        "not": "jnp.logical_not",
    }


# the inherited math.* printers would bypass the framework's names
for _name in PythonCodePrinter._kf:
    if f"_print_{_name}" not in vars(_Printer):
        setattr(_Printer, f"_print_{_name}", _Printer._print_Function)
_Printer._print_sign = _Printer._print_Function
PRINTERS = {"torch": _TorchPrinter, "jax": _JaxPrinter}


def lines(expr, tensor: str, framework: str) -> tuple[list[str], str]:
    """Statements for the common subexpressions, and the final expression."""
    if expr == 1:
        return [], "1"
    printer = PRINTERS[framework](tensor)
    steps, (final,) = sp.cse([_fold_numbers(expr)], sp.numbered_symbols("_t"))
    lines = [f"{s} = {printer.doprint(e)}" for s, e in steps]
    return lines, printer.doprint(final)
