"""Saving and loading models: identical predictions, and no code on load."""

from __future__ import annotations

import json
import pickle
import zipfile

import numpy as np
import pytest

import actlab
from actlab import ActlabError, MLPClassifier, MLPRegressor
from actlab.datasets import load as load_data


@pytest.fixture(scope="module")
def fitted():
    ring = load_data("ring", random_state=0)
    clf = MLPClassifier((6,), ["elu:alpha=0.5"], solver="lbfgs", random_state=0)
    clf.fit(ring.X, np.where(ring.y == 1, "outer", "centre"))
    sin = load_data("sin", random_state=0)
    reg = MLPRegressor((3,), "tanh", solver="lbfgs", random_state=0).fit(sin.X, sin.y)
    return ring.X, sin.X, clf, reg


def test_round_trip_gives_identical_predictions(tmp_path, fitted):
    Xc, Xr, clf, reg = fitted
    for model, X in ((clf, Xc), (reg, Xr)):
        path = model.save(tmp_path / "m.actlab")
        again = actlab.load(path)
        np.testing.assert_array_equal(again.predict(X), model.predict(X))
        assert again.get_params() == model.get_params()
        assert again.loss_curve_ == model.loss_curve_
    assert list(actlab.load(clf.save(tmp_path / "c.actlab")).classes_) == [
        "centre",
        "outer",
    ]


def test_pickle_works_too(fitted):
    Xc, _, clf, _ = fitted
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(clf)).predict(Xc), clf.predict(Xc)
    )


def test_truncated_tampered_and_foreign_files(tmp_path, fitted):
    _, _, clf, _ = fitted
    path = clf.save(tmp_path / "m.actlab")
    data = path.read_bytes()
    (tmp_path / "cut.actlab").write_bytes(data[: len(data) // 2])
    with pytest.raises(ActlabError, match="not an actlab model file"):
        actlab.load(tmp_path / "cut.actlab")
    (tmp_path / "foreign.actlab").write_text("hello")
    with pytest.raises(ActlabError, match="not an actlab model file"):
        actlab.load(tmp_path / "foreign.actlab")
    with zipfile.ZipFile(path) as zf:
        meta, blob = json.loads(zf.read("metadata.json")), zf.read("arrays.npz")
    with zipfile.ZipFile(tmp_path / "tampered.actlab", "w") as zf:
        zf.writestr("metadata.json", json.dumps(meta))
        zf.writestr("arrays.npz", blob[:-10] + b"0123456789")
    with pytest.raises(ActlabError, match="has been modified"):
        actlab.load(tmp_path / "tampered.actlab")
    meta["format_version"] = 99
    with zipfile.ZipFile(tmp_path / "future.actlab", "w") as zf:
        zf.writestr("metadata.json", json.dumps(meta))
        zf.writestr("arrays.npz", blob)
    with pytest.raises(ActlabError, match="model format 99"):
        actlab.load(tmp_path / "future.actlab")
    with pytest.raises(ActlabError, match="no such model file"):
        actlab.load(tmp_path / "missing.actlab")


def test_unfitted_model_cannot_be_saved(tmp_path):
    with pytest.raises(ActlabError, match="not fitted"):
        MLPClassifier().save(tmp_path / "x.actlab")
