"""The elementwise benchmark runs end to end and writes its JSON (no timings
are asserted: speed lives in bench/)."""

import importlib.util
import json
import math
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
ACTIVATIONS = ("logistic", "relu", "softmax")


def load_bench(name="elementwise"):
    """A bench/ script as a module."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_run_writes_every_row(tmp_path, capsys):
    out = tmp_path / "b.json"
    load_bench().main(
        ["--quick", "--activations", ",".join(ACTIVATIONS), "--json", str(out)]
    )
    rows = json.loads(out.read_text())
    assert "logistic" in capsys.readouterr().out
    for name in ACTIVATIONS:
        for dtype in ("float32", "float64"):
            ops = {
                r["op"]: r
                for r in rows
                if r["activation"] == name and r["dtype"] == dtype
            }
            assert {"copy", "forward"} <= ops.keys(), (name, dtype)
            assert any(op.startswith("backward(") for op in ops), (name, dtype)
            for row in ops.values():
                assert math.isfinite(row["ns_per_element"]), row
                assert row["ns_per_element"] > 0, row
                assert row["size"] == 100_000, row
