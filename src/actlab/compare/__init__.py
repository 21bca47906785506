"""actlab's main job: compare activations across datasets and seeds.

``compare()`` plans one run per (activation, dataset, seed), skips those the
results store already holds, executes the rest on an engine (local joblib
processes or a Dask cluster), stores each as it finishes, and writes the
report: results.csv, summary.json, report.md and a self-contained
report.html.

>>> from actlab.compare import DEFAULT_ACTIVATIONS, DEFAULT_DATASETS
>>> len(DEFAULT_ACTIVATIONS), len(DEFAULT_DATASETS)
(10, 10)
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .._progress import ProgressBar
from ..activations import get
from ..datasets import NAMES, read_csv
from ..errors import ActlabError, did_you_mean
from . import _report
from ._engines import Dask, Local, cores
from ._runs import TIMING, Data, RunSpec, check_splittable
from ._stats import summarise
from ._store import Store

DEFAULT_ACTIVATIONS = (
    "identity",
    "logistic",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "softplus",
    "silu",
    "gelu",
    "mish",
)
DEFAULT_DATASETS = (
    "and",
    "or",
    "xor",
    "ring",
    "sin",
    "abs",
    "digits",
    "breast_cancer",
    "wine",
    "diabetes",
)
#: ``make run`` must finish within this on a 2-core machine; past it, the
#: command says where the time went.
BUDGET_SECONDS = 180.0
MAX_SEEDS = 1000


class Interrupted(ActlabError):
    """The comparison was stopped (Ctrl-C); the finished runs are stored."""


@dataclass
class Result:
    out: Path
    summary: dict
    rows: list
    paths: dict
    timing: dict = field(default_factory=dict)


def _datasets(datasets, data, target, impute=False) -> list[Data]:
    out = []
    for name in datasets:
        key = str(name).strip().lower()
        if key not in NAMES:
            raise ActlabError(
                f"unknown dataset {name!r}{did_you_mean(key, NAMES)} "
                f"(known: {', '.join(NAMES)}; or --data FILE.csv --target COLUMN)"
            )
        out.append(Data(key))
    if data is not None:
        if target is None:
            raise ActlabError("--data needs --target COLUMN (the column to predict)")
        path = Path(data)
        if path.is_dir():
            raise ActlabError(f"--data {path} is a directory, not a CSV file")
        ds = read_csv(path, target=target, impute=impute)
        check_splittable(ds)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        out.append(Data.from_dataset(ds, digest))
    elif target is not None:
        raise ActlabError("--target names a column of --data FILE.csv, given none")
    if not out:
        raise ActlabError("no datasets to compare")
    idents = [d.ident for d in out]
    if len(set(idents)) != len(idents):
        raise ActlabError(f"a dataset is listed twice: {', '.join(idents)}")
    return out


def plan(
    activations=DEFAULT_ACTIVATIONS,
    datasets=DEFAULT_DATASETS,
    *,
    data=None,
    target=None,
    impute: bool = False,
    seeds: int = 5,
    hidden=RunSpec.hidden,
    epochs: int = RunSpec.epochs,
    learning_rates=RunSpec.learning_rates,
    batch_size: int = RunSpec.batch_size,
    baseline: str = "tanh",
) -> tuple[list[RunSpec], dict]:
    """The runs of a comparison and its configuration, checked: every name,
    formula and file is read before any run starts."""
    specs, given = [], {}
    for a in activations:
        act = get(a)
        if act.vector:
            raise ActlabError(
                f"{act.spec} acts across units, not on each one: compare "
                "elementwise hidden activations"
            )
        if act.spec in given:
            raise ActlabError(
                f"an activation is listed twice: {given[act.spec]!r} and {a!r} "
                f"are both {act.spec}"
            )
        given[act.spec] = a
        specs.append(act.spec)
    try:
        base = get(baseline).spec
    except ActlabError as exc:
        raise ActlabError(f"--baseline: {exc}") from None
    if base not in specs:
        raise ActlabError(
            f"the baseline {base} is not among the activations compared "
            f"({', '.join(specs)}): add it or choose --baseline among them"
        )
    sources = _datasets(datasets, data, target, impute)
    if not (isinstance(seeds, int) and 1 <= seeds <= MAX_SEEDS):
        raise ActlabError(
            f"seeds must be a whole number from 1 to {MAX_SEEDS}, got {seeds!r}"
        )
    hidden = tuple(int(h) for h in hidden)
    if not hidden or min(hidden) < 1:
        raise ActlabError(f"hidden must be layer sizes >= 1, got {hidden!r}")
    if not (isinstance(epochs, int) and epochs >= 1):
        raise ActlabError(f"epochs must be a whole number >= 1, got {epochs!r}")
    rates = tuple(dict.fromkeys(float(r) for r in learning_rates))  # (once each)
    if not rates or min(rates) <= 0:
        raise ActlabError(f"learning rates must be > 0, got {learning_rates!r}")
    runs = [
        RunSpec(act, src, seed, hidden, epochs, rates, batch_size)
        for src in sources
        for act in specs
        for seed in range(seeds)
    ]
    config = {
        "activations": specs,
        "datasets": [s.ident for s in sources],
        "seeds": seeds,
        "hidden": list(hidden),
        "epochs": epochs,
        "learning_rates": list(rates),
        "batch_size": batch_size,
        "baseline": base,
        "test_fraction": runs[0].test_fraction,
        "validation_fraction": runs[0].validation_fraction,
        "target_fraction": runs[0].target_fraction,
        "stuck_below": runs[0].stuck_below,
    }
    return runs, config


def engine(workers=None, scheduler=None, dask_local=None):
    if scheduler is not None and dask_local is not None:
        raise ActlabError("give --scheduler or --dask-local, not both")
    if scheduler is not None or dask_local is not None:
        if dask_local is not None and not (
            isinstance(dask_local, int) and dask_local >= 1
        ):
            raise ActlabError(f"--dask-local must be >= 1 workers, got {dask_local!r}")
        return Dask(scheduler, dask_local)
    if workers is None:
        workers = cores()
    if not (isinstance(workers, int) and workers >= 1):
        raise ActlabError(f"workers must be a whole number >= 1, got {workers!r}")
    return Local(workers)


def _row(spec: RunSpec, record: dict) -> dict:
    from .._version import __version__

    return {
        "key": spec.key,
        "activation": spec.activation,
        "dataset": spec.dataset,
        "seed": spec.seed,
        "version": __version__,
        **record,
    }


def _where_time_went(rows) -> dict:
    per = {"dataset": defaultdict(float), "activation": defaultdict(float)}
    for r in rows:
        for what in per:
            per[what][r[what]] += r["seconds"] or 0.0
    return {
        what: dict(sorted(v.items(), key=lambda kv: -kv[1])) for what, v in per.items()
    }


def compare(
    activations=DEFAULT_ACTIVATIONS,
    datasets=DEFAULT_DATASETS,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    out="out/compare",
    fresh: bool = False,
    progress: bool = True,
    stream=None,
    **options,
) -> Result:
    """Run (or resume) a comparison and write its report to ``out``.

    ``options`` are ``plan``'s (``data``, ``target``, ``seeds``, ``hidden``,
    ``epochs``, ``learning_rates``, ``batch_size``, ``baseline``). The runs go
    to ``workers`` local processes (default: one per core), to the Dask
    scheduler at ``scheduler``, or to a LocalCluster of ``dask_local``
    processes. Returns a ``Result`` with the summary, the rows and the
    report's paths. Ctrl-C raises ``Interrupted`` after the finished runs are
    stored.
    """
    stream = sys.stderr if stream is None else stream
    runs, config = plan(activations, datasets, **options)
    if not str(out).strip():
        raise ActlabError("--out must name a directory, got an empty path")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ActlabError(f"--out {out} is a file, not a directory")
    runner = engine(workers, scheduler, dask_local)
    started = time.perf_counter()
    # the engine first: an unreachable scheduler is refused before the store
    with runner, Store(out / "results.sqlite", fresh=fresh) as store:
        stored = store.done(s.key for s in runs)
        todo = [s for s in runs if s.key not in stored]
        ran = _execute(runner, todo, store, progress, stream, len(stored))
        rows = store.rows({s.key for s in runs})
    wall = time.perf_counter() - started
    timing = {
        "engine": runner.name,
        "workers": runner.workers,
        "runs": len(runs),
        "ran": ran,
        "stored_before": len(stored),
        "wall_seconds": wall,
        "run_seconds": sum(r["seconds"] or 0.0 for r in rows),
        "where": _where_time_went(rows),
    }
    summary = summarise(
        rows, config["activations"], config["datasets"], config["baseline"]
    )
    summary["stuck_below"] = config["stuck_below"]
    paths = _report.write(out, rows, summary, config, timing)
    if ran and wall > BUDGET_SECONDS:
        _say_where(timing, stream)
    return Result(out, summary, rows, paths, timing)


def _execute(runner, todo, store, progress, stream, before) -> int:
    if not todo:
        return 0
    bar = ProgressBar(len(todo), "runs", stream=stream) if progress else None
    done = 0
    try:
        for spec, record in runner.map(todo):
            store.add(_row(spec, record))
            done += 1
            if bar is not None:
                left = len(todo) - done
                running = min(runner.workers or 1, left)
                text = f"running {running}, left {left - running}"
                text += f", {before} stored earlier" if before else ""
                bar.update(done, text)
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        raise Interrupted(
            f"interrupted: {before + done} of {before + len(todo)} runs are stored "
            f"in {store.path}; run the same command again to resume"
        ) from None
    if bar is not None:
        bar.close()
    return done


def _say_where(timing, stream) -> None:
    stream.write(
        f"the comparison took {timing['wall_seconds']:.0f} s, over the "
        f"{BUDGET_SECONDS:.0f} s budget; run time per dataset: "
        + ", ".join(f"{k} {v:.0f} s" for k, v in timing["where"]["dataset"].items())
        + "; per activation: "
        + ", ".join(f"{k} {v:.0f} s" for k, v in timing["where"]["activation"].items())
        + "\n"
    )


def same_results(a: list[dict], b: list[dict]) -> bool:
    """Whether two sets of rows agree in everything but the clock."""

    def strip(rows):
        return sorted(
            ({k: v for k, v in r.items() if k not in TIMING} for r in rows),
            key=lambda r: r["key"],
        )

    return strip(a) == strip(b)


__all__ = [
    "DEFAULT_ACTIVATIONS",
    "DEFAULT_DATASETS",
    "Interrupted",
    "Result",
    "compare",
    "plan",
]
