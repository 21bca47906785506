"""Taylor expansions about the zeros of a derivative, where its terms cancel.

Near a zero ``x0`` of ``f'`` the direct formula subtracts two nearly equal
terms and loses relative precision in proportion to ``1 / |x - x0|``. Inside
a window around ``x0`` the kernels use ``sum_k c_k d^k`` instead, with
``d = (x - x0_hi) - x0_lo + x_lo`` exact to an ulp (Sterbenz) and the
coefficients from ``tools/taylor_coefficients.py`` (verified by the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _taylor_data as data


@dataclass(frozen=True)
class TaylorPatch:
    center: tuple[float, float]
    radius: float
    coeffs: tuple[float, ...]

    def patch(self, values, x_hi, x_lo=None, factor=None):
        """``values`` with the entries whose ``x = x_hi + x_lo`` lies in the
        window replaced by ``factor * expansion(x)``."""
        inside = np.abs(x_hi - self.center[0]) < self.radius
        if not inside.any():
            return values
        d = (x_hi[inside] - self.center[0]) - self.center[1]
        if x_lo is not None:
            d = d + x_lo[inside]
        acc = np.full_like(d, self.coeffs[-1])
        for c in self.coeffs[-2::-1]:
            acc = acc * d + c
        out = np.array(values, copy=True)
        out[inside] = acc * d if factor is None else factor[inside] * (acc * d)
        return out


SILU_BRACKET = TaylorPatch(*data.SILU_BRACKET)
GELU_ERF_BRACKET = TaylorPatch(*data.GELU_ERF_BRACKET)
GELU_TANH_BRACKET = TaylorPatch(*data.GELU_TANH_BRACKET)
MISH_DERIVATIVE = TaylorPatch(*data.MISH_DERIVATIVE)
