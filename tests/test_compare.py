"""actlab compare: runs, the store, the engines, the statistics, the report."""

from __future__ import annotations

import io
import json
import math
import multiprocessing
import re
import sqlite3

import numpy as np
import pytest
from scipy import stats

import actlab.compare as cmp
from actlab.cli import main
from actlab.compare import _stats
from actlab.compare._runs import Data, RunSpec, _stuck_fraction, run
from actlab.compare._store import Store
from actlab.errors import ActlabError
from actlab.nn import Network

SMALL = dict(seeds=2, epochs=4, progress=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    result = cmp.compare(
        ["tanh", "relu", "x*sigmoid(x)"],
        ["xor", "wine", "sin"],
        out=out,
        workers=1,
        **SMALL,
    )
    return result


# a run ----------------------------------------------------------------------
def test_a_run_records_what_the_issue_names():
    r = run(RunSpec("tanh", Data("xor"), 0, epochs=20))
    assert r["status"] == "ok" and r["reason"] is None
    assert r["task"] == "classification" and r["score_name"] == "accuracy"
    assert 0.9 <= r["score"] <= 1.0 and r["test_loss"] > 0
    assert r["learning_rate"] in (0.003, 0.01, 0.03)
    assert len(r["validation_losses"]) == 3
    assert (
        r["learning_rate"]
        == (0.003, 0.01, 0.03)[int(np.argmin(r["validation_losses"]))]
    )
    assert len(r["curve"]) == r["epochs"] == 20
    # the target: half the loss of the best constant prediction (log 2 here)
    assert r["target_loss"] == pytest.approx(0.5 * math.log(2), rel=0.05)
    reached = next(i for i, v in enumerate(r["curve"]) if v <= r["target_loss"]) + 1
    assert r["epochs_to_target"] == reached and r["seconds_to_target"] > 0
    assert len(r["grad_norm_start"]) == len(r["grad_norm_end"]) == 2
    assert r["grad_norm_end"][0] < r["grad_norm_start"][0]
    assert 0 <= r["stuck_fraction"] <= 1


def test_a_run_is_a_function_of_its_spec():
    spec = RunSpec("relu", Data("sin"), 3, epochs=5)
    a, b = run(spec), run(spec)
    for rec in (a, b):
        rec.pop("seconds"), rec.pop("seconds_to_target")
    assert a == b
    c = run(RunSpec("relu", Data("sin"), 4, epochs=5))
    assert c["score"] != a["score"]


def test_regression_scores_in_the_targets_units():
    r = run(RunSpec("tanh", Data("diabetes"), 0, epochs=10))
    assert r["score_name"] == "r2" and r["loss_name"] == "mse"
    assert 0.2 < r["score"] < 0.7
    assert 1000 < r["test_loss"] < 6000  # diabetes targets are ~25-346


def test_a_diverged_run_is_a_result_not_a_crash():
    r = run(
        RunSpec("exponential", Data("diabetes"), 0, epochs=3, learning_rates=(100.0,))
    )
    assert r["status"] == "failed" and "diverged" in r["reason"]
    assert r["score"] is None and r["validation_losses"] == [None]
    r = run(
        RunSpec(
            "exponential", Data("diabetes"), 0, epochs=3, learning_rates=(100.0, 0.01)
        )
    )
    assert r["status"] == "ok" and r["learning_rate"] == 0.01
    assert "rate 100" in r["reason"]


def test_the_key_hashes_everything_that_determines_a_run():
    base = RunSpec("tanh", Data("xor"), 0)
    keys = {
        base.key,
        RunSpec("relu", Data("xor"), 0).key,
        RunSpec("tanh", Data("ring"), 0).key,
        RunSpec("tanh", Data("xor"), 1).key,
        RunSpec("tanh", Data("xor"), 0, hidden=(16,)).key,
        RunSpec("tanh", Data("xor"), 0, epochs=10).key,
        RunSpec("tanh", Data("xor"), 0, learning_rates=(0.1,)).key,
    }
    assert len(keys) == 7
    assert RunSpec("tanh", Data("xor"), 0).key == base.key


def test_stuck_units_are_those_with_a_flat_mean_slope():
    net = Network([2, 4, 1], ["relu", "identity"], random_state=0)
    X = np.random.default_rng(0).normal(size=(50, 2))
    net.layers[0].bias[:] = [-100, -100, 0, 0]  # two dead relu units
    assert _stuck_fraction(net, X, 1e-2) == 0.5
    net = Network([2, 4, 1], ["logistic", "identity"], random_state=0)
    net.layers[0].weights[:] = 1e3  # every logistic unit saturated
    assert _stuck_fraction(net, X, 1e-2) == 1.0


# the statistics ---------------------------------------------------------------
def test_interval_is_the_t_interval():
    v = [0.9, 0.92, 0.95, 0.91, 0.93]
    mean, low, high = _stats._interval(v)
    ref = stats.t.interval(0.95, 4, loc=np.mean(v), scale=stats.sem(v))
    assert mean == pytest.approx(np.mean(v))
    assert (low, high) == pytest.approx(ref)


def test_holm():
    adj = _stats._holm({"a": 0.01, "b": 0.04, "c": 0.03, "d": None})
    assert adj["a"] == pytest.approx(0.03) and adj["c"] == pytest.approx(0.06)
    assert adj["b"] == pytest.approx(0.06) and adj["d"] is None


def _rows(table):
    """Rows from ``{(dataset, activation): [scores per seed]}``."""
    return [
        {
            "dataset": d,
            "activation": a,
            "seed": s,
            "status": "ok",
            "score": v,
            "reason": None,
            "score_name": "accuracy",
            "test_loss": 1 - v,
            "stuck_fraction": 0.0,
            "epochs_to_target": 3,
            "seconds": 0.1,
            "learning_rate": 0.01,
        }
        for (d, a), values in table.items()
        for s, v in enumerate(values)
    ]


def test_paired_test_friedman_and_critical_difference():
    rng = np.random.default_rng(0)
    acts, datasets = ["a", "b", "c"], [f"d{i}" for i in range(6)]
    table = {}
    for d in datasets:
        noise = rng.normal(0, 0.01, 5)
        table[(d, "a")] = list(0.8 + noise)
        table[(d, "b")] = list(0.9 + noise + rng.normal(0, 0.001, 5))
        table[(d, "c")] = list(0.85 + rng.normal(0, 0.01, 5))
    s = _stats.summarise(_rows(table), acts, datasets, "a")
    cell = s["per_dataset"]["d0"]["cells"]["b"]
    ref = stats.ttest_rel(table[("d0", "b")], table[("d0", "a")])
    assert cell["versus_baseline"]["p"] == pytest.approx(ref.pvalue)
    assert cell["versus_baseline"]["significant"]
    r = s["ranking"]
    assert [row["activation"] for row in r["table"]] == ["b", "c", "a"]
    assert r["table"][0]["average_rank"] == 1.0 and r["table"][0]["wins"] == 6
    chi2, p = stats.friedmanchisquare(
        *[[np.mean(table[(d, a)]) for d in datasets] for a in acts]
    )
    assert r["friedman_p"] == pytest.approx(p) and r["friedman_significant"]
    # Demsar (2006), table 5: q_0.05 = 2.343 for three classifiers
    assert r["q_alpha"] == pytest.approx(2.343, abs=1e-3)
    cd = 2.343 * math.sqrt(3 * 4 / 36)
    assert r["critical_difference"] == pytest.approx(cd, rel=1e-3)
    assert r["table"][0]["better_than_baseline"] == 6


def test_a_cell_with_no_finished_run_ranks_last():
    table = {("d", "a"): [0.5, 0.6], ("d", "b"): [0.7, 0.8]}
    rows = _rows(table)
    rows += [
        {
            "dataset": "d",
            "activation": "c",
            "seed": 0,
            "status": "failed",
            "score": None,
            "reason": "diverged",
            "score_name": None,
        }
    ]
    s = _stats.summarise(rows, ["a", "b", "c"], ["d"], "a")
    assert [r["activation"] for r in s["ranking"]["table"]] == ["b", "a", "c"]
    assert s["per_dataset"]["d"]["cells"]["c"]["failures"][0]["reason"] == "diverged"
    assert "need at least" in s["ranking"]["note"]


def test_tied_best_activations_share_the_win():
    table = {("d", "a"): [1.0, 1.0], ("d", "b"): [1.0, 1.0], ("d", "c"): [0.5, 0.6]}
    s = _stats.summarise(_rows(table), ["a", "b", "c"], ["d"], "a")
    wins = {row["activation"]: row["wins"] for row in s["ranking"]["table"]}
    assert wins == {"a": 1, "b": 1, "c": 0}


def test_no_significance_is_said_plainly():
    from actlab.compare._report import verdict

    table = {(d, a): [0.5, 0.6, 0.55] for d in ("x", "y") for a in "abc"}
    s = _stats.summarise(_rows(table), list("abc"), ["x", "y"], "a")
    assert "no significant difference" in verdict(s)


# the store -------------------------------------------------------------------
def _writer(args):
    path, start = args
    with Store(path) as store:
        for i in range(start, start + 60):
            store.add(
                {
                    "key": f"k{i % 90}",
                    "activation": "tanh",
                    "seed": i,
                    "curve": [1.0, 0.5],
                }
            )


def test_concurrent_writers_never_corrupt_the_store(tmp_path):
    path = tmp_path / "r.sqlite"
    Store(path).close()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        pool.map(_writer, [(path, 0), (path, 30), (path, 60)])
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = Store(path).rows()
    assert sorted(r["key"] for r in rows) == sorted(f"k{i}" for i in range(90))
    assert all(r["curve"] == [1.0, 0.5] for r in rows)


# the whole command --------------------------------------------------------------
def test_the_report_files(small):
    out = small.out
    for name in (
        "results.csv",
        "summary.json",
        "report.md",
        "report.html",
        "results.sqlite",
    ):
        assert (out / name).is_file()
    lines = (out / "results.csv").read_text().splitlines()
    assert len(lines) == 1 + 3 * 3 * 2
    assert lines[0].startswith("key,activation,dataset,seed,version,status")
    assert lines[0].endswith(",curve")
    import csv

    with (out / "results.csv").open() as fh:
        first = next(csv.DictReader(fh))
    assert len(json.loads(first["curve"])) == 4  # the epochs
    summary = json.loads((out / "summary.json").read_text())
    assert summary["config"]["activations"] == ["tanh", "relu", "x*sigmoid(x)"]
    assert {row["activation"] for row in summary["ranking"]["table"]} == set(
        summary["config"]["activations"]
    )
    assert summary["timing"]["runs"] == 18
    md = (out / "report.md").read_text()
    assert "| rank | activation |" in md and "figures/cd.png" in md
    for stem, *_ in cmp._report.FIGURES:
        assert (out / "figures" / f"{stem}.png").stat().st_size > 1000


def test_rerunning_skips_finished_runs_and_fresh_starts_over(small, tmp_path):
    again = cmp.compare(
        ["tanh", "relu", "x*sigmoid(x)"],
        ["xor", "wine", "sin"],
        out=small.out,
        workers=1,
        **SMALL,
    )
    assert again.timing["ran"] == 0 and again.timing["stored_before"] == 18
    assert cmp.same_results(again.rows, small.rows)
    more = cmp.compare(
        ["tanh", "relu"],
        ["xor"],
        out=small.out,
        workers=1,
        seeds=3,
        epochs=4,
        progress=False,
    )
    assert more.timing["ran"] == 2  # only seed 2 is new
    fresh = cmp.compare(
        ["tanh", "relu"], ["xor"], out=small.out, workers=1, fresh=True, **SMALL
    )
    assert fresh.timing["ran"] == 4


def test_an_interrupted_comparison_keeps_what_it_finished(tmp_path, monkeypatch):
    real_map = cmp.Local.map

    def interrupted(self, specs):
        for i, item in enumerate(real_map(self, specs)):
            if i == 3:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(cmp.Local, "map", interrupted)
    with pytest.raises(cmp.Interrupted, match="3 of 8 runs are stored"):
        cmp.compare(["tanh", "relu"], ["xor", "and"], out=tmp_path, workers=1, **SMALL)
    assert len(Store(tmp_path / "results.sqlite").rows()) == 3
    monkeypatch.setattr(cmp.Local, "map", real_map)
    done = cmp.compare(
        ["tanh", "relu"], ["xor", "and"], out=tmp_path, workers=1, **SMALL
    )
    assert done.timing["ran"] == 5 and len(done.rows) == 8


def test_engines_give_the_same_rows(tmp_path):
    distributed = pytest.importorskip("distributed")
    args = (["tanh", "softplus"], ["xor", "diabetes"])
    one = cmp.compare(*args, out=tmp_path / "one", workers=1, **SMALL)
    two = cmp.compare(*args, out=tmp_path / "two", workers=2, **SMALL)
    dask = cmp.compare(*args, out=tmp_path / "dask", dask_local=2, **SMALL)
    assert dask.timing["engine"] == "Dask LocalCluster of 2"
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        dashboard_address=None,
        host="127.0.0.1",
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        remote = cmp.compare(*args, out=tmp_path / "remote", scheduler=address, **SMALL)
    assert remote.timing["engine"] == f"Dask at {address}"
    assert len(one.rows) == 8
    for other in (two, dask, remote):
        assert cmp.same_results(one.rows, other.rows)
    assert not cmp.same_results(one.rows, one.rows[1:])


def test_one_seed_has_no_interval_but_a_report(tmp_path):
    result = cmp.compare(
        ["tanh", "relu", "elu"],
        ["and", "or"],
        out=tmp_path,
        workers=1,
        seeds=1,
        epochs=2,
        progress=False,
    )
    cell = result.summary["per_dataset"]["and"]["cells"]["relu"]
    assert cell["n"] == 1 and math.isnan(cell["low"])
    assert cell["versus_baseline"]["p"] is None
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["per_dataset"]["and"]["cells"]["relu"]["low"] is None
    assert "[" in (tmp_path / "report.md").read_text()


def test_progress_bar_counts_runs(tmp_path):
    stream = io.StringIO()
    cmp.compare(
        ["tanh", "relu"],
        ["and"],
        out=tmp_path,
        workers=1,
        seeds=2,
        epochs=2,
        stream=stream,
    )
    text = stream.getvalue()
    assert "runs [" in text and "4/4" in text and "left 0" in text


def test_a_csv_dataset(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    path = tmp_path / "mine.csv"
    path.write_text(
        "a,b,c,label\n"
        + "\n".join(f"{r[0]},{r[1]},{r[2]},{t}" for r, t in zip(X, y, strict=True))
        + "\n"
    )
    result = cmp.compare(
        ["tanh", "relu"],
        [],
        data=path,
        target="label",
        out=tmp_path / "out",
        workers=1,
        **SMALL,
    )
    (ds,) = result.summary["datasets"]
    assert ds.startswith("mine@")
    assert result.summary["per_dataset"][ds]["cells"]["tanh"]["mean"] > 0.8


# the report in a browser ------------------------------------------------------------
def test_the_html_report_renders_in_chromium(small):
    import browser

    path = browser.find_browser()
    if path is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    page = browser.open_page(small.out / "report.html", path)
    assert page["errors"] == []
    assert page["title"] == "actlab compare"
    assert len(page["images"]) == len(cmp._report.FIGURES)
    assert all(img["loaded"] and img["width"] > 100 for img in page["images"])


def test_the_browser_check_can_fail(tmp_path):
    import browser

    path = browser.find_browser()
    if path is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><body><img src="data:image/png;base64,AAAA">'
        "<script>console.error('boom')</script></body></html>"
    )
    seen = browser.open_page(page, path)
    assert "boom" in seen["errors"] and not seen["images"][0]["loaded"]


# bad input ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(activations=["tanh", "rleu"]), "unknown activation 'rleu'"),
        (dict(activations=["tanh", "x*__import__('os')"]), "__import__"),
        (
            dict(datasets=["xor", "digts"]),
            "unknown dataset 'digts'; did you mean digits",
        ),
        (dict(activations=["relu", "elu"]), "the baseline tanh is not among"),
        (dict(activations=["tanh", "tanh"]), "listed twice"),
        (dict(activations=["tanh", "softmax"]), "acts across units"),
        (dict(data="nowhere.csv", target="y"), "nowhere.csv"),
        (dict(data="x.csv"), "--data needs --target"),
        (dict(seeds=0), "seeds must be"),
        (dict(seeds=10**20), "seeds must be a whole number from 1 to 1000"),
        (dict(activations=["tanh", "x/0"]), "is not real and finite"),
        (dict(activations=["tanh", "log(-abs(x)-1)"]), "no real, finite kernel"),
        (
            dict(activations=["tanh", "sigmoid", "logistic"]),
            "'sigmoid' and 'logistic' are both logistic",
        ),
        (dict(baseline="tanhh"), "--baseline: unknown activation 'tanhh'"),
        (dict(out=""), "--out must name a directory"),
    ],
)
def test_bad_input_is_refused_before_any_run(tmp_path, kwargs, message):
    args = dict(activations=["tanh", "relu"], datasets=["xor"], out=tmp_path / "o")
    args.update(kwargs)
    with pytest.raises(
        ActlabError,
        match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*"),
    ):
        cmp.compare(args.pop("activations"), args.pop("datasets"), **args)
    assert not (tmp_path / "o" / "results.sqlite").exists()


