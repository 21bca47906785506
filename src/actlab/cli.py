"""The ``actlab`` command line: thin wrappers around the library.

Exit codes: 0 success, 1 a check that found its targets missed, 2 bad usage
or bad input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import signal
import sys
from pathlib import Path

import numpy as np

from . import activations
from ._properties import properties
from ._version import __version__
from .activations._describe import catalog, describe, sample_values
from .errors import ActlabError

_DTYPES = {
    "float32": [np.float32],
    "float64": [np.float64],
    "both": [np.float32, np.float64],
}


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "-1e1" is a number, not an option (argparse only knows -1 and -1.5)
        self._negative_number_matcher = re.compile(
            r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
        )

    def error(self, message):  # one line, exit 2 (argparse prints usage too)
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _json(data) -> str:
    """Strict JSON: non-finite floats become the strings "inf", "-inf", "nan"."""

    def clean(x):
        if isinstance(x, float) and not np.isfinite(x):
            return "nan" if np.isnan(x) else ("inf" if x > 0 else "-inf")
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(data), indent=2, allow_nan=False)


def _names_help() -> str:
    return "activations: " + ", ".join(activations.names())


def _cmd_list(args) -> int:
    rows = catalog()
    if args.json:
        print(_json(rows))
        return 0
    head = f"{'name':<13} {'parameters':<26} {'range':<22} {'mono':<5} {'smooth':<7} "
    head += f"{'output form':<12} kinks"
    print(head)
    print("-" * len(head))
    for r in rows:
        params = (
            ", ".join(f"{k}={_short(v)}" for k, v in r["parameters"].items()) or "-"
        )
        rng = f"({r['range'][0]}, {r['range'][1]})"
        kinks = (
            ", ".join(f"{k['at']:g} (g'={k['derivative']:g})" for k in r["kinks"])
            or "-"
        )
        form = ("yes" if r["output_form"] else "no") + (
            " (vector)" if r["vector"] else ""
        )
        print(
            f"{r['name']:<13} {params:<26} {rng:<22} "
            f"{'yes' if r['monotonic'] else 'no':<5} "
            f"{r['smoothness']:<7} {form:<12} {kinks}"
        )
    print(
        f"\n{len(rows)} activations; aliases: "
        + ", ".join(f"{a}->{r['name']}" for r in rows for a in r["aliases"])
    )
    return 0


def _short(v) -> str:
    return "[" + ",".join(f"{x:g}" for x in v) + "]" if isinstance(v, list) else f"{v}"


def _cmd_show(args) -> int:
    acts = [activations.get(n) for n in args.names]
    if args.json:
        data = [
            {**describe(a), "properties": properties(a), "samples": sample_values(a)}
            for a in acts
        ]
        print(_json(data[0] if len(data) == 1 else data))
        return 0
    for i, act in enumerate(acts):
        if i:
            print()
        _show_one(act)
    return 0


def _show_one(act) -> None:
    d = describe(act)
    print(f"{d['spec']}: {d['summary']}")
    print(f"  g(z)        = {d['formula']}")
    if d["output_form"]:
        print(f"  g' from a   = {d['output_formula']}")
    else:
        print(f"  g' from a   : none ({d['output_form_note']})")
    print(f"  LaTeX g     : {d['latex']}")
    print(f"  LaTeX g'    : {d['latex_derivative']}")
    if d["latex_output_form"]:
        print(f"  LaTeX h(a)  : {d['latex_output_form']}")
    print(
        f"  range ({d['range'][0]}, {d['range'][1]}), monotonic: {d['monotonic']}, "
        f"smoothness: {d['smoothness']}, vector: {d['vector']}"
    )
    for k in d["kinks"]:
        note = f" ({k['note']})" if k["note"] else ""
        print(f"  kink at z = {k['at']:g}: g' taken as {k['derivative']:g}{note}")
    p = properties(act)
    print(
        f"  bounded: {p['bounded']}, zero-centred: {p['zero_centred']}, "
        f"max |g'|: {p['max_abs_derivative']:.4g}, saturates where |g'| < "
        f"{p['stuck_below']:g}: {', '.join(p['saturation']) or 'nowhere'}"
    )
    print(
        f"  z ~ N(0, 1): E[g] = {p['mean']:.4g}, Var[g] = {p['variance']:.4g}, "
        f"stuck {100 * p['stuck_fraction']:.1f}%, init gain {p['init_gain']:.4g}"
    )
    samples = sample_values(act)
    if act.vector:
        print(f"  g({samples[0]['z']}) = {np.round(samples[0]['f'], 6).tolist()}")
        return
    print(f"  {'z':>6} {'g(z)':>14} {'g_prime(z)':>14} {'g2(z)':>14} {'h(g(z))':>14}")
    for s in samples:
        h = "-" if s["df_from_output"] is None else f"{s['df_from_output'] + 0.0:14.7g}"
        print(
            f"  {s['z']:6g} {s['f'] + 0.0:14.7g} {s['df'] + 0.0:14.7g} "
            f"{s['d2f'] + 0.0:14.7g} {h:>14}"
        )


def _param_values(items) -> dict[str, str]:
    """``--param name=value`` options as a dict (values converted later)."""
    params = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise ActlabError(f"--param takes name=value, got {item!r}")
        params[key.strip()] = value.strip()
    return params


def _cmd_derive(args) -> int:
    from . import accuracy, plotting, symbolic

    act = symbolic.define(args.formula, **_param_values(args.param))
    if args.plot:
        plotting.figure_format(args.plot)
    report = accuracy.check([act], dtypes=_DTYPES[args.dtype])
    info = {
        "formula": act.formula,
        "parameters": act.params,
        "derivative": act.derivative_formula,
        "second_derivative": act.second_derivative_formula,
        "output_form": act.output_formula,
        "output_form_note": act._output_form_refusal(),
        "latex": act.latex,
        "latex_derivative": act.latex_derivative,
        "latex_second_derivative": act.latex_second_derivative,
        "latex_output_form": act.latex_output_form,
        "smoothness": act.smoothness,
        "range": list(act.output_range),
        "monotonic": act.monotonic,
        "kinks": [dataclasses.asdict(k) for k in act.kinks],
        "properties": properties(act),
        "spec": act.spec,
        "accuracy": report.as_dict(),
    }
    if args.json:
        print(_json(info))
    else:
        print(f"g(x)        = {info['formula']}")
        print(f"g'(x)       = {info['derivative']}")
        print(f"g''(x)      = {info['second_derivative']}")
        if act.has_output_form:
            print(f"g' from a   = {info['output_form']}")
        else:
            print(f"g' from a   : none ({info['output_form_note']})")
        print(f"LaTeX g     : {info['latex']}")
        print(f"LaTeX g'    : {info['latex_derivative']}")
        print(f"LaTeX g''   : {info['latex_second_derivative']}")
        if act.has_output_form:
            print(f"LaTeX h(a)  : {info['latex_output_form']}")
        low, high = act.output_range
        print(
            f"range       : ({low:.6g}, {high:.6g}), monotonic: {act.monotonic}, "
            f"smoothness: {act.smoothness}"
        )
        for k in act.kinks:
            print(f"kink at x = {k.at:g}: g' taken as {k.derivative:g} ({k.note})")
        p = info["properties"]
        print(
            f"properties  : max |g'| {p['max_abs_derivative']:.4g}; z ~ N(0, 1): "
            f"E[g] = {p['mean']:.4g}, Var[g] = {p['variance']:.4g}, stuck "
            f"{100 * p['stuck_fraction']:.1f}%, init gain {p['init_gain']:.4g}"
        )
        print(f"spec for other commands: {act.spec}")
        print()
        print(report.format())
    if args.plot:
        axes = plotting.plot_activations([act], output_form=act.has_output_form)
        print(f"wrote {plotting.save_figure(axes[0].figure, args.plot)}")
    return 0


def _cmd_export(args) -> int:
    from .export import export

    act = activations.get(args.activation, **_param_values(args.param))
    if args.out is not None:
        _module_path(args.out)
    source = export(act, args.to, name=args.name)
    if args.out is None:
        sys.stdout.write(source)
        return 0
    Path(args.out).write_text(source)
    print(f"wrote {args.out}")
    return 0


def _module_path(out) -> None:
    """Where export may write: a .py path, and no file it did not write."""
    if not str(out).endswith(".py"):
        raise ActlabError(f"-o writes a Python module: give a .py path, got {out}")
    _writable(out, "the module")
    path = Path(out)
    ours = "Generated by actlab "  # the generated module's docstring says so
    if path.is_file() and ours not in path.read_text(errors="replace"):
        raise ActlabError(
            f"-o {out} exists and was not written by actlab export: choose another file"
        )


def _cmd_check(args) -> int:
    from . import accuracy

    names = args.names or activations.names()
    acts = [activations.get(n) for n in names]  # bad names fail before any work
    report = accuracy.check(acts, dtypes=_DTYPES[args.dtype])
    print(_json(report.as_dict()) if args.json else report.format())
    return 0 if report.passed else 1


def _cmd_plot(args) -> int:
    from . import plotting

    names = args.names or ["identity", "logistic", "tanh"]
    acts = [activations.get(n) for n in names]
    axes = plotting.plot_activations(
        acts, z_range=tuple(args.range), output_form=args.output_form
    )
    path = plotting.save_figure(axes[0].figure, args.output)
    print(f"wrote {path}")
    return 0


def _sizes(text: str) -> tuple:
    try:
        sizes = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected layer sizes such as 64,32, got {text!r}"
        ) from None
    if any(v < 1 for v in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be positive, got {text!r}")
    return sizes


def _whole(low: int):
    """An argparse type: a whole number ``>= low``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number, got {text!r}"
            ) from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more, got {value}")
        return value

    return parse


