"""The ``actlab`` command line: list, show, check, plot and the error paths."""

import json
import subprocess
import sys

import pytest

import actlab
from actlab.cli import main

JSON_KEYS = {
    "name",
    "parameters",
    "range",
    "monotonic",
    "smoothness",
    "output_form",
    "kinks",
}


def run(capsys, *argv):
    """``(exit code, stdout, stderr)`` of ``actlab argv`` run in-process."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse errors exit through parser.exit
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error(code, out, err):
    assert code == 2
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert "error:" in err
    return err.strip()


# ----- list -------------------------------------------------------------------
def test_list_prints_a_header_and_one_row_per_name(capsys):
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    header = lines[0].split()
    assert header[:2] == ["name", "parameters"]
    assert "kinks" in header
    assert set(lines[1]) == {"-"}
    rows = lines[2 : lines.index("")]
    assert [row.split()[0] for row in rows] == actlab.names()
    assert f"{len(actlab.names())} activations" in out
    assert "sigmoid->logistic" in out and "swish->silu" in out


def test_list_json_has_one_entry_per_name(capsys):
    code, out, err = run(capsys, "list", "--json")
    assert code == 0 and err == ""
    rows = json.loads(out)
    assert [r["name"] for r in rows] == actlab.names()
    for r in rows:
        assert JSON_KEYS <= set(r), r["name"]
    by_name = {r["name"]: r for r in rows}
    relu_kinks = by_name["relu"]["kinks"]
    assert [(k["at"], k["derivative"]) for k in relu_kinks] == [(0.0, 0.0)]
    assert by_name["silu"]["output_form"] is False
    assert by_name["tanh"]["output_form"] is True
    assert by_name["elu"]["parameters"] == {"alpha": 1.0}


# ----- show -------------------------------------------------------------------
def test_show_tanh_prints_formula_and_output_form(capsys):
    code, out, err = run(capsys, "show", "tanh")
    assert code == 0 and err == ""
    assert out.startswith("tanh:")
    assert "tanh(x)" in out
    assert "1 - a**2" in out


def test_show_silu_says_there_is_no_output_form(capsys):
    code, out, err = run(capsys, "show", "silu")
    assert code == 0 and err == ""
    assert "g' from a   : none" in out
    assert "not a function of g(z)" in out


def test_show_elu_spec_mentions_the_kink_and_alpha(capsys):
    code, out, err = run(capsys, "show", "elu:alpha=0.5")
    assert code == 0 and err == ""
    assert out.startswith("elu:alpha=0.5:")
    kinks = [line for line in out.splitlines() if "kink" in line]
    assert len(kinks) == 1
    assert "z = 0" in kinks[0] and "0.5" in kinks[0]


def test_show_alias_shows_the_target(capsys):
    code, out, _ = run(capsys, "show", "swish")
    assert code == 0
    assert out.startswith("silu:")


def test_show_softmax_works(capsys):
    code, out, err = run(capsys, "show", "softmax")
    assert code == 0 and err == ""
    assert out.startswith("softmax:")
    assert "vector: True" in out
    (values,) = [line for line in out.splitlines() if line.strip().startswith("g([")]
    probs = json.loads(values.split("=", 1)[1])
    assert len(probs) == 5
    assert sum(probs) == pytest.approx(1.0, abs=1e-5)


def test_show_softmax_does_not_print_none(capsys):
    code, out, _ = run(capsys, "show", "softmax")
    assert code == 0
    assert "None" not in out


def test_show_json_gelu_has_samples(capsys):
    code, out, err = run(capsys, "show", "--json", "gelu")
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["name"] == "gelu"
    assert d["output_form"] is False
    samples = d["samples"]
    assert [s["z"] for s in samples] == [-3.0, -1.0, 0.0, 1.0, 3.0]
    at_zero = samples[2]
    assert at_zero["f"] == 0.0
    assert at_zero["df"] == pytest.approx(0.5)
    assert all(s["df_from_output"] is None for s in samples)


# ----- check ------------------------------------------------------------------
def test_check_relu_float64_meets_targets(capsys):
    code, out, err = run(capsys, "check", "relu", "--dtype", "float64")
    assert code == 0, out
    assert "all targets met" in out
    assert "float64" in out and "float32" not in out


def test_check_relu_json_float32_passes(capsys):
    code, out, _ = run(capsys, "check", "relu", "--json", "--dtype", "float32")
    assert code == 0
    report = json.loads(out)
    assert report["passed"] is True
    rows = report["accuracy"]
    assert rows and {r["activation"] for r in rows} == {"relu"}
    assert {r["dtype"] for r in rows} == {"float32"}


def test_check_bad_name_exits_2_before_any_work(capsys, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("accuracy.check ran despite a bad name")

    monkeypatch.setattr("actlab.accuracy.check", must_not_run)
    code, out, err = run(capsys, "check", "relu", "reluu", "--dtype", "float64")
    msg = assert_usage_error(code, out, err)
    assert "did you mean relu" in msg


# ----- plot -------------------------------------------------------------------
MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".svg": b"<?xml", ".pdf": b"%PDF-"}


@pytest.mark.parametrize("suffix", list(MAGIC))
def test_plot_writes_the_format_of_the_extension(capsys, tmp_path, suffix):
    path = tmp_path / "tmp" / f"fig{suffix}"
    code, out, err = run(capsys, "plot", "-o", str(path))
    assert code == 0 and err == ""
    assert out.strip() == f"wrote {path}"
    assert path.read_bytes().startswith(MAGIC[suffix])


def test_plot_with_options_and_a_custom_list(capsys, tmp_path):
    path = tmp_path / "custom.png"
    argv = ["plot", "relu", "elu:alpha=0.5", "--output-form", "--range", "-2", "2"]
    code, out, err = run(capsys, *argv, "-o", str(path))
    assert code == 0 and err == ""
    assert "wrote" in out
    assert path.read_bytes().startswith(MAGIC[".png"])


def test_plot_jpg_is_refused_naming_the_format(capsys, tmp_path):
    path = tmp_path / "x.jpg"
    msg = assert_usage_error(*run(capsys, "plot", "-o", str(path)))
    assert ".jpg" in msg
    assert ".png" in msg and ".svg" in msg and ".pdf" in msg
    assert not path.exists()


@pytest.mark.parametrize("bounds", [("2", "-2"), ("1", "1"), ("-inf", "2")])
def test_plot_bad_range_exits_2(capsys, tmp_path, bounds):
    path = tmp_path / "fig.png"
    msg = assert_usage_error(*run(capsys, "plot", "--range", *bounds, "-o", str(path)))
    assert "range" in msg
    assert not path.exists()


# ----- error paths ------------------------------------------------------------
ERRORS = {
    "unknown-command": (["frob"], ["invalid choice", "'frob'", "list"]),
    "no-command": ([], ["required", "command"]),
    "unknown-activation": (["show", "reluu"], ["'reluu'", "did you mean relu"]),
    "not-a-number": (["show", "elu:alpha=abc"], ["alpha", "'abc'"]),
    "misspelled-parameter": (["show", "leaky_relu:alpah=0.1"], ["'alpah'", "alpha"]),
    "malformed-spec": (["show", "elu:alpha"], ["malformed", "key=value"]),
    "nothing-after-colon": (["show", "elu:"], ["malformed"]),
    "out-of-range": (["show", "celu:alpha=0"], ["celu", "alpha", "must lie in [1e-30"]),
    "show-missing-name": (["show"], ["required", "name"]),
    "dtype-float16": (["check", "relu", "--dtype", "float16"], ["float16", "float64"]),
    "plot-unknown": (["plot", "reluu"], ["did you mean relu"]),
    "plot-range-text": (["plot", "--range", "a", "b"], ["--range", "'a'"]),
}


@pytest.mark.parametrize(("argv", "fragments"), list(ERRORS.values()), ids=list(ERRORS))
def test_bad_usage_exits_2_with_one_stderr_line(capsys, argv, fragments):
    msg = assert_usage_error(*run(capsys, *argv))
    assert msg.startswith("actlab")
    for fragment in fragments:
        assert fragment in msg


def test_error_through_python_m_actlab_is_one_line_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "actlab", "show", "reluu"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("actlab show: error: unknown activation 'reluu'")
    assert "did you mean relu" in lines[0]
