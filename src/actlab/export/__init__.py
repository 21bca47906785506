"""Export an activation to PyTorch or JAX as a self-contained Python module.

``export("logistic", "torch")`` returns the source of a module that defines
the activation as a ``torch.autograd.Function`` (``"jax"``: a
``jax.custom_vjp`` function) whose backward reads only the output ``a`` when
the activation has an output form ``g'(x) = h(a)``, and the input ``x``
otherwise. SymPy's Python code printer writes it, with the framework's
functions (``_printers``), from the expressions actlab's own kernels
evaluate (``_plan``): ``g`` after ``symbolic.stable``, and ``h`` or the
derivative of g's stable form, whose primitives differentiate into stable
primitives (``softplus' = sigmoid``, ``sigmoid'(u) = sigmoid(u)
sigmoid(-u)``), with the kink values actlab documents. ``_modules`` holds
the module templates and the docstring.

>>> source = export("logistic", "torch")
>>> print(source.splitlines()[0])
\"\"\"logistic for PyTorch: an autograd Function whose backward reads only the output.
"""

from __future__ import annotations

from ..activations import get
from ..errors import ActlabError
from ._modules import docstring, jax_module, torch_module
from ._plan import plan as make_plan

__all__ = ["FRAMEWORKS", "export"]

FRAMEWORKS = ("jax", "torch")


def export(act_or_spec, framework: str = "torch", *, name: str | None = None) -> str:
    """The source of a self-contained module defining the activation for
    PyTorch or JAX, with the output-form backward where one exists.

    Parameters
    ----------
    act_or_spec : Activation or str
        An activation, a catalog name or spec (``"elu:alpha=0.5"``) or a
        formula (``"x*sigmoid(beta*x):beta=1.5"``). Vector activations
        (softmax) are refused.
    framework : {"torch", "jax"}, default "torch"
        ``"torch"``: a ``torch.autograd.Function`` subclass and a function;
        ``"jax"``: a function with a ``jax.custom_vjp`` rule.
    name : str, optional
        The Python name of the function (default: the activation's name, or
        ``"activation"`` for a formula; made a valid identifier).

    Returns
    -------
    str
        Python source that imports only the framework. Parameters become
        keyword arguments with the activation's values as defaults (Python
        numbers, not differentiated). The backward saves only the output
        when the activation has an output form, else the input; at a kink it
        returns the derivative value the activation documents.

    Examples
    --------
    >>> "ctx.save_for_backward(output)" in export("tanh")
    True
    >>> "return a, x" in export("silu", "jax")  # no output form: keeps x
    True
    """
    if framework not in FRAMEWORKS:
        raise ActlabError(
            f"unknown framework {framework!r} (choose from {', '.join(FRAMEWORKS)})"
        )
    plan = make_plan(get(act_or_spec), name)
    write = torch_module if framework == "torch" else jax_module
    return write(plan, docstring(plan, framework, name))