_positive_int, _seed = _whole(1), _whole(0)


def _real(accept, need: str):
    """An argparse type: a number for which ``accept`` holds."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number, got {text!r}"
            ) from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"must {need}, got {text}")
        return value

    return parse


_positive_float = _real(lambda v: np.isfinite(v) and v > 0, "be a finite number > 0")
_fraction = _real(lambda v: 0 <= v < 1, "lie in [0, 1)")


def _writable(path, what: str) -> None:
    """Fail before the work, not after it, when the output cannot be written
    (missing folders are created, as save_figure does)."""
    path = Path(path)
    if path.is_dir():
        raise ActlabError(f"cannot write {what} to {path}: it is a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ActlabError(f"cannot write {what} to {path}: {exc.strerror}") from None
    if not os.access(path.parent, os.W_OK):
        raise ActlabError(f"cannot write {what} to {path}: the folder is read-only")


def _not_an_input(out, inputs) -> None:
    """Refuse to write over a file the command reads."""
    if not os.path.exists(out):
        return
    for given in inputs:
        if os.path.exists(str(given)) and os.path.samefile(out, str(given)):
            raise ActlabError(f"--out {out} is also an input: choose another file")


def _cmd_train(args) -> int:
    from . import workflow

    out = args.out if args.out is not None else f"{Path(str(args.data)).stem}.actlab"
    _writable(out, "the model")
    _not_an_input(out, [args.data])
    if args.early_stopping and not args.validation:
        raise ActlabError("--early-stopping needs a validation split: --validation > 0")
    ds = workflow.load_data(args.data, args.target, task=args.task, impute=args.impute)
    acts = [a.strip() for a in args.activation.split(";")]
    activation = acts[0] if len(acts) == 1 else acts
    params = dict(
        hidden_layer_sizes=args.hidden,
        activation=activation,
        solver=args.solver,
        max_iter=args.epochs,
        learning_rate_init=args.lr,
        batch_size=args.batch_size,
        alpha=args.alpha,
        dropout=args.dropout,
        early_stopping=args.early_stopping,
        n_iter_no_change=args.patience,
        dtype=args.dtype,
        verbose=not args.quiet,
    )
    if args.loss:
        params["loss"] = args.loss
    task = args.task or ds.task
    print(
        f"training on {ds.name}: {ds.X.shape[0]} rows, {ds.X.shape[1]} features, "
        f"{task}; hidden {list(args.hidden)}, {args.activation}, {args.solver}",
        flush=True,
    )
    try:
        model, report = workflow.train(
            ds, task=task, validation=args.validation, random_state=args.seed, **params
        )
    except workflow.Unfinished as exc:  # keep what was finished
        exc.model.save(out)
        print(f"actlab train: {exc}; saved that model to {out}", file=sys.stderr)
        return exc.code
    print(workflow.how_it_stopped(model))
    for row in report:
        print(row.line())
    model.save(out)
    print(f"saved the model to {out}")
    return 0


def _cmd_predict(args) -> int:
    import csv

    from . import load, workflow

    if args.out is not None:
        _writable(args.out, "the predictions")
        _not_an_input(args.out, [args.model, args.data])
    model = load(args.model)
    X, y, _ = workflow.prepare(model, args.data)
    header, rows = workflow.predictions_table(model, X)
    handle = open(args.out, "w", newline="") if args.out else sys.stdout  # noqa: SIM115
    try:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    finally:
        if args.out:
            handle.close()
    if args.out:
        print(f"wrote {len(rows)} predictions to {args.out}", file=sys.stderr)
    unknown = [] if y is None else workflow.unknown_labels(model, y)
    if unknown:
        print(
            f"no metrics: the target column has labels the model never saw "
            f"({', '.join(unknown[:5])})",
            file=sys.stderr,
        )
    elif y is not None:
        print(workflow.metrics(model, X, y, "data").line(), file=sys.stderr)
    return 0


def _cmd_demo(args) -> int:
    from . import demo, plotting

    if args.animate and not str(args.animate).lower().endswith(".gif"):
        raise ActlabError(
            f"--animate writes a GIF: give a .gif path, got {args.animate}"
        )
    out = args.out or f"{str(args.problem).lower()}.png"
    plotting.figure_format(out)
    _writable(out, "the figure")
    if args.animate:
        _writable(args.animate, "the animation")
    params = {}
    if args.epochs is not None:
        params["max_iter"] = args.epochs
    if args.loss:
        params["loss"] = args.loss
    result = demo.run(
        args.problem,
        hidden=args.hidden,
        activation=args.activation,
        random_state=args.seed,
        keep_snapshots=bool(args.animate),
        **params,
    )
    line = f"{result.problem}: test {result.metric} {result.test_score:.4f}"
    if result.noise_ceiling is not None:
        line += f" (noise ceiling {result.noise_ceiling:.4f})"
    unit = "iterations" if result.model.solver == "lbfgs" else "passes"
    print(line + f" after {result.model.n_iter_} {unit}")
    axes = demo.draw(result)
    print(f"wrote {plotting.save_figure(axes[0].figure, out)}")
    if args.animate:
        demo.animate(result, args.animate, frames=args.frames)
        print(f"wrote {args.animate}")
    return 0


def _spec_list(text: str) -> list[str]:
    """Comma-separated names, specs or formulas: commas inside parentheses
    or brackets belong to a formula, and a ``key=value`` piece continues the
    previous spec's parameters (``selu:alpha=1.5,scale=1``)."""
    pieces, depth, current = [], 0, ""
    for ch in text:
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            pieces.append(current)
            current = ""
        else:
            current += ch
    pieces.append(current)
    out = []
    for piece in (p.strip() for p in pieces):
        if not piece:
            raise argparse.ArgumentTypeError(f"an empty name in {text!r}")
        if out and ":" in out[-1] and re.fullmatch(r"\w+\s*=.*", piece):
            out[-1] += "," + piece
        else:
            out.append(piece)
    return out


