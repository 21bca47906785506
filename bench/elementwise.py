"""Elementwise speed of the actlab activations against a memory copy.

For every activation, size and dtype this times ``np.copyto`` (the memory
bandwidth reference), actlab's forward and fused backward (``vjp``), the
naive NumPy formula, ``scipy.special`` where it has the function, and
PyTorch on the CPU when it is installed. Everything runs on one thread.

    python bench/elementwise.py                 # all activations, 1e6 and 1e7
    python bench/elementwise.py --quick         # 1e5 elements, 2 repeats
    python bench/elementwise.py --activations logistic,tanh --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time

import numpy as np
import scipy
import scipy.special as sp

import actlab

SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772
ROW = 10  # vector activations act on rows of this length

# The textbook formulas, as one would first type them: they overflow by design.
NAIVE_FORWARD = {
    "arctan": np.arctan,
    "celu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "exponential": np.exp,
    "gelu": lambda z: 0.5 * z * (1 + sp.erf(z / np.sqrt(2))),
    "hard_sigmoid": lambda z: np.clip(z + 3, 0, 6) / 6,
    "hard_swish": lambda z: z * np.clip(z + 3, 0, 6) / 6,
    "hard_tanh": lambda z: np.clip(z, -1, 1),
    "identity": lambda z: z.copy(),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "log_sigmoid": lambda z: -np.log(1 + np.exp(-z)),
    "log_softmax": lambda z: z - np.log(np.exp(z).sum(-1, keepdims=True)),
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "mish": lambda z: z * np.tanh(np.log(1 + np.exp(z))),
    "polynomial": lambda z: z + 0.5 * z**2,
    "relu": lambda z: np.maximum(z, 0),
    "relu6": lambda z: np.clip(z, 0, 6),
    "selu": lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * (np.exp(z) - 1)),
    "silu": lambda z: z / (1 + np.exp(-z)),
    "sin": np.sin,
    "softmax": lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True),
    "softplus": lambda z: np.log(1 + np.exp(z)),
    "softsign": lambda z: z / (1 + np.abs(z)),
    "tanh": lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
}

# grad * g'(z) written from the output a = g(z), where that form exists.
NAIVE_BACKWARD = {
    "arctan": lambda g, a: g * np.cos(a) ** 2,
    "celu": lambda g, a: g * np.where(a > 0, 1, a + 1),
    "elu": lambda g, a: g * np.where(a > 0, 1, a + 1),
    "exponential": lambda g, a: g * a,
    "hard_sigmoid": lambda g, a: g * ((a > 0) & (a < 1)) / 6,
    "hard_tanh": lambda g, a: g * ((a > -1) & (a < 1)),
    "identity": lambda g, a: g.copy(),
    "leaky_relu": lambda g, a: g * np.where(a > 0, 1, 0.01),
    "log_sigmoid": lambda g, a: g * (1 - np.exp(a)),
    "log_softmax": lambda g, a: g - np.exp(a) * g.sum(-1, keepdims=True),
    "logistic": lambda g, a: g * a * (1 - a),
    "relu": lambda g, a: g * (a > 0),
    "relu6": lambda g, a: g * ((a > 0) & (a < 6)),
    "selu": lambda g, a: g * np.where(a > 0, SELU_SCALE, a + SELU_SCALE * SELU_ALPHA),
    "softmax": lambda g, a: a * (g - (g * a).sum(-1, keepdims=True)),
    "softplus": lambda g, a: g * (1 - np.exp(-a)),
    "softsign": lambda g, a: g * (1 - np.abs(a)) ** 2,
    "tanh": lambda g, a: g * (1 - a**2),
}

SCIPY_FORWARD = {
    "logistic": sp.expit,
    "log_sigmoid": sp.log_expit,
    "softmax": lambda z: sp.softmax(z, axis=-1),
    "log_softmax": lambda z: sp.log_softmax(z, axis=-1),
}


def torch_forward():
    """Name -> PyTorch forward on a NumPy array, or None without torch."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    torch.set_num_threads(1)
    ops = {
        "arctan": torch.atan,
        "celu": F.celu,
        "elu": F.elu,
        "exponential": torch.exp,
        "gelu": F.gelu,
        "hard_sigmoid": F.hardsigmoid,
        "hard_swish": F.hardswish,
        "hard_tanh": F.hardtanh,
        "identity": torch.clone,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
        "log_sigmoid": F.logsigmoid,
        "log_softmax": lambda t: F.log_softmax(t, dim=-1),
        "logistic": torch.sigmoid,
        "mish": F.mish,
        "relu": F.relu,
        "relu6": F.relu6,
        "selu": F.selu,
        "silu": F.silu,
        "sin": torch.sin,
        "softmax": lambda t: F.softmax(t, dim=-1),
        "softplus": F.softplus,
        "softsign": F.softsign,
        "tanh": torch.tanh,
    }
    forward = {name: _on_tensor(torch, op) for name, op in ops.items()}
    # PyTorch's own fused backward kernels, from the output where it has one
    aten = torch.ops.aten
    backward = {
        "logistic": aten.sigmoid_backward,
        "tanh": aten.tanh_backward,
        "relu": lambda g, a: aten.threshold_backward(g, a, 0),
    }
    forward.update(
        {
            f"{name} backward": lambda g, a, op=op: op(
                torch.from_numpy(g), torch.from_numpy(a)
            )
            for name, op in backward.items()
        }
    )
    return forward


def _on_tensor(torch, op):
    # from_numpy shares the memory, so only the op itself is timed
    return lambda z: op(torch.from_numpy(z))


