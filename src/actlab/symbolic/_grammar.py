"""The formula grammar: a safe parser from text to a SymPy expression.

The parser walks Python's syntax tree and builds a SymPy expression from a
whitelist (numbers, ``x``, the declared parameters, ``+ - * / **``, the
functions in ``FUNCTIONS`` and comparisons inside ``where``); it never
evaluates Python, and anything else is refused with the offending part named.
"""

from __future__ import annotations

import ast
import math

import sympy as sp

from ..errors import ActlabError, did_you_mean

X = sp.Symbol("x", real=True)
A = sp.Symbol("a", real=True)  # the output, in output forms
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


def looks_like_formula(spec: str) -> bool:
    """Whether a spec string is a formula rather than a catalog name."""
    head = spec.partition(":")[0].strip()
    return head == "x" or any(ch in head for ch in "()+-*/")
