"""The report of a comparison, in its output directory:

- ``results.csv``: one tidy row per run;
- ``summary.json``: the statistics (``_stats.summarise``) and the timing;
- ``report.md``: the ranking table, the per-dataset tables and the figures
  (PNG files under ``figures/``);
- ``report.html``: the same, self-contained, the figures embedded.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
import os
from pathlib import Path

import numpy as np

from ..activations import get
from ..plotting import _colors, plot_activations
from ._runs import FIELDS

#: The figures, in report order: (file stem, title, what it shows).
FIGURES = (
    ("figure1", "The activations compared", "The seed's Figure 1 for them."),
    ("scores", "Test score per dataset", "Mean over seeds with 95% intervals."),
    ("curves", "Learning curves", "Mean training loss over seeds, per epoch."),
    ("cd", "Critical-difference diagram", "Average ranks across datasets."),
    ("stuck", "Stuck units", "Fraction of hidden units with mean |g'(z)| below "),
)
CSV_COLUMNS = ("key", "activation", "dataset", "seed", "version", *FIELDS, "curve")


def _fmt(v, digits=3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _replace(path: Path, data) -> None:
    """Write ``path`` whole or not at all (a temporary file, then a rename):
    an interrupted or concurrent write never leaves half a report."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)


def write_csv(rows, path: Path) -> None:
    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(CSV_COLUMNS)
    for r in sorted(rows, key=lambda r: (r["dataset"], r["activation"], r["seed"])):
        out.writerow(
            [
                json.dumps(r[c]) if isinstance(r.get(c), list) else r.get(c)
                for c in CSV_COLUMNS
            ]
        )
    _replace(path, buf.getvalue())


def _json_safe(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    return obj


# the figures ---------------------------------------------------------------
def _figure(w, h):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout="constrained")


def _grid(n):
    cols = min(n, 4)
    rows = math.ceil(n / cols)
    return rows, cols


def _palette(summary):
    acts = summary["activations"]
    return dict(zip(acts, _colors([get(a) for a in acts], None), strict=True))


