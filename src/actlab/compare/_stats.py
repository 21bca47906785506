"""The statistics of a comparison.

Per dataset and activation: the mean test score over seeds with a 95%
t-interval, and a paired t-test against the baseline activation on the same
seeds (same data, same splits, same initial weights), Holm-corrected across
the activations of that dataset. Across datasets: the average rank, the
Friedman test, and Nemenyi's critical difference
``q_alpha * sqrt(k (k + 1) / (6 N))`` with ``q_alpha`` from SciPy's
studentized range distribution (Demsar, 2006). A failed run counts as
missing; an activation with no finished run on a dataset ranks last there.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

ALPHA = 0.05


def _interval(values) -> tuple[float, float, float]:
    from scipy import stats

    v = np.asarray(values, float)
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    mean = float(v.mean())
    if len(v) < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return mean, mean - half, mean + half


def _paired(a: dict, b: dict) -> dict:
    """Paired t-test of scores ``a`` against ``b`` (dicts seed -> score)."""
    from scipy import stats

    seeds = sorted(set(a) & set(b))
    d = np.array([a[s] - b[s] for s in seeds], float)
    out = {"n_pairs": len(seeds), "difference": float(d.mean()) if len(d) else None}
    if len(d) < 2:
        out["p"] = None
    elif np.abs(d).max() <= 1e-12:
        out["p"] = 1.0  # no difference at all
    elif np.ptp(d) <= 1e-9 * float(np.abs(d).max()):
        # the same difference on every seed: no spread for a t-test, so the
        # exact sign test (n pairs of one sign: p = 2^(1-n))
        out["p"] = float(stats.binomtest(len(d), len(d), 0.5).pvalue)
    else:
        out["p"] = float(
            stats.ttest_rel([a[s] for s in seeds], [b[s] for s in seeds])[1]
        )
    return out


def _holm(pvalues: dict) -> dict:
    """Holm's step-down adjustment of ``{name: p}`` (None stays None)."""
    known = sorted((p, k) for k, p in pvalues.items() if p is not None)
    m, adjusted, running = len(known), {}, 0.0
    for i, (p, k) in enumerate(known):
        running = max(running, min(1.0, (m - i) * p))
        adjusted[k] = running
    return {k: adjusted.get(k) for k in pvalues}


def summarise(rows: list[dict], activations, datasets, baseline: str) -> dict:
    """The summary of ``rows``: per-dataset cells, ranks and the tests."""
    from scipy import stats

    by_cell = defaultdict(dict)  # scores by seed
    runs_of = defaultdict(list)
    failures = defaultdict(list)
    score_names = {}
    for r in rows:
        cell = (r["dataset"], r["activation"])
        runs_of[cell].append(r)
        if r["score_name"]:
            score_names[r["dataset"]] = r["score_name"]
        if r["status"] == "ok" and r["score"] is not None:
            by_cell[cell][r["seed"]] = r["score"]
        else:
            failures[cell].append({"seed": r["seed"], "reason": r["reason"]})
    per_dataset = {}
    for ds in datasets:
        cells, pvalues = {}, {}
        score_name = score_names.get(ds)
        bounded = score_name == "accuracy"
        for act in activations:
            scores = by_cell.get((ds, act), {})
            mean, low, high = _interval(list(scores.values()))
            if bounded:  # accuracy: the interval is cut at [0, 1]
                low, high = max(low, 0.0), min(high, 1.0)
            cells[act] = {
                "n": len(scores),
                "failed": len(failures.get((ds, act), [])),
                "failures": failures.get((ds, act), []),
                "mean": mean,
                "low": low,
                "high": high,
                **_means(runs_of[(ds, act)]),
            }
            if act != baseline:
                test = _paired(scores, by_cell.get((ds, baseline), {}))
                cells[act]["versus_baseline"] = test
                pvalues[act] = test["p"]
        for act, p in _holm(pvalues).items():
            test = cells[act]["versus_baseline"]
            test["p_holm"] = p
            test["significant"] = p is not None and p < ALPHA
        per_dataset[ds] = {"score_name": score_name, "cells": cells}
    return {
        "baseline": baseline,
        "alpha": ALPHA,
        "activations": list(activations),
        "datasets": list(datasets),
        "per_dataset": per_dataset,
        "ranking": _ranking(per_dataset, list(activations), list(datasets), stats),
    }


