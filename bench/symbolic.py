"""Formula activations: how long a formula takes to become an activation, how
fast its generated kernels run against the hand-written built-ins, and how
accurate they are beside them.

Three tables:

- derive: ``actlab.symbolic.define`` on a cold cache (parse, SymPy
  derivatives of the stable form, output-form search, kernels, their
  checks), then the range, kinks and monotonicity for the parameters;
- speed: forward, derivative from the input and from the output, generated
  time / built-in time, on one thread;
- ulp: the max ulp error of each form over the accuracy harness's whole-range
  grid (``actlab.accuracy.accuracy_table``, 50-digit mpmath references).

    python bench/symbolic.py                      # all three, 1e6 elements
    python bench/symbolic.py --quick     # 1e5 elements, 2 repeats, float64 ulps
    python bench/symbolic.py --tables derive,speed --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time

import numpy as np
import scipy
import sympy

import actlab
from actlab import accuracy, symbolic
from actlab.symbolic import _activation

#: (label, formula, parameters): the issue's formulas and a few more
FORMULAS = [
    ("logistic", "1/(1+exp(-x))", {}),
    ("tanh", "tanh(x)", {}),
    ("softplus", "log(1+exp(x))", {}),
    ("silu", "x*sigmoid(x)", {}),
    ("mish", "x*tanh(softplus(x))", {}),
    ("gelu", "x*(1+erf(x/sqrt(2)))/2", {}),
    ("elu-like", "where(x>0, x, exp(x)-1)", {}),
    ("swish beta=1.5", "x*sigmoid(beta*x)", {"beta": 1.5}),
    ("softplus/(1+x^2)", "log(1+exp(x))/(1+x**2)", {}),
    ("softsign", "x/(1+abs(x))", {}),
    ("exp", "exp(x)", {}),
    ("sin+x", "sin(x)+x", {}),
]
#: built-in name -> the formula that should reproduce it
PAIRS = {label: formula for label, formula, _ in FORMULAS[:6]}


def best_time(fn, repeat):
    """Shortest wall time of ``repeat`` calls of ``fn``, after one warm-up."""
    fn()
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def derive_rows(formulas, repeat):
    rows = []
    for label, formula, params in formulas:
        times, analysis = [], []
        for _ in range(repeat):
            _activation._formula_class.cache_clear()
            start = time.perf_counter()
            act = symbolic.define(formula, **params)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            _ = act.output_range, act.kinks, act.monotonic, act.has_output_form
            analysis.append(time.perf_counter() - start)
        rows.append(
            {
                "table": "derive",
                "activation": label,
                "formula": formula,
                "define_s": min(times),
                "analysis_s": min(analysis),
                "output_form": act.output_formula if act.has_output_form else None,
                "kinks": [[k.at, k.derivative] for k in act.kinks],
                "smoothness": act.smoothness,
            }
        )
    return rows


def print_derive(rows):
    print(
        "\nderive: define() on a cold cache, then range/kinks/monotonic (best of runs)"
    )
    head = f"{'activation':<18}{'define ms':>10}{'+shape ms':>10}  output form / kinks"
    print(head)
    print("-" * len(head))
    for r in rows:
        form = r["output_form"] or "none"
        kinks = "; ".join(f"g'({at:g}) = {d:g}" for at, d in r["kinks"])
        extra = f"{form}" + (f"  [kinks: {kinks}]" if kinks else "")
        print(
            f"{r['activation']:<18}{1e3 * r['define_s']:>10.1f}"
            f"{1e3 * r['analysis_s']:>10.1f}  {extra}"
        )


def speed_rows(names, size, dtype, repeat):
    rng = np.random.default_rng(0)
    z = (3 * rng.standard_normal(size)).astype(dtype)
    rows = []
    for name in names:
        ref, gen = actlab.get(name), symbolic.define(PAIRS[name])
        a = ref.forward(z)
        ops = {"forward": ("forward", z), "derivative(z)": ("derivative", z)}
        if ref.has_output_form and gen.has_output_form:
            ops["derivative(a)"] = ("derivative_from_output", a)
        for op, (method, arg) in ops.items():
            # interleaved, best of each: the two see the same machine load
            f_ref, f_gen = getattr(ref, method), getattr(gen, method)
            t_ref, t_gen = math.inf, math.inf
            for _ in range(repeat):
                t_ref = min(t_ref, best_time(lambda f=f_ref, x=arg: f(x), 1))
                t_gen = min(t_gen, best_time(lambda f=f_gen, x=arg: f(x), 1))
            rows.append(
                {
                    "table": "speed",
                    "activation": name,
                    "dtype": np.dtype(dtype).name,
                    "size": size,
                    "op": op,
                    "builtin_ns": t_ref / size * 1e9,
                    "generated_ns": t_gen / size * 1e9,
                    "ratio": t_gen / t_ref,
                }
            )
    return rows


def print_speed(rows):
    for dtype in dict.fromkeys(r["dtype"] for r in rows):
        part = [r for r in rows if r["dtype"] == dtype]
        print(
            f"\nspeed: {dtype}, {part[0]['size']:,} elements, ns/element; "
            "gen/bi = generated / built-in (target <= 1.5)"
        )
        cells = ("forward", "derivative(z)", "derivative(a)")
        head = f"{'activation':<11}" + "".join(
            f"{c + ' bi':>17}{'gen':>7}{'gen/bi':>7}" for c in cells
        )
        print(head)
        print("-" * len(head))
        for name in dict.fromkeys(r["activation"] for r in part):
            line = f"{name:<11}"
            for c in cells:
                r = next(
                    (r for r in part if r["activation"] == name and r["op"] == c), None
                )
                if r is None:
                    line += f"{'-':>17}{'-':>7}{'-':>7}"
                else:
                    line += (
                        f"{r['builtin_ns']:>17.2f}{r['generated_ns']:>7.2f}"
                        f"{r['ratio']:>7.2f}"
                    )
            print(line)


def ulp_rows(names, dtypes):
    rows = []
    for name in names:
        ref, gen = actlab.get(name), symbolic.define(PAIRS[name])
        tables = {
            "builtin": accuracy.accuracy_table(ref, dtypes),
            "generated": accuracy.accuracy_table(gen, dtypes),
        }
        for r in tables["generated"]:
            b = next(
                (
                    x
                    for x in tables["builtin"]
                    if (x.dtype, x.form) == (r.dtype, r.form)
                ),
                None,
            )
            rows.append(
                {
                    "table": "ulp",
                    "activation": name,
                    "dtype": r.dtype,
                    "form": r.form,
                    "builtin_max_ulp": None if b is None else b.max_ulp,
                    "builtin_worst_at": None if b is None else b.worst_at,
                    "generated_max_ulp": r.max_ulp,
                    "generated_worst_at": r.worst_at,
                    "generated_median_ulp": r.median_ulp,
                }
            )
    return rows


def print_ulps(rows):
    print(
        "\nulp: max error over the accuracy grid (whole float range), against "
        "50-digit mpmath; target <= 4"
    )
    head = (
        f"{'activation':<11}{'dtype':<9}{'form':<12}{'built-in':>9}{'at z':>11}"
        f"{'generated':>10}{'at z':>11}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        bi = "-" if r["builtin_max_ulp"] is None else f"{r['builtin_max_ulp']:.2f}"
        bat = "-" if r["builtin_worst_at"] is None else f"{r['builtin_worst_at']:.4g}"
        print(
            f"{r['activation']:<11}{r['dtype']:<9}{r['form']:<12}{bi:>9}{bat:>11}"
            f"{r['generated_max_ulp']:>10.2f}{r['generated_worst_at']:>11.4g}"
        )


def header():
    return (
        f"actlab {actlab.__version__}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, sympy {sympy.__version__}, python "
        f"{platform.python_version()}\n{platform.machine()} "
        f"{platform.processor() or platform.system()}; NumPy ufuncs on one thread"
    )


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tables", default="derive,speed,ulp", help="which tables")
    p.add_argument(
        "--activations",
        default=",".join(PAIRS),
        help="built-ins for the speed and ulp tables (default: "
        + ",".join(PAIRS)
        + ")",
    )
    p.add_argument("--size", default="1e6", help="elements for the speed table")
    p.add_argument("--dtypes", default="float64,float32")
    p.add_argument("--repeat", type=int, default=5, help="timed runs; best is kept")
    p.add_argument("--quick", action="store_true", help="1e5 elements, 2 repeats")
    p.add_argument("--json", metavar="FILE", help="also write every row as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.size, args.repeat = "1e5", 2
    return args


def main(argv=None):
    args = parse_args(argv)
    tables = set(args.tables.split(","))
    names = [n for n in args.activations.split(",") if n]
    unknown = [n for n in names if n not in PAIRS]
    if unknown:
        raise SystemExit(
            f"--activations: {', '.join(unknown)}; known: {', '.join(PAIRS)}"
        )
    dtypes = [np.dtype(d).type for d in args.dtypes.split(",")]
    print(header())
    rows = []
    if "derive" in tables:
        part = derive_rows(FORMULAS, max(1, min(args.repeat, 3)))
        print_derive(part)
        rows += part
    if "speed" in tables:
        part = []
        for dtype in dtypes:
            part += speed_rows(names, int(float(args.size)), dtype, args.repeat)
        print_speed(part)
        rows += part
    if "ulp" in tables:
        part = ulp_rows(names, [np.float64] if args.quick else dtypes)
        print_ulps(part)
        rows += part
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return rows


if __name__ == "__main__":
    main()