def _cmd_compare(args) -> int:
    from .compare import DEFAULT_DATASETS, Interrupted, compare

    datasets = args.datasets
    if datasets is None:
        datasets = [] if args.data is not None else DEFAULT_DATASETS

    def stopped(signum, frame):  # SIGTERM as Ctrl-C: the finished runs are kept
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stopped)
    try:
        result = compare(
            args.activations,
            datasets,
            data=args.data,
            target=args.target,
            impute=args.impute,
            seeds=args.seeds,
            hidden=args.hidden,
            epochs=args.epochs,
            learning_rates=args.lr,
            batch_size=args.batch_size,
            baseline=args.baseline,
            workers=args.workers,
            scheduler=args.scheduler,
            dask_local=args.dask_local,
            out=args.out,
            fresh=args.fresh,
            progress=not args.quiet,
        )
    except Interrupted as exc:
        print(f"actlab compare: {exc}", file=sys.stderr)
        return 130
    from .compare._report import ranking_rows, verdict

    head, rows = ranking_rows(result.summary)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    for line in (head, *rows):
        print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)))
    print()
    print(verdict(result.summary))
    t = result.timing
    print(
        f"{t['runs']} runs ({t['ran']} now, {t['stored_before']} stored earlier) "
        f"on {t['engine']} in {t['wall_seconds']:.1f} s"
    )
    for name in ("report.html", "report.md", "results.csv", "summary.json"):
        print(f"wrote {result.paths[name]}")
    return 0


