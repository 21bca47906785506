"""The training benchmark runs end to end and writes its JSON (no timings are
asserted: speed lives in bench/)."""

import importlib.util
import json
import math

from test_bench_smoke import load_bench as _load


def load_bench():
    return _load("train")


def test_quick_run_writes_every_row(tmp_path, capsys):
    out = tmp_path / "b.json"
    load_bench().main(["--quick", "--json", str(out)])
    rows = json.loads(out.read_text())
    assert "act/skl" in capsys.readouterr().out
    frameworks = {r["framework"] for r in rows}
    expected = {"actlab", "sklearn"}
    if importlib.util.find_spec("torch") is not None:
        expected.add("torch")
    assert frameworks == expected
    for row in rows:
        assert row["dataset"] == "digits", row
        assert math.isfinite(row["samples_per_s"]), row
        assert row["samples_per_s"] > 0, row
        assert 0 <= row["accuracy"] <= 1, row
        assert row["peak_mib"] > 0, row
        assert row["epochs_run"] == row["epochs"] == 2, row