def fig_scores(summary):
    datasets, acts = summary["datasets"], summary["activations"]
    colors = _palette(summary)
    rows, cols = _grid(len(datasets))
    fig = _figure(3.2 * cols, 0.28 * len(acts) * rows + 1.2 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, ds in zip(axes, datasets, strict=False):
        info = summary["per_dataset"][ds]
        cells = info["cells"]
        y = np.arange(len(acts))[::-1]
        for yi, act in zip(y, acts, strict=True):
            c = cells[act]
            if c["mean"] is None or math.isnan(c["mean"]):
                ax.text(
                    0.5,
                    yi,
                    "failed",
                    transform=ax.get_yaxis_transform(),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="red",
                )
                continue
            err = None
            if not math.isnan(c["low"]):
                err = [[c["mean"] - c["low"]], [c["high"] - c["mean"]]]
            ax.errorbar(
                c["mean"], yi, xerr=err, fmt="o", color=colors[act], ms=4, capsize=2
            )
        base = cells.get(summary["baseline"])
        if base and base["mean"] is not None and not math.isnan(base["mean"]):
            ax.axvline(base["mean"], color="gray", lw=0.8, ls=":")
        ax.set_yticks(y, acts, fontsize=7)
        ax.set_title(f"{ds} ({info['score_name']})", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(True, axis="x", alpha=0.3)
    for ax in axes[len(datasets) :]:
        ax.set_visible(False)
    return fig


def fig_curves(summary, curves):
    datasets, acts = summary["datasets"], summary["activations"]
    colors = _palette(summary)
    rows, cols = _grid(len(datasets))
    fig = _figure(3.2 * cols, 2.4 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, ds in zip(axes, datasets, strict=False):
        for act in acts:
            runs = [c for c in curves.get((ds, act), []) if c]
            if not runs:
                continue
            n = min(len(c) for c in runs)
            mean = np.mean([c[:n] for c in runs], axis=0)
            ax.plot(np.arange(1, n + 1), mean, color=colors[act], lw=1, label=act)
        if any(np.nanmin(line.get_ydata()) > 0 for line in ax.get_lines()):
            ax.set_yscale("log")
        ax.set_title(ds, fontsize=9)
        ax.set_xlabel("epoch", fontsize=7)
        ax.set_ylabel("training loss", fontsize=7)
        ax.tick_params(labelsize=7)
        ax.grid(True, alpha=0.3)
    for ax in axes[len(datasets) :]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside right center", fontsize=7)
    return fig


def fig_cd(summary):
    """Demsar's critical-difference diagram: the average ranks on an axis,
    with a bar joining the activations not significantly different."""
    ranking = summary["ranking"]
    table = ranking["table"]
    k = len(table)
    fig = _figure(8, 1.2 + 0.22 * k)
    ax = fig.subplots()
    ax.set_xlim(k + 0.5, 0.5)  # rank 1 on the right, as in Demsar's figures
    ax.set_ylim(0, 1)
    ax.axis("off")
    top = 0.86
    ax.plot([1, k], [top, top], color="black", lw=1)
    for r in range(1, k + 1):
        ax.plot([r, r], [top, top + 0.03], color="black", lw=1)
        ax.text(r, top + 0.05, str(r), ha="center", va="bottom", fontsize=8)
    half = math.ceil(k / 2)
    step = (top - 0.1) / max(half, 1)
    for i, row in enumerate(table):
        r = row["average_rank"]
        right = i < half  # the best half labelled on the right
        level = top - 0.08 - step * (i if right else k - 1 - i)
        end = 0.5 if right else k + 0.5
        ax.plot([r, r, end], [top, level, level], color="black", lw=0.7)
        ax.text(
            end,
            level,
            f" {row['activation']} ({r:.2f}) ",
            ha="left" if right else "right",
            va="center",
            fontsize=8,
        )
    cd = ranking.get("critical_difference")
    if cd is not None:
        for j, group in enumerate(ranking["groups"]):
            ranks = [row["average_rank"] for row in table if row["activation"] in group]
            y = top - 0.04 - 0.025 * j
            ax.plot([min(ranks) - 0.05, max(ranks) + 0.05], [y, y], color="red", lw=2)
        ax.plot([1, 1 + cd], [0.98, 0.98], color="black", lw=1.5)
        ax.text(
            1 + cd / 2, 0.99, f"CD = {cd:.2f}", ha="center", va="bottom", fontsize=8
        )
    return fig


def fig_stuck(summary):
    datasets, acts = summary["datasets"], summary["activations"]
    grid = np.array(
        [
            [
                np.nan
                if summary["per_dataset"][d]["cells"][a]["stuck_fraction"] is None
                else summary["per_dataset"][d]["cells"][a]["stuck_fraction"]
                for d in datasets
            ]
            for a in acts
        ],
        float,
    )
    label = max(len(a) for a in acts) * 0.07  # inches for the longest name
    fig = _figure(
        max(4.5, 2.0 + label + 0.62 * len(datasets)), max(2.5, 1.2 + 0.3 * len(acts))
    )
    ax = fig.subplots()
    image = ax.imshow(
        grid,
        cmap="Reds",
        vmin=0,
        vmax=max(0.05, np.nanmax(grid) if np.isfinite(grid).any() else 1),
        aspect="auto",
    )
    ax.set_xticks(range(len(datasets)), datasets, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(len(acts)), acts, fontsize=7)
    for (i, j), v in np.ndenumerate(grid):
        ax.text(
            j,
            i,
            "–" if np.isnan(v) else f"{v:.2f}",
            ha="center",
            va="center",
            fontsize=6,
        )
    fig.colorbar(image, ax=ax, label="stuck fraction")
    return fig


def figures(summary, curves) -> dict:
    """``{stem: Figure}`` for the report."""
    acts = [get(a) for a in summary["activations"]]
    left, _ = plot_activations(acts)
    return {
        "figure1": left.figure,
        "scores": fig_scores(summary),
        "curves": fig_curves(summary, curves),
        "cd": fig_cd(summary),
        "stuck": fig_stuck(summary),
    }


# the tables ------------------------------------------------------------------
def ranking_rows(summary) -> tuple[list[str], list[list[str]]]:
    head = [
        "rank",
        "activation",
        "average rank",
        "mean score",
        "wins",
        f"vs {summary['baseline']} (+/-)",
        "stuck",
        "failed",
    ]
    rows = []
    for i, row in enumerate(summary["ranking"]["table"], 1):
        rows.append(
            [
                str(i),
                row["activation"],
                f"{row['average_rank']:.2f}",
                _fmt(row["mean_score"]),
                str(row["wins"]),
                "baseline"
                if row["activation"] == summary["baseline"]
                else f"+{row['better_than_baseline']} / -{row['worse_than_baseline']}",
                _fmt(row["stuck_fraction"], 2),
                str(row["failed"]),
            ]
        )
    return head, rows


def dataset_rows(summary, ds) -> tuple[list[str], list[list[str]]]:
    info = summary["per_dataset"][ds]
    head = [
        "activation",
        f"{info['score_name']} (95% CI)",
        "loss",
        "vs baseline p",
        "epochs to target",
        "stuck",
        "rate",
    ]
    rows = []
    for act in summary["activations"]:
        c = info["cells"][act]
        test = c.get("versus_baseline")
        mark = ""
        if test and test["significant"]:
            mark = " ▲" if test["difference"] > 0 else " ▼"
        ci = (
            f"{_fmt(c['mean'])} [{_fmt(c['low'])}, {_fmt(c['high'])}]"
            if c["n"]
            else "failed"
        )
        rows.append(
            [
                act,
                ci + mark,
                _fmt(c["loss"]),
                "baseline" if test is None else _fmt(test.get("p_holm"), 3),
                (
                    f"{c['epochs_to_target']:.1f} ({c['reached_target']}/{c['n']})"
                    if c["epochs_to_target"] is not None
                    else f"– (0/{c['n']})"
                ),
                _fmt(c["stuck_fraction"], 2),
                ", ".join(f"{r:g}" for r in c["learning_rates"]),
            ]
        )
    return head, rows


def _md_table(head, rows) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _html_table(head, rows) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def verdict(summary) -> str:
    """The plain-words reading of the statistics."""
    r = summary["ranking"]
    n_sig = sum(
        1
        for ds in summary["datasets"]
        for c in summary["per_dataset"][ds]["cells"].values()
        if c.get("versus_baseline", {}).get("significant")
    )
    words = []
    if r.get("friedman_p") is None:
        words.append(r["note"] + ".")
    elif r["friedman_significant"]:
        words.append(
            f"The Friedman test finds the average ranks differ (p = "
            f"{r['friedman_p']:.2g} over {r['n_datasets']} datasets); activations "
            f"whose average ranks differ by less than the critical difference "
            f"{r['critical_difference']:.2f} are not significantly different "
            "(Nemenyi, alpha 0.05)."
        )
    else:
        words.append(
            f"The Friedman test finds no significant difference between the "
            f"average ranks (p = {r['friedman_p']:.2g} over {r['n_datasets']} "
            "datasets): the ranking is not evidence that one activation "
            "is better than another."
        )
    words.append(
        f"Per dataset, {_n(n_sig, 'activation-dataset cell')} "
        f"{'differs' if n_sig == 1 else 'differ'} "
        f"significantly from the baseline {summary['baseline']} (paired t-test "
        "over seeds, Holm-corrected, alpha 0.05; ▲ better, ▼ worse); every "
        "other difference is not significant."
    )
    return " ".join(words)


def write(out: Path, rows, summary, config: dict, timing: dict) -> dict:
    """Write every report file; returns ``{name: path}``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"results.csv": out / "results.csv"}
    write_csv(rows, paths["results.csv"])
    paths["summary.json"] = out / "summary.json"
    whole = _json_safe({"config": config, "timing": timing, **summary})
    _replace(paths["summary.json"], json.dumps(whole, indent=1) + "\n")
    curves = {}
    for r in rows:
        curves.setdefault((r["dataset"], r["activation"]), []).append(r["curve"])
    figdir = out / "figures"
    figdir.mkdir(exist_ok=True)
    images = {}
    for stem, fig in figures(summary, curves).items():
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        _replace(figdir / f"{stem}.png", buf.getvalue())
        images[stem] = base64.b64encode(buf.getvalue()).decode("ascii")
    paths["report.md"] = out / "report.md"
    _replace(paths["report.md"], _markdown(summary, config, timing))
    paths["report.html"] = out / "report.html"
    _replace(paths["report.html"], _html(summary, config, timing, images))
    return paths


def _caption(stem, summary):
    for s, title, text in FIGURES:
        if s == stem:
            if stem == "stuck":
                text += f"{summary.get('stuck_below', 0.01):g} after training."
            if stem == "cd" and summary["ranking"].get("critical_difference") is None:
                note = summary["ranking"]["note"]
                text += " No critical difference is drawn: " + note[0].lower()
                text += note[1:] + "."
            return title, text
    raise KeyError(stem)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _intro(summary, config, timing) -> str:
    return (
        f"{_n(len(summary['activations']), 'activation')} on "
        f"{_n(len(summary['datasets']), 'dataset')}, "
        f"{_n(config['seeds'], 'seed')} each "
        f"(hidden {config['hidden']}, {config['epochs']} epochs of Adam, "
        f"batch {config['batch_size']}, learning rate chosen per run from "
        f"{config['learning_rates']} on a validation split; the test split "
        f"touched once). {_n(timing['runs'], 'run')}, of which {timing['ran']} "
        f"ran now on {timing['engine']} in {timing['wall_seconds']:.0f} s. The mean "
        "score averages each dataset's score (accuracy or R^2)."
    )


def _markdown(summary, config, timing) -> str:
    parts = [
        "# actlab compare",
        "",
        _intro(summary, config, timing),
        "",
        verdict(summary),
        "",
        "## Ranking",
        "",
        _md_table(*ranking_rows(summary)),
        "",
    ]
    for stem, _, _ in FIGURES:
        title, text = _caption(stem, summary)
        parts += [f"## {title}", "", text, "", f"![{title}](figures/{stem}.png)", ""]
    parts += ["## Per dataset", ""]
    for ds in summary["datasets"]:
        parts += [f"### {ds}", "", _md_table(*dataset_rows(summary, ds)), ""]
    return "\n".join(parts)


_STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { background: #f3f3f3; }
img { max-width: 100%; }
figcaption { color: #555; font-size: 0.9em; }
"""


def _html(summary, config, timing, images) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>actlab compare</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>actlab compare</h1>",
        f"<p>{esc(_intro(summary, config, timing))}</p>",
        f"<p>{esc(verdict(summary))}</p>",
        "<h2>Ranking</h2>",
        _html_table(*ranking_rows(summary)),
    ]
    for stem, _, _ in FIGURES:
        title, text = _caption(stem, summary)
        parts.append(
            f'<h2>{esc(title)}</h2><figure><img id="fig-{stem}" alt="{esc(title)}" '
            f'src="data:image/png;base64,{images[stem]}">'
            f"<figcaption>{esc(text)}</figcaption></figure>"
        )
    parts.append("<h2>Per dataset</h2>")
    for ds in summary["datasets"]:
        parts += [f"<h3>{esc(ds)}</h3>", _html_table(*dataset_rows(summary, ds))]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