def _means(runs) -> dict:
    ok = [r for r in runs if r["status"] == "ok"]

    def mean(name):
        v = [r[name] for r in ok if r.get(name) is not None]
        return float(np.mean(v)) if v else None

    rates = [r["learning_rate"] for r in ok]
    return {
        "loss": mean("test_loss"),
        "stuck_fraction": mean("stuck_fraction"),
        "epochs_to_target": mean("epochs_to_target"),
        "reached_target": sum(r.get("epochs_to_target") is not None for r in ok),
        "seconds": mean("seconds"),
        "learning_rates": sorted(set(rates)),
    }


def _ranking(per_dataset, activations, datasets, stats) -> dict:
    k, n = len(activations), len(datasets)
    means = np.array(
        [[per_dataset[d]["cells"][a]["mean"] for a in activations] for d in datasets],
        float,
    ).reshape(n, k)
    worst = np.where(np.isnan(means), -np.inf, means)  # no finished run: last
    ranks = np.vstack([stats.rankdata(-row) for row in worst]) if n else means
    average = ranks.mean(axis=0) if n else np.full(k, math.nan)
    table = []
    for j, act in enumerate(activations):
        cells = [per_dataset[d]["cells"][act] for d in datasets]
        tests = [c.get("versus_baseline") for c in cells]
        better = sum(1 for t in tests if t and t["significant"] and t["difference"] > 0)
        worse = sum(1 for t in tests if t and t["significant"] and t["difference"] < 0)
        stuck = [c["stuck_fraction"] for c in cells if c["stuck_fraction"] is not None]
        table.append(
            {
                "activation": act,
                "average_rank": float(average[j]),
                "mean_score": float(np.nanmean(means[:, j]))
                if np.isfinite(means[:, j]).any()
                else None,
                # best on a dataset, ties sharing the win
                "wins": int(np.sum(ranks[:, j] == ranks.min(axis=1))) if n else 0,
                "better_than_baseline": better,
                "worse_than_baseline": worse,
                "stuck_fraction": float(np.mean(stuck)) if stuck else None,
                "failed": sum(c["failed"] for c in cells),
            }
        )
    table.sort(  # ties in average rank: the higher mean score first
        key=lambda row: (
            row["average_rank"],
            -(row["mean_score"] if row["mean_score"] is not None else -math.inf),
            row["activation"],
        )
    )
    out = {"table": table, "n_datasets": n, "k": k}
    if k >= 3 and n >= 2:
        if np.all(ranks == ranks[:, :1]):  # every dataset a complete tie
            chi2, p = 0.0, 1.0
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                chi2, p = stats.friedmanchisquare(*ranks.T)
        q = float(stats.studentized_range.ppf(1 - ALPHA, k, np.inf) / math.sqrt(2))
        cd = q * math.sqrt(k * (k + 1) / (6.0 * n))
        out.update(
            friedman_statistic=float(chi2),
            friedman_p=float(p),
            friedman_significant=bool(p < ALPHA),
            q_alpha=q,
            critical_difference=cd,
            groups=_cliques(table, cd),
        )
    else:
        out["friedman_p"] = None
        out["note"] = (
            "The Friedman test and the critical difference need at least 3 "
            "activations and 2 datasets"
        )
    return out


def _cliques(table, cd) -> list[list[str]]:
    """Maximal runs of activations (by average rank) whose ranks lie within
    ``cd`` of each other: the bars of the critical-difference diagram."""
    ranks = [(row["average_rank"], row["activation"]) for row in table]
    groups, last_end = [], -1
    for i in range(len(ranks)):
        j = i
        while j + 1 < len(ranks) and ranks[j + 1][0] - ranks[i][0] <= cd:
            j += 1
        if j > i and j > last_end:
            groups.append([name for _, name in ranks[i : j + 1]])
            last_end = j
    return groups
