"""Error in ulps against the exact references, on a dense whole-range grid."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import mpmath
import numpy as np

from ..activations import Activation, get
from . import _reference as ref

#: Targets for forward and derivatives (issue: <= 4 ulp max, <= 1 ulp median).
MAX_ULP = 4.0
MEDIAN_ULP = 1.0
FORMS = ("forward", "derivative", "output form")


@dataclass
class AccuracyRow:
    """One line of the accuracy table.

    ``near_zero`` counts the points within a few ulps of a zero of the
    function (condition number ``|z f'(z) / f(z)| >= 2^(p-4)``, i.e. within
    about 16 ulps of a simple zero), where a relative error is meaningless;
    their worst error is ``near_zero_max_ulp`` and they are left out of
    ``max_ulp`` and ``median_ulp``.
    ``overflow`` counts the points whose exact value is beyond the float range. For the
    output form, ``lossless_below`` is the ``|z|`` below which ``h(g(z))``
    still matches the true ``g'(z)`` to 4 ulps (rounding ``a`` loses the rest),
    and ``loss_at_5`` its worst error in ulps over ``|z| <= 5``.
    """

    activation: str
    dtype: str
    form: str
    points: int
    max_ulp: float
    median_ulp: float
    worst_at: float
    near_zero: int = 0
    near_zero_max_ulp: float = 0.0
    overflow: int = 0
    lossless_below: float | None = None
    loss_at_5: float | None = None
    passed: bool = field(init=False)

    def __post_init__(self):
        self.passed = self.max_ulp <= MAX_ULP and self.median_ulp <= MEDIAN_ULP

    def as_dict(self) -> dict:
        """JSON-ready (strict JSON has no Infinity: an unbounded value is None)."""
        return {
            k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in asdict(self).items()
        }


def grid(dtype) -> np.ndarray:
    """The whole-range test grid: 0, subnormals, +-1, 20, 40, 89, 710, 1e4,
    1e30, the largest float, a geometric sweep of every magnitude and dense
    linear sweeps where the activations bend."""
    fi = np.finfo(dtype)
    sub = float(np.nextafter(dtype(0), dtype(1)))
    special = [0.0, sub, 2 * sub, float(fi.tiny), 1.0, 20.0, 40.0, 89.0, 710.0]
    special += [1e4, 1e30, float(fi.max)]
    top = np.nextafter(np.log2(float(fi.max)), 0)  # log2(max) rounds up to 1024
    mags = np.exp2(np.linspace(np.log2(sub), top, 700))
    lin = np.concatenate([np.linspace(-45, 45, 1201), np.linspace(-800, 800, 161)])
    pos = np.concatenate([special, mags])
    with np.errstate(over="ignore"):
        pts = np.concatenate([pos, -pos, lin]).astype(dtype)
    pts = pts[np.isfinite(pts)]
    return np.unique(pts)


def ulp_errors(computed: np.ndarray, exact: list, dtype):
    """``(errors, overflow)``: |computed - exact| in ulps of the exact value,
    the ulp floored at the smallest normal; ``overflow`` marks exact values
    beyond the float range (error NaN there)."""
    fi = np.finfo(dtype)
    errors = np.empty(len(exact))
    over = np.zeros(len(exact), dtype=bool)
    big, tiny = mpmath.mpf(float(fi.max)), float(fi.tiny)
    for i, (c, e) in enumerate(zip(computed, exact, strict=True)):
        if abs(e) > big:
            over[i], errors[i] = True, np.nan
            continue
        if not np.isfinite(c):
            errors[i] = np.inf
            continue
        _, exponent = math.frexp(float(abs(e)))
        ulp = max(math.ldexp(1.0, exponent - 1 - fi.nmant), tiny)
        errors[i] = float(abs(mpmath.mpf(float(c)) - e)) / ulp
    return errors, over


def _summary(act, dtype, form, z, errors, over, near=None, **extra):
    near = np.zeros(len(z), bool) if near is None else near
    ok = ~over & ~near
    errs = errors[ok]
    worst = int(np.argmax(np.where(ok, errors, -1))) if ok.any() else 0
    nz = errors[near & ~over]
    return AccuracyRow(
        activation=act.spec,
        dtype=np.dtype(dtype).name,
        form=form,
        points=int(ok.sum()),
        max_ulp=float(errs.max()) if errs.size else 0.0,
        median_ulp=float(np.median(errs)) if errs.size else 0.0,
        worst_at=float(z[worst]),
        near_zero=int(near.sum()),
        near_zero_max_ulp=float(nz.max()) if nz.size else 0.0,
        overflow=int(over.sum()),
        **extra,
    )


def _near_zero(z, values, slopes, dtype):
    bits = np.finfo(dtype).nmant + 1
    limit = mpmath.mpf(2) ** (bits - 4)
    tiny = float(np.finfo(dtype).tiny)
    return np.array(
        [
            abs(v) >= tiny and abs(mpmath.mpf(float(x)) * d) >= limit * abs(v)
            for x, v, d in zip(z, values, slopes, strict=True)
        ]
    )


def _scalar_rows(act: Activation, dtype) -> list[AccuracyRow]:
    fns = ref.scalar_functions(act)
    z = grid(dtype)
    exact = {k: [ref.evaluate(fns[k], float(x)) for x in z] for k in ("f", "df")}
    d2 = [ref.evaluate(fns["d2f"], float(x)) for x in z]
    rows = []
    err, over = ulp_errors(act.forward(z), exact["f"], dtype)
    near = _near_zero(z, exact["f"], exact["df"], dtype)
    rows.append(_summary(act, dtype, "forward", z, err, over, near))
    keep = ~np.isin(z, [k.at for k in act.kinks])  # kink values are conventions
    zk = z[keep]
    dfk = [v for v, k in zip(exact["df"], keep, strict=True) if k]
    d2k = [v for v, k in zip(d2, keep, strict=True) if k]
    err, over = ulp_errors(act.derivative(zk), dfk, dtype)
    near = _near_zero(zk, dfk, d2k, dtype)
    rows.append(_summary(act, dtype, "derivative", zk, err, over, near))
    if act.has_output_form:
        rows.append(_output_row(act, dtype, fns, zk, dfk))
    return rows


def _output_row(act, dtype, fns, z, true_df):
    a = act.forward(z)
    finite = np.isfinite(a)
    z, a = z[finite], a[finite]
    true_df = [v for v, k in zip(true_df, finite, strict=True) if k]
    computed = act.derivative_from_output(a)
    exact = [ref.evaluate(fns["h"], float(v)) for v in a]
    slopes = [ref.evaluate(fns["dh"], float(v)) for v in a]
    err, over = ulp_errors(computed, exact, dtype)
    # h has zeros where g saturates (a(1 - a) at a = 1, cos^2 a at pi/2): a
    # rounded onto the bound is within an ulp of one
    near = _near_zero(a, exact, slopes, dtype)
    loss, _ = ulp_errors(computed, true_df, dtype)
    bad = np.abs(z)[~(loss <= MAX_ULP)]
    lossless = float(bad.min()) if bad.size else float("inf")
    small = np.abs(z) <= 5
    worst5 = float(np.nanmax(loss[small])) if small.any() else 0.0
    return _summary(
        act,
        dtype,
        "output form",
        z,
        err,
        over,
        near,
        lossless_below=lossless,
        loss_at_5=worst5,
    )


def _vector_grid(dtype) -> np.ndarray:
    fi = np.finfo(dtype)
    vals = [0.0, 1.0, 2.0, 20.0, 40.0, 89.0, 710.0, 1e4, 1e30, float(fi.max)]
    vals += list(np.linspace(-40, 40, 33)) + [1e-20, 3.3, 0.7, 7.1, 123.456]
    vals = np.unique(np.concatenate([vals, -np.asarray(vals)]))
    with np.errstate(over="ignore"):
        vals = vals.astype(dtype)
    vals = vals[np.isfinite(vals)]
    xs, ys = np.meshgrid(vals, vals)
    return np.stack([xs.ravel(), ys.ravel()], axis=-1)


def _vector_rows(act: Activation, dtype) -> list[AccuracyRow]:
    log = act.name == "log_softmax"
    rows_in = _vector_grid(dtype)
    exact_rows = [ref.softmax_row(r, log=log) for r in rows_in]
    s_exact = exact_rows if not log else [ref.softmax_row(r) for r in rows_in]
    flat_z = rows_in[:, 0]
    out = []
    err, over = ulp_errors(act.forward(rows_in).ravel(), sum(exact_rows, []), dtype)
    out.append(_summary(act, dtype, "forward", np.repeat(flat_z, 2), err, over))
    jac_exact = sum((sum(ref.softmax_jacobian(s, log), []) for s in s_exact), [])
    err, over = ulp_errors(act.derivative(rows_in).ravel(), jac_exact, dtype)
    out.append(_summary(act, dtype, "derivative", np.repeat(flat_z, 4), err, over))
    a = act.forward(rows_in)
    with mpmath.workdps(ref.HIGH_DPS):
        stored = [[mpmath.exp(float(v)) for v in r] for r in a] if log else a.tolist()
    jac_a = sum((sum(ref.softmax_jacobian(s, log), []) for s in stored), [])
    err, over = ulp_errors(act.derivative_from_output(a).ravel(), jac_a, dtype)
    out.append(_summary(act, dtype, "output form", np.repeat(flat_z, 4), err, over))
    return out


def accuracy_table(activation, dtypes=(np.float32, np.float64)) -> list[AccuracyRow]:
    """The accuracy table of one activation (name, spec string or object).

    Parameters
    ----------
    activation : str or Activation
    dtypes : sequence of dtypes, default ``(float32, float64)``

    Returns
    -------
    list of AccuracyRow
        One row per dtype and form (forward, derivative, output form).

    Examples
    --------
    >>> from actlab.accuracy import accuracy_table
    >>> rows = accuracy_table("relu", dtypes=[np.float64])
    >>> [(r.form, r.max_ulp) for r in rows]
    [('forward', 0.0), ('derivative', 0.0), ('output form', 0.0)]
    """
    act = get(activation)
    rows = []
    for dtype in dtypes:
        dtype = np.dtype(dtype).type
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            rows += (_vector_rows if act.vector else _scalar_rows)(act, dtype)
    return rows
