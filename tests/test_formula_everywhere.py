"""A formula works wherever a name does: estimators, a saved model (rebuilt
through the safe parser), actlab train / predict, and the comparison."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import actlab
from actlab.cli import main
from actlab.errors import ActlabError
from actlab.nn._persist import _digest

MISH = "x*tanh(softplus(x))"


def test_an_estimator_with_a_formula_matches_the_builtin():
    X = np.random.default_rng(0).normal(size=(80, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    kw = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0, init="glorot")
    a = actlab.MLPClassifier(activation=MISH, **kw).fit(X, y)
    b = actlab.MLPClassifier(activation="mish", **kw).fit(X, y)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-9)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-8)


def test_a_saved_model_rebuilds_its_formula(tmp_path):
    X = np.linspace(-2, 2, 60)[:, None]
    model = actlab.MLPRegressor(
        (6,), activation="x*sigmoid(beta*x):beta=1.5", max_iter=20, random_state=0
    ).fit(X, X[:, 0] ** 2)
    model.save(tmp_path / "m.actlab")
    back = actlab.load(tmp_path / "m.actlab")
    assert back.network_.layers[0].activation.spec == "x*sigmoid(beta*x):beta=1.5"
    np.testing.assert_array_equal(back.predict(X), model.predict(X))


def test_a_forged_formula_in_a_model_file_runs_no_code(tmp_path):
    X = np.linspace(-2, 2, 30)[:, None]
    model = actlab.MLPRegressor((4,), activation="tanh(x)", max_iter=3).fit(X, X[:, 0])
    path = tmp_path / "m.actlab"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        meta, blob = json.loads(zf.read("metadata.json")), zf.read("arrays.npz")
    marker = tmp_path / "pwned"
    meta["activations"][0] = f"__import__('pathlib').Path('{marker}').touch()"
    meta["sha256"] = _digest(meta, blob)  # a forger recomputes the checksum
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps(meta))
        zf.writestr("arrays.npz", blob)
    with pytest.raises(ActlabError, match="cannot be loaded"):
        actlab.load(path)
    assert not marker.exists()


def test_actlab_train_and_predict_with_a_formula(tmp_path, capsys):
    out = tmp_path / "wine.actlab"
    code = main(
        [
            "train",
            "wine",
            "--activation",
            MISH,
            "--hidden",
            "8",
            "--epochs",
            "40",
            "--lr",
            "0.01",
            "--quiet",
            "--out",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0 and MISH in text
    accuracy = float(text.split("validation")[1].split("accuracy")[1].split(",")[0])
    assert accuracy > 0.85
    assert main(["predict", str(out), "wine", "--out", str(tmp_path / "p.csv")]) == 0
    assert len((tmp_path / "p.csv").read_text().splitlines()) == 179


def test_actlab_train_refuses_a_bad_formula(tmp_path, capsys):
    code = main(
        [
            "train",
            "wine",
            "--activation",
            "x*exp(",
            "--quiet",
            "--out",
            str(tmp_path / "m.actlab"),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "Traceback" not in err[0]
    assert not (tmp_path / "m.actlab").exists()


def test_compare_accepts_formulas(tmp_path):
    from actlab.compare import compare

    result = compare(
        ["tanh", "x*sigmoid(x)", "max(0, x)"],
        ["xor"],
        seeds=2,
        epochs=3,
        workers=1,
        out=tmp_path,
        progress=False,
    )
    assert {r["activation"] for r in result.rows} == {
        "tanh",
        "x*sigmoid(x)",
        "max(0, x)",
    }
    assert all(r["status"] == "ok" for r in result.rows)
