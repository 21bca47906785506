"""What an export prints: the activation's forward expression and the
backward's, from the output when an output form exists (the expressions
actlab's own kernels evaluate), and the Python names of the module."""

from __future__ import annotations

import dataclasses
import keyword
import re

import sympy as sp

from ..activations import Activation, get, names
from ..errors import ActlabError
from ..symbolic import A, FormulaActivation, X, parse, stable
from ..symbolic import _stable as st
from ..symbolic._output_form import kernel_form

#: names the generated code uses besides the parameters
RESERVED = {"x", "a", "grad", "ctx", "inputs", "output", "res", "torch", "jax"}
RESERVED |= {"jnp"}


@dataclasses.dataclass(frozen=True)
class Plan:
    act: Activation
    ident: str
    params: dict[str, float]
    forward: sp.Expr  # in x
    backward: sp.Expr  # g' in a (from the output) or in x
    from_output: bool
    derivative: str = ""  # g'(x) as SymPy writes it, for the docstring

    @property
    def saved(self) -> str | None:
        """What the forward pass keeps: "a", "x", or nothing (g' constant)."""
        variable = A if self.from_output else X
        return variable.name if variable in self.backward.free_symbols else None


def plan(act: Activation, name: str | None) -> Plan:
    if act.vector:
        raise ActlabError(
            f"cannot export {act.spec}: it is not elementwise (it acts along the "
            f"last axis); exportable: {', '.join(_exportable())} or a formula in x"
        )
    params = {k: v for k, v in act.params.items() if isinstance(v, float)}
    for key in params:
        if key in RESERVED or key.startswith("_"):
            raise ActlabError(
                f"cannot export a parameter named {key!r}: the generated module "
                f"uses that name (reserved: {', '.join(sorted(RESERVED))} and "
                "names starting with _); rename it"
            )
    symbols = {k: sp.Symbol(k, real=True) for k in params}
    formula = isinstance(act, FormulaActivation)
    if formula:  # the safe parser, not eval; h as the formula's kernel has it
        g = parse(act.source, list(params))
        h = act._h if act.has_output_form else None
    else:  # the catalog's own SymPy strings
        g = sp.sympify(act.formula, locals={"x": X, **symbols})
        h = None
        if act.has_output_form:
            h = sp.sympify(act.output_formula, locals={"a": A, **symbols})
    ident = _identifier(act, name)
    if h is not None:  # the expressions actlab's own kernels evaluate
        backward = st.for_kernels(kernel_form(h))
        return Plan(act, ident, params, stable(g), backward, True)
    dg = st.differentiate(st.calculus_form(g), X)
    if not formula:  # a formula's derivative has its kink values already
        for kink in act.kinks:  # the documented value where g' jumps
            dg = sp.Piecewise((kink.derivative, sp.Eq(X, kink.at)), (dg, True))
    shown = getattr(act, "derivative_formula", None) or str(sp.diff(g, X))
    return Plan(act, ident, params, stable(g), st.for_kernels(dg), False, shown)


def _exportable() -> list[str]:
    return [n for n in names() if not get(n).vector]


def _identifier(act: Activation, name: str | None) -> str:
    """A Python name: the activation's, or "activation" for an unnamed formula."""
    if name is None:
        unnamed = isinstance(act, FormulaActivation) and act.name == act.source
        name = "activation" if unnamed else act.name
    ident = re.sub(r"\W+", "_", name, flags=re.ASCII).strip("_") or "activation"
    if ident[0].isdigit():
        ident = "g_" + ident
    if keyword.iskeyword(ident) or ident in RESERVED:
        ident += "_"
    return ident


def class_name(ident: str) -> str:
    camel = "".join(p[:1].upper() + p[1:] for p in ident.split("_"))
    return camel if camel != ident else camel + "Function"
