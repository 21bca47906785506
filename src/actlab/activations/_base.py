"""The activation interface every catalog entry and formula activation shares."""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import ActlabError
from . import _numeric as nm

ArrayLike = Any
#: Relative slack for outputs rounded past a bound of the output range.
_SLACK = 2.0**-22
#: Elements per block for large inputs: a kernel's temporaries stay in cache.
_BLOCK = 1 << 16


class OutputFormUnavailable(ActlabError):
    """The derivative is not a function of the output for this activation."""


@dataclass(frozen=True)
class Kink:
    """A point where the activation is not differentiable.

    ``derivative`` is the value actlab returns there (the same in both forms).
    """

    at: float
    derivative: float
    note: str = ""


@dataclass(frozen=True)
class Activation:
    """Base class of all activations: an elementwise function ``g`` and its
    derivatives, from the input ``z`` and, where it exists, from the output
    ``a = g(z)`` (the form backprop prefers: the layer keeps only ``a``).

    Subclasses are frozen dataclasses whose fields are the parameters; they
    implement the private kernels ``_f``, ``_df``, ``_d2f`` and, when the
    derivative is a function of the output, ``_dfa``. Kernels receive float32
    or float64 arrays and return arrays of that dtype.
    """

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    #: SymPy-readable formula in ``x`` and the parameter names: the oracle
    #: for the derivatives and the mpmath reference.
    formula: ClassVar[str] = ""
    latex: ClassVar[str] = ""
    latex_derivative: ClassVar[str] = ""
    latex_output_form: ClassVar[str | None] = None
    #: SymPy-readable output form h(a) with g'(z) = h(g(z)), where one exists.
    output_formula: ClassVar[str | None] = None
    #: "C0" (kinks in f), "C1" (kinks in f'), "C2", or "smooth" (C-infinity).
    smoothness: ClassVar[str] = "smooth"
    #: Vector activations act along the last axis (softmax).
    vector: ClassVar[bool] = False
    #: Compute float32 inputs in float64 and round once: used where a float32
    #: kernel cannot reach the ulp targets (argument rounding, cancellation).
    promote_float32: ClassVar[bool] = False
    #: Whether g has limits at +-inf (the sine has none, and returns NaN).
    has_limits: ClassVar[bool] = True
    #: One line for ``actlab list`` and ``actlab show``.
    summary: ClassVar[str] = ""

    # ----- metadata that may depend on the parameters ---------------------
    @property
    def output_range(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    @property
    def monotonic(self) -> bool:
        return True

    @property
    def kinks(self) -> tuple[Kink, ...]:
        return ()

    def _output_form_refusal(self) -> str | None:
        """Why there is no output form (None when there is one)."""
        if type(self)._dfa is Activation._dfa:
            return "g is not invertible, so g'(z) is not a function of g(z)"
        return None

    @functools.cached_property  # the parameters are frozen: computed once
    def has_output_form(self) -> bool:
        """Whether ``derivative_from_output`` exists for these parameters."""
        return self._output_form_refusal() is None

    @property
    def params(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @functools.cached_property
    def spec(self) -> str:
        """The spec string that rebuilds this activation, defaults omitted."""
        return spec_string(self)

    # ----- the public, pure API -------------------------------------------
    def forward(self, z: ArrayLike) -> np.ndarray:
        """``g(z)``, elementwise (or along the last axis for vector ones)."""
        return self._apply(self._f, z)

    __call__ = forward

    def derivative(self, z: ArrayLike) -> np.ndarray:
        """``g'(z)`` from the input."""
        return self._apply(self._df, z)

    def second_derivative(self, z: ArrayLike) -> np.ndarray:
        """``g''(z)`` from the input."""
        return self._apply(self._d2f, z)

    def derivative_from_output(self, a: ArrayLike) -> np.ndarray:
        """``g'(z)`` computed from the cached output ``a = g(z)`` alone."""
        reason = self._output_form_refusal()
        if reason is not None:
            raise OutputFormUnavailable(
                f"{self.spec} has no derivative from the output: {reason}; "
                "use derivative(z)"
            )
        return self._apply(self._dfa_checked, a)

    def _dfa_checked(self, a):
        """The output form on the output range: a value that ``g`` cannot
        produce (logistic a = 2) gives NaN, quietly, never a made-up slope.
        An output rounded just past a bound (float32 elu at -alpha) is taken
        at the bound."""
        low, high = (a.dtype.type(v) for v in self.output_range)
        beyond = np.zeros(a.shape, dtype=bool)
        if np.isfinite(low):
            beyond |= a < low
        if np.isfinite(high):
            beyond |= a > high
        if not beyond.any():
            return self._dfa(a)
        far = (a < low - abs(low) * _SLACK) | (a > high + abs(high) * _SLACK)
        out = self._dfa(np.clip(a, low, high))
        out[far.any(axis=-1) if self.vector else far] = np.nan
        return out

    def vjp(
        self, grad: ArrayLike, *, z=None, a=None, out=None, check: bool = True
    ) -> np.ndarray:
        """Vector-Jacobian product ``grad * g'``: the one call backprop makes.

        Uses the output ``a`` when it is given and the output form exists,
        otherwise the input ``z``. ``out`` (optional) is an array of the
        result's shape and dtype to write into, for the training hot path (it
        may be ``grad`` itself). ``check=False`` skips testing that ``a`` lies
        in the output range, for outputs this activation computed itself (a
        network's forward pass); a value outside the range then gives an
        unspecified slope instead of NaN.
        """
        if a is not None and self.has_output_form:
            kernel = self._dfa_checked if check else self._dfa
            return self._fused(kernel, grad, a, out)
        if z is None:
            need = "z (no output form)" if a is not None else "z or a"
            raise ValueError(f"{self.spec}.vjp needs {need}")
        return self._fused(self._df, grad, z, out)

    # ----- plumbing ---------------------------------------------------------
    def _work(self, block: np.ndarray) -> np.ndarray:
        """The array a kernel sees: 1-d, float64 where float32 is promoted."""
        if self.promote_float32 and block.dtype == np.float32:
            return block.astype(np.float64)
        return block

    def _apply(self, kernel, x):
        arr, dtype, scalar = nm.as_float_array(x)
        flat = arr.reshape(-1)
        if flat.size <= _BLOCK:
            out = kernel(self._work(flat))
        else:
            out = np.empty(flat.size, dtype=arr.dtype)
            with np.errstate(over="ignore"):  # rounding to float32 may reach inf
                for s in range(0, flat.size, _BLOCK):
                    out[s : s + _BLOCK] = kernel(self._work(flat[s : s + _BLOCK]))
        return nm.finish(out.reshape(arr.shape), dtype, scalar)

    def _fused(self, kernel, grad, x, out=None):
        arr, dtype, _ = nm.as_float_array(x)
        g = nm.as_grad(grad, arr.shape, self)
        rtype = np.result_type(g.dtype, dtype)
        if out is not None and (
            not isinstance(out, np.ndarray)
            or out.shape != arr.shape
            or out.dtype != rtype
        ):
            got = f"{out.shape} and {out.dtype}" if isinstance(out, np.ndarray) else out
            raise ValueError(
                f"vjp out must be an array of shape {arr.shape} and dtype {rtype}, "
                f"got {got}"
            )
        contiguous = g.flags.c_contiguous and (out is None or out.flags.c_contiguous)
        if arr.size <= _BLOCK or not contiguous:
            return np.multiply(g, self._apply(kernel, arr), out=out, dtype=rtype)
        # cache-blocked: each block's derivative is used while it is in cache
        gf, xf = g.reshape(-1), arr.reshape(-1)
        res = np.empty(xf.size, dtype=rtype) if out is None else out.reshape(-1)
        with np.errstate(over="ignore"):
            for s in range(0, xf.size, _BLOCK):
                e = s + _BLOCK
                np.multiply(gf[s:e], kernel(self._work(xf[s:e])), out=res[s:e])
        return res.reshape(arr.shape) if out is None else out

    def _f(self, z):
        raise NotImplementedError

    def _df(self, z):
        raise NotImplementedError

    def _d2f(self, z):
        raise NotImplementedError

    def _dfa(self, a):
        raise NotImplementedError

    def __str__(self) -> str:
        return self.spec


def spec_string(obj) -> str:
    """``name:key=value,...`` for a dataclass with a ``name``, listing only
    the fields that differ from their defaults (activations and losses)."""
    changed = [
        f"{f.name}={_format_value(getattr(obj, f.name))}"
        for f in dataclasses.fields(obj)
        if getattr(obj, f.name) != f.default
    ]
    return obj.name + (":" + ",".join(changed) if changed else "")


def _format_value(v) -> str:
    if isinstance(v, tuple):
        return "[" + ",".join(repr(x) for x in v) + "]"
    return repr(v) if isinstance(v, float) else str(v)