def best_time(fn, repeat):
    """Shortest wall time of ``repeat`` calls of ``fn``, after one warm-up."""
    fn()
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def quiet(fn):
    """``fn`` with floating-point warnings off (for the naive formulas)."""

    def run(*args):
        with np.errstate(all="ignore"):
            return fn(*args)

    return run


def inputs(size, dtype, vector):
    rng = np.random.default_rng(0)
    z = (3 * rng.standard_normal(size)).astype(dtype)
    grad = rng.standard_normal(size).astype(dtype)
    if vector:
        n = size - size % ROW
        z, grad = z[:n].reshape(-1, ROW), grad[:n].reshape(-1, ROW)
    return z, grad


def bench_one(name, size, dtype, repeat, torch_ops):
    """``(n, {op: best seconds})`` for one activation at one size and dtype."""
    act = actlab.get(name)
    z, grad = inputs(size, dtype, act.vector)
    a = act.forward(z)
    dst = np.empty_like(z)
    buf = np.empty_like(z)
    ops = {"copy": lambda: np.copyto(dst, z), "forward": lambda: act.forward(z)}
    if act.has_output_form:
        ops["backward(a)"] = lambda: act.vjp(grad, a=a)
        ops["backward(a) into out"] = lambda: act.vjp(grad, a=a, out=buf)
    else:
        ops["backward(z)"] = lambda: act.vjp(grad, z=z)
        ops["backward(z) into out"] = lambda: act.vjp(grad, z=z, out=buf)
    if name in NAIVE_FORWARD:
        naive = quiet(NAIVE_FORWARD[name])
        ops["naive forward"] = lambda: naive(z)
    if name in NAIVE_BACKWARD:
        naive_bwd = quiet(NAIVE_BACKWARD[name])
        ops["naive backward(a)"] = lambda: naive_bwd(grad, a)
    if name in SCIPY_FORWARD:
        ops["scipy forward"] = lambda: SCIPY_FORWARD[name](z)
    if torch_ops and name in torch_ops:
        ops["torch forward"] = lambda: torch_ops[name](z)
    if torch_ops and f"{name} backward" in torch_ops:
        ops["torch backward(a)"] = lambda: torch_ops[f"{name} backward"](grad, a)
    return z.size, {op: best_time(fn, repeat) for op, fn in ops.items()}


TITLES = ("fwd ns", "fwd xcp", "naive ns", "act/naive", "bwd", "bwd ns", "bwd xcp")
TITLES += ("out xcp", "nbwd ns", "scipy ns", "torch ns", "tbwd ns")


def table_line(name, cells):
    return f"{name:<13}" + "".join(f"{c:>10}" for c in cells)


def table_row(name, times, n):
    def ns(op):
        return f"{times[op] / n * 1e9:.2f}" if op in times else "-"

    def ratio(top, bottom):
        ok = top in times and bottom in times
        return f"{times[top] / times[bottom]:.2f}" if ok else "-"

    bwd = "backward(a)" if "backward(a)" in times else "backward(z)"
    fwd = [ns("forward"), ratio("copy", "forward"), ns("naive forward")]
    fwd.append(ratio("forward", "naive forward"))
    back = [bwd[-2], ns(bwd), ratio("copy", bwd), ratio("copy", f"{bwd} into out")]
    back.append(ns("naive backward(a)"))
    others = [ns("scipy forward"), ns("torch forward"), ns("torch backward(a)")]
    return table_line(name, fwd + back + others)


def header(torch_ops):
    torch_line = "torch: not installed"
    if torch_ops is not None:
        import torch

        torch_line = f"torch {torch.__version__} (CPU, set_num_threads(1))"
    return "\n".join(
        [
            f"actlab {actlab.__version__}, numpy {np.__version__}, "
            f"scipy {scipy.__version__}, python {platform.python_version()}",
            f"{platform.machine()} {platform.processor() or platform.system()}; "
            f"{torch_line}",
            "Single threaded: NumPy ufuncs run on one thread for elementwise work.",
            "ns = ns/element (best of repeats); xcp = copy time / op time (higher is "
            "better, 1.0 = as fast as np.copyto);",
            "act/naive = actlab time / naive time (below 1 = actlab faster); bwd a/z = "
            "vjp from the output / the input.",
        ]
    )


def json_rows(name, dtype, n, times):
    keys = ("activation", "dtype", "size", "op", "ns_per_element", "of_copy")
    values = [
        (name, dtype, n, op, t / n * 1e9, times["copy"] / t) for op, t in times.items()
    ]
    return [dict(zip(keys, v, strict=True)) for v in values]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--activations",
        default=",".join(actlab.names()),
        help="comma-separated names (default: all)",
    )
    p.add_argument("--sizes", default="1e6,1e7", help="element counts, e.g. 1e6,1e7")
    p.add_argument("--dtypes", default="float32,float64")
    p.add_argument("--repeat", type=int, default=5, help="timed runs; best is kept")
    p.add_argument("--quick", action="store_true", help="1e5 elements, 2 repeats")
    p.add_argument("--json", metavar="FILE", help="also write every row as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = "1e5", 2
    return args


def main(argv=None):
    args = parse_args(argv)
    names = [actlab.get(n).spec for n in args.activations.split(",") if n]
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    dtypes = [np.dtype(d) for d in args.dtypes.split(",")]
    torch_ops = torch_forward()
    print(header(torch_ops))
    rows = []
    for dtype in dtypes:
        for size in sizes:
            print(f"\n{dtype}, {size:,} elements")
            print(table_line("activation", TITLES))
            for name in names:
                n, times = bench_one(name, size, dtype, args.repeat, torch_ops)
                print(table_row(name, times, n), flush=True)
                rows += json_rows(name, str(dtype), n, times)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return rows


if __name__ == "__main__":
    main()
