"""Array handling and the error-free transformations the stable kernels use.

The kernels here take float32 or float64 arrays and return arrays of the same
dtype. Double-double helpers (Dekker, Knuth) let a kernel carry the rounding
error of an argument such as ``beta * z`` or ``z / sqrt(2)`` into the
exponential, whose condition number ``|x|`` would otherwise turn half an ulp
of the argument into hundreds of ulps of the result.
"""

from __future__ import annotations

import numpy as np
import scipy.special as sc

_SPLITTER = {np.dtype(np.float64): 134217729.0, np.dtype(np.float32): 4097.0}


def as_float_array(x) -> tuple[np.ndarray, np.dtype, bool]:
    """Return ``(array, dtype, was_scalar)`` for any array-like input.

    Floating inputs keep their dtype (float16 is computed as float32);
    integers, booleans and Python numbers become float64.
    """
    arr = np.asarray(x)
    if arr.dtype.kind == "c":
        raise TypeError("activations take real input, got complex values")
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"activations take numeric input, got dtype {arr.dtype}")
    if arr.dtype.kind == "f" and arr.dtype.itemsize > 8:
        raise TypeError(f"activations compute in float32 or float64, got {arr.dtype}")
    dtype = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
    work = np.float32 if dtype == np.float16 else dtype
    return arr.astype(work, copy=False), dtype, arr.ndim == 0


def as_grad(grad, shape, who) -> np.ndarray:
    """The upstream gradient of a vjp: real, and shaped like the input
    (``who``, the activation, names itself in the errors)."""
    g = np.asarray(grad)
    if g.dtype.kind not in "fiub":
        raise TypeError(f"{who}.vjp grad must be real numbers, got dtype {g.dtype}")
    if g.shape != shape:
        raise ValueError(f"{who}.vjp grad has shape {g.shape}, expected {shape}")
    return g


def finish(out: np.ndarray, dtype: np.dtype, scalar: bool):
    """Cast ``out`` back to the caller's dtype; 0-d results become scalars."""
    # a float64 result beyond the float32 range rounds to inf: that is the
    # correctly rounded value, not an error
    with np.errstate(over="ignore"):
        out = np.asarray(out).astype(dtype, copy=False)
    return out[()] if scalar else out


def propagate_nan(out: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Copy the NaNs of ``z`` into ``out`` (for kernels built from comparisons)."""
    nan = np.isnan(z)
    if nan.any():
        out = np.array(out, copy=True)
        out[nan] = np.nan
    return out


def step(z: np.ndarray, low, high=None, inside=1.0, outside=0.0) -> np.ndarray:
    """``inside`` where ``low < z < high`` (``high=None``: no upper bound),
    ``outside`` elsewhere; NaN kept. (Comparisons and a cast: ``np.heaviside``
    would keep NaN by itself but runs ~10x slower.)"""
    mask = z > low
    if high is not None:
        mask &= z < high
    out = mask.astype(z.dtype)
    if not (inside == 1 and outside == 0):
        out *= z.dtype.type(inside - outside)
        out += z.dtype.type(outside)
    return propagate_nan(out, z)


def zeros_like(z: np.ndarray) -> np.ndarray:
    """Zeros shaped like ``z`` with its NaNs kept (for constant derivatives)."""
    return propagate_nan(np.zeros_like(z), z)


def two_sum(a, b):
    """Knuth's TwoSum: ``s + e == a + b`` exactly."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def split(a):
    """Veltkamp's split of ``a`` into a high half and the exact remainder.

    Valid for ``|a|`` well below the overflow threshold divided by the splitter;
    callers clip their inputs to the range where the result still matters.
    """
    c = _SPLITTER[a.dtype] * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """Dekker's TwoProduct: ``p + e == a * b`` exactly (no FMA in NumPy)."""
    p = a * b
    ah, al = split(a)
    bh, bl = split(np.asarray(b, dtype=a.dtype) + np.zeros_like(a))
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def dd_mul_const(z, c_hi: float, c_lo: float):
    """``z * (c_hi + c_lo)`` as a double-double ``(hi, lo)``."""
    p, e = two_prod(z, np.asarray(c_hi, z.dtype))
    return p, e + z * z.dtype.type(c_lo)


def expit(x):
    """The logistic function, without overflow (SciPy's ufunc)."""
    return sc.expit(x)


def expit_dd(hi, lo):
    """``expit(hi + lo)`` to first order in ``lo``: s(hi) (1 + lo (1 - s(hi)));
    ``lo=None`` means an exact argument."""
    s = sc.expit(hi)
    return s if lo is None else s + s * (lo * sc.expit(-hi))


def scaled(z, beta: float):
    """``beta * z`` as ``(hi, lo)``; ``lo`` is None when ``beta == 1``."""
    if beta == 1:
        return z, None
    return two_prod(z, np.asarray(beta, z.dtype))


def replace_where(out, mask, fn, *arrays):
    """``out`` with ``fn(*arrays[mask])`` in the masked entries: a branch
    that only a few entries need is computed only for them."""
    if not mask.any():
        return out
    out = np.array(out, copy=True)
    out[mask] = fn(*(a[mask] for a in arrays))
    return out


def exp_neg_half_square(z):
    """``exp(-z**2 / 2)`` without the rounding error of ``z**2``.

    ``z`` is split so that ``hi**2`` is exact; the small remainder goes into a
    second factor. Inputs beyond 40 underflow either way and are clipped first.
    """
    zc = np.clip(z, -40.0, 40.0)
    hi, lo = split(zc)
    return np.exp(-0.5 * (hi * hi)) * np.exp(-(hi * lo + 0.5 * (lo * lo)))


_SHIFT = 128.0
_EXP_MINUS_SHIFT = 2.572209372642415e-56  # e^-128, correctly rounded


def exp_times(x, factor):
    """``factor * e^x`` without the precision loss of a subnormal ``e^x``.

    Deep in the left tail ``e^x`` is subnormal (few significant bits) while
    the product with ``factor`` (``z`` in ``z e^z``) is normal again; the
    exponent is shifted by 128, exactly, for ``x < -600``.
    """
    deep = x < -600
    shifted = np.where(deep, x + _SHIFT, np.minimum(x, 0))
    scale = np.where(deep, _EXP_MINUS_SHIFT, 1.0).astype(x.dtype)
    return (factor * scale) * np.exp(shifted)
