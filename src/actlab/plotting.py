"""Figure 1 of the seed post: activation functions and their derivatives.

Matplotlib is imported lazily, inside the functions, so ``import actlab`` does
not pay for it. The figures are built on ``matplotlib.figure.Figure`` without
pyplot, so they work headless and never touch a global figure state.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .activations import Activation, get
from .errors import ActlabError

__all__ = ["plot_activations", "save_figure"]

# The seed's colours belong to the seed's three activations; the others take
# tab10 without its own red/blue/green, in order.
_SEED_COLORS = {"identity": "red", "logistic": "blue", "tanh": "green"}
_PALETTE = tuple(
    f"tab:{c}" for c in ("orange", "purple", "brown", "pink", "gray", "olive", "cyan")
)
_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def plot_activations(
    activations: Sequence[str | Activation] = ("identity", "logistic", "tanh"),
    *,
    z_range: tuple[float, float] = (-5.0, 5.0),
    output_form: bool = False,
    ax: Sequence[Any] | None = None,
    n: int = 801,
    colors: Sequence[Any] | None = None,
) -> tuple[Any, Any]:
    """Draw activation functions (left panel) and their derivatives (right).

    Vector activations (softmax, log_softmax) are drawn in the two-class case:
    the first component of ``g([z, 0])`` and the diagonal Jacobian entry
    ``d g_0 / d z_0``.

    Parameters
    ----------
    activations : sequence of str or Activation, default identity, logistic, tanh
        Names, spec strings (``"elu:alpha=0.5"``) or activations; the legend
        label is each one's ``spec``.
    z_range : (float, float), default (-5.0, 5.0)
        The interval of ``z``; finite, low < high.
    output_form : bool, default False
        Overlay on the right panel, dashed, the derivative computed from the
        output, ``derivative_from_output(forward(z))``, for the activations
        that have one (the others are drawn without it).
    ax : sequence of two matplotlib Axes, optional
        Where to draw; by default a new figure of size (10, 4) is created.
    n : int, default 801
        Number of points of ``z``, at least 2.
    colors : sequence of matplotlib colours, optional
        One per activation, reused cyclically; by default red, blue, green
        and then the rest of matplotlib's tab10 cycle.

    Returns
    -------
    axes : tuple of two matplotlib Axes
        The functions' panel and the derivatives' panel; ``axes[0].figure``
        is the figure.

    Examples
    --------
    >>> from actlab.plotting import plot_activations, save_figure
    >>> left, right = plot_activations(["logistic", "tanh"], output_form=True)
    >>> len(left.lines), len(right.lines)
    (2, 4)
    >>> save_figure(left.figure, "figure1.png")  # doctest: +SKIP
    """
    low, high = _check_range(z_range)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ActlabError(f"n must be an integer of at least 2, got {n!r}")
    if isinstance(activations, (str, Activation)):
        activations = [activations]
    acts = [get(a) for a in activations]
    if not acts:
        raise ActlabError("no activations to plot: give at least one name")
    if isinstance(colors, str):
        colors = [colors]
    if colors is not None and not tuple(colors):
        raise ActlabError("colors is empty: give at least one colour")
    axes = _two_axes(ax)
    left, right = axes

    z = np.linspace(low, high, n)
    for act, color in zip(acts, _colors(acts, colors), strict=True):
        style = {"color": color, "label": act.spec}
        a, da, da_out = _curves(act, z, output_form and act.has_output_form)
        left.plot(z, a, **style)
        right.plot(z, da, **style)
        if da_out is not None:
            style["label"] = f"{act.spec} (from output)"
            right.plot(z, da_out, linestyle="--", **style)

    left.set_title("Activation functions g(z)")
    right.set_title("Derivatives g'(z)")
    for panel, ylabel in ((left, "g(z)"), (right, "g'(z)")):
        panel.set_xlabel("z")
        panel.set_ylabel(ylabel)
        panel.set_xlim(low, high)
        panel.grid(True, alpha=0.3)
        panel.legend()
    return axes


def save_figure(fig: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``fig`` as PNG, SVG or PDF, chosen by the file extension.

    Parameters
    ----------
    fig : matplotlib Figure
        The figure, e.g. ``plot_activations()[0].figure``.
    path : str or path-like
        The file to write; the extension (any case) picks the format, and
        missing parent directories are created.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Examples
    --------
    >>> from actlab.plotting import plot_activations, save_figure
    >>> save_figure(plot_activations()[0].figure, "out/fig1.svg")  # doctest: +SKIP
    PosixPath('out/fig1.svg')
    """
    path = Path(path)
    fmt = figure_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt)
    return path


def figure_format(path) -> str:
    """The format a figure path asks for, or a one-line error."""
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ActlabError(
            f"unsupported figure format '{path.suffix}' (use .png, .svg or .pdf)"
        )
    return fmt


def _check_range(z_range) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in z_range)
    except (TypeError, ValueError):
        raise ActlabError(
            f"z_range must be two numbers (low, high), got {z_range!r}"
        ) from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ActlabError(f"z_range must be finite, got {z_range!r}")
    if max(abs(low), abs(high)) > 1e300:  # matplotlib cannot lay out wider axes
        raise ActlabError(f"z_range must lie within [-1e300, 1e300], got {z_range!r}")
    if not low < high:
        raise ActlabError(f"z_range must have low < high, got {z_range!r}")
    return low, high


def _two_axes(ax):
    if ax is None:
        from matplotlib.figure import Figure

        return tuple(Figure(figsize=(10, 4), layout="constrained").subplots(1, 2))
    axes = tuple(ax) if isinstance(ax, Sequence | np.ndarray) else (ax,)
    if len(axes) != 2:
        raise ActlabError(f"ax must be two Axes (functions, derivatives), got {ax!r}")
    return axes


def _colors(acts, colors):
    """The given colours in turn, or the seed's colour for the seed's three
    activations (with default parameters) and the palette for the rest."""
    if colors is not None:
        colors = tuple(colors)
        return [colors[i % len(colors)] for i in range(len(acts))]
    others = iter(_PALETTE * (len(acts) // len(_PALETTE) + 1))
    return [_SEED_COLORS.get(act.spec) or next(others) for act in acts]


def _finite(y):
    """Values beyond the float range are not drawn (matplotlib cannot scale inf)."""
    return None if y is None else np.where(np.isfinite(y), y, np.nan)


def _curves(act: Activation, z: np.ndarray, from_output: bool):
    """``g(z)``, ``g'(z)`` and (if asked) ``g'`` from the output, as curves.

    Vector activations are evaluated on the rows ``[z, 0]`` and give the first
    component and the diagonal Jacobian entry ``d g_0 / d z_0``.
    """
    x = np.stack([z, np.zeros_like(z)], axis=-1) if act.vector else z
    a, da = act.forward(x), act.derivative(x)
    da_out = act.derivative_from_output(a) if from_output else None
    if act.vector:
        a, da = a[:, 0], da[:, 0, 0]
        da_out = None if da_out is None else da_out[:, 0, 0]
    return _finite(a), _finite(da), _finite(da_out)