def _csv(path, labels):
    rng = np.random.default_rng(0)
    rows = [f"{rng.normal():.4f},{rng.normal():.4f},{lab}" for lab in labels]
    path.write_text("a,b,label\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0, 1, 0], "has 3 rows; a comparison splits off test and validation rows"),
        ([0] * 30 + [1], "class '1' (1) has fewer than 5 rows"),
        ([1] * 30, "has only one class (1)"),
        (list(range(12)) * 5, "its test and validation splits (15 and 9 rows) need"),
    ],
)
def test_csv_data_too_small_to_split_is_refused(tmp_path, labels, message):
    path = _csv(tmp_path / "few.csv", labels)
    with pytest.raises(ActlabError, match=re.escape(message)):
        cmp.compare(
            ["tanh", "relu"],
            [],
            data=path,
            target="label",
            out=tmp_path / "o",
            workers=1,
            **SMALL,
        )
    assert not (tmp_path / "o").exists()


def test_the_same_difference_on_every_seed_is_a_sign_test():
    table = {("d", "a"): [0.5, 0.6], ("d", "b"): [0.52, 0.62]}
    s = _stats.summarise(_rows(table), ["a", "b"], ["d"], "a")
    test = s["per_dataset"]["d"]["cells"]["b"]["versus_baseline"]
    assert test["p"] == pytest.approx(0.5) and not test["significant"]