class _Defaults(argparse.ArgumentDefaultsHelpFormatter):
    """Defaults shown, except where there is none (None or an off flag)."""

    def _get_help_string(self, action):
        if action.default in (None, False):
            return action.help
        return super()._get_help_string(action)


def _param_option(p) -> None:
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter with its value (repeatable), e.g. beta=1.5",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="actlab",
        description="Activation functions and their derivatives, from the input "
        "and from the output, verified to the ulp.",
    )
    parser.add_argument("--version", action="version", version=f"actlab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("list", help="the catalog, one line per activation")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser(
        "show",
        help="formulas, properties and values of activations",
        epilog=_names_help(),
    )
    p.add_argument("names", nargs="+", help="names or spec strings, e.g. elu:alpha=0.5")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser(
        "derive",
        help="an activation from a formula: its derivatives by SymPy, the "
        "output form (or why none exists), LaTeX, and the accuracy audit",
        epilog="functions: exp, log, sqrt, abs, tanh, sinh, cosh, sin, cos, "
        "atan, erf, erfc, sigmoid, softplus, max, min, where(cond, a, b)",
    )
    p.add_argument("formula", help="in x, e.g. 'x*tanh(softplus(x))'")
    _param_option(p)
    p.add_argument("--dtype", choices=sorted(_DTYPES), default="both")
    p.add_argument("--plot", metavar="FILE", help="also draw Figure 1 for it")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_derive)

    p = sub.add_parser(
        "export",
        help="a self-contained PyTorch or JAX module for an activation, with "
        "the backward from the output where an output form exists",
        epilog=_names_help() + "; or a formula in x (see actlab derive --help)",
    )
    p.add_argument(
        "activation",
        metavar="NAME|FORMULA",
        help="a name, spec or formula, e.g. elu:alpha=0.5 or 'x*sigmoid(beta*x)'",
    )
    p.add_argument(
        "--to", default="torch", metavar="FRAMEWORK", help="torch (default) or jax"
    )
    _param_option(p)
    p.add_argument(
        "--name",
        help="the Python name of the function (default: the activation's, or "
        "'activation' for a formula)",
    )
    p.add_argument(
        "-o",
        "--out",
        metavar="FILE.py",
        help="write the module there (default: print it)",
    )
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "check",
        help="accuracy in ulps against 50-digit references, and the stability "
        "audit; exit 1 when a target is missed",
        epilog=_names_help(),
    )
    p.add_argument("names", nargs="*", help="activations (default: all)")
    p.add_argument("--dtype", choices=sorted(_DTYPES), default="both")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "plot",
        help="the seed's Figure 1: functions left, derivatives right",
        epilog=_names_help(),
    )
    p.add_argument(
        "names", nargs="*", help="activations (default: identity logistic tanh)"
    )
    p.add_argument(
        "-o",
        "--output",
        default="figure1.png",
        help="PNG, SVG or PDF by extension (default: figure1.png)",
    )
    p.add_argument(
        "--range",
        nargs=2,
        type=float,
        default=(-5.0, 5.0),
        metavar=("LOW", "HIGH"),
        help="z range (default: -5 5)",
    )
    p.add_argument(
        "--output-form",
        action="store_true",
        help="overlay the derivative computed from the output",
    )
    p.set_defaults(func=_cmd_plot)

    p = sub.add_parser(
        "train",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        help="train a network on a CSV file or a bundled dataset and save it",
        epilog="bundled datasets: and, or, xor, ring, sin, abs, digits, "
        "breast_cancer, wine, iris, diabetes",
    )
    p.add_argument("data", help="a CSV path or a bundled dataset name")
    p.add_argument("--target", help="the target column (required for a CSV)")
    p.add_argument("--task", choices=("classification", "regression"))
    p.add_argument(
        "--hidden", type=_sizes, default=(64,), help="hidden layer sizes (default 64)"
    )
    p.add_argument(
        "--activation",
        default="relu",
        help="a name, spec or per-layer list split by ';' (default relu)",
    )
    p.add_argument("--solver", default="adam", help="adam, sgd or lbfgs")
    p.add_argument(
        "--loss",
        help="default: cross-entropy (classification) or squared_error; also "
        "absolute_error, huber[:delta=D], poisson",
    )
    p.add_argument(
        "--epochs", type=_positive_int, default=200, help="most passes over the data"
    )
    p.add_argument("--lr", type=_positive_float, default=0.001, help="learning rate")
    p.add_argument("--batch-size", type=_positive_int, default=200)
    p.add_argument("--alpha", type=float, default=0.0001, help="L2 penalty")
    p.add_argument(
        "--dropout", type=_fraction, default=0.0, help="hidden-unit dropout rate"
    )
    p.add_argument(
        "--early-stopping",
        action="store_true",
        help="stop on the validation loss and keep the best weights",
    )
    p.add_argument(
        "--patience",
        type=_positive_int,
        default=10,
        help="epochs without improvement (by 1e-4) before stopping",
    )
    p.add_argument(
        "--validation", type=_fraction, default=0.2, help="held-out fraction"
    )
    p.add_argument("--dtype", default="float64", choices=("float32", "float64"))
    p.add_argument("--impute", action="store_true", help="fill missing features")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--out", help="model file (default: DATA's name + .actlab)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("predict", help="predict with a saved model")
    p.add_argument("model", help="a model file written by actlab train")
    p.add_argument("data", help="a CSV path or a bundled dataset name")
    p.add_argument("--out", help="CSV file for the predictions (default stdout)")
    p.set_defaults(func=_cmd_predict)

    p = sub.add_parser(
        "demo",
        help="the seed's learning demos: train and draw the learned surface or "
        "fit beside the loss curve",
        epilog="problems: and, or, xor, ring, sin, abs",
    )
    p.add_argument("problem", help="and, or, xor, ring, sin or abs")
    p.add_argument(
        "--hidden",
        type=int,
        help="hidden units (default 4 logistic, or 3 tanh for sin/abs; 0: none)",
    )
    p.add_argument("--activation", help="hidden activation (name, spec)")
    p.add_argument("--epochs", type=int, help="passes (iterations for L-BFGS)")
    p.add_argument("--loss", help="e.g. squared_error, the seed's")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("-o", "--out", help="PNG (default PROBLEM.png)")
    p.add_argument("--animate", metavar="FILE.gif", help="also write a GIF")
    p.add_argument("--frames", type=_positive_int, default=50, help="GIF frames (50)")
    p.set_defaults(func=_cmd_demo)

    from .compare import DEFAULT_ACTIVATIONS
    from .compare._engines import cores
    from .compare._runs import RunSpec

    p = sub.add_parser(
        "compare",
        formatter_class=_Defaults,
        help="compare activations across datasets and seeds: statistics and "
        "a report (the main job)",
        epilog="default activations: identity, logistic, tanh, relu, leaky_relu, "
        "elu, softplus, silu, gelu, mish; default datasets: and, or, xor, ring, "
        "sin, abs, digits, breast_cancer, wine, diabetes",
    )
    p.add_argument(
        "--activations",
        type=_spec_list,
        default=list(DEFAULT_ACTIVATIONS),
        help="comma-separated names, specs or formulas",
    )
    p.add_argument(
        "--datasets",
        type=_spec_list,
        help="comma-separated bundled datasets (default: the ten listed below, "
        "or none with --data)",
    )
    p.add_argument("--data", metavar="FILE.csv", help="also compare on a CSV file")
    p.add_argument("--target", help="the CSV file's target column")
    p.add_argument(
        "--impute",
        action="store_true",
        help="fill the CSV's missing values (mean, or most frequent level)",
    )
    p.add_argument("--seeds", type=_positive_int, default=5, help="seeds per cell")
    p.add_argument("--hidden", type=_sizes, default=RunSpec.hidden, help="hidden sizes")
    p.add_argument(
        "--epochs", type=_positive_int, default=RunSpec.epochs, help="epochs of Adam"
    )
    p.add_argument(
        "--lr",
        type=lambda t: [_positive_float(v) for v in t.split(",")],
        default=list(RunSpec.learning_rates),
        help="the learning-rate grid, chosen per run on a validation split",
    )
    p.add_argument(
        "--batch-size",
        type=_positive_int,
        default=RunSpec.batch_size,
        help="Adam's mini-batch",
    )
    p.add_argument("--baseline", default="tanh", help="the paired tests' reference")
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=cores(),
        help="local worker processes (one per core)",
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler address")
    p.add_argument(
        "--dask-local",
        type=_positive_int,
        metavar="N",
        help="start a Dask LocalCluster of N worker processes",
    )
    p.add_argument("--out", default="out/compare", help="the output directory")
    p.add_argument(
        "--fresh", action="store_true", help="forget the stored runs and start over"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_compare)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ActlabError as exc:
        print(f"actlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `actlab list | head`: the reader left, not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (silence the final flush)
        return 0
    except OSError as exc:
        print(
            f"actlab {args.command}: error: {exc.strerror or exc}: "
            f"{exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 2