def test_accuracy_intervals_stay_within_0_and_1():
    table = {("d", "a"): [0.99, 1.0, 0.9], ("d", "b"): [0.5, 0.6, 0.7]}
    cell = _stats.summarise(_rows(table), ["a", "b"], ["d"], "a")["per_dataset"]["d"]
    assert cell["cells"]["a"]["high"] == 1.0 and cell["cells"]["a"]["low"] > 0.7


def test_a_repeated_rate_is_trained_once():
    runs, config = cmp.plan(["tanh"], ["xor"], learning_rates=(0.01, 0.01, 0.1))
    assert config["learning_rates"] == [0.01, 0.1]


def test_cli_compare(tmp_path, capsys):
    code = main(
        [
            "compare",
            "--activations",
            "tanh,relu",
            "--datasets",
            "and,xor",
            "--seeds",
            "2",
            "--epochs",
            "3",
            "--workers",
            "1",
            "--quiet",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["rank", "activation", "average"]
    assert "8 runs (8 now, 0 stored earlier)" in out
    assert f"wrote {tmp_path / 'report.html'}" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--activations", "tanh,nope"], "unknown activation 'nope'"),
        (["--datasets", "xor,nope"], "unknown dataset 'nope'"),
        (["--activations", "tanh,x+"], "formula"),
        (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
        (["--data", "missing.csv", "--target", "y"], "missing.csv"),
        (["--target", "y"], "--target names a column of --data"),
        (["--seeds", "0"], "must be 1 or more"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, message):
    if "--scheduler" in argv:
        pytest.importorskip("distributed")
    code = 2
    try:
        code = main(["compare", "--out", str(tmp_path / "o"), "--quiet", *argv])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert message in err[-1] and "Traceback" not in "\n".join(err)
    assert not (tmp_path / "o" / "results.sqlite").exists()


def test_formula_specs_with_commas_split_right():
    from actlab.cli import _spec_list

    assert _spec_list("tanh,max(0,x),where(x>0,x,0.1*x)") == [
        "tanh",
        "max(0,x)",
        "where(x>0,x,0.1*x)",
    ]
    assert _spec_list("selu:alpha=1.5,scale=1,relu") == [
        "selu:alpha=1.5,scale=1",
        "relu",
    ]
