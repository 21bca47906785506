"""The seed's problems as SEED-EXPERIMENTS.md describes them, the bundled real
datasets, and CSV files with their error paths."""

from __future__ import annotations

import numpy as np
import pytest

from actlab import ActlabError
from actlab.datasets import NAMES, load, read_csv


@pytest.mark.parametrize(
    "name, truth", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])]
)
def test_logic_problems(name, truth):
    ds = load(name, n=30, random_state=0)
    assert ds.X.shape == (120, 2) and ds.task == "classification"
    np.testing.assert_array_equal(ds.y, np.repeat(truth, 30))
    corners = np.repeat([[0, 0], [0, 1], [1, 0], [1, 1]], 30, axis=0)
    assert np.std(ds.X - corners) == pytest.approx(0.15, rel=0.15)


def test_ring_has_one_ninth_class_zero_at_the_centre():
    ds = load("ring", n=40, random_state=1)
    assert ds.X.shape == (360, 2) and np.mean(ds.y == 0) == pytest.approx(1 / 9)
    centre = ds.X[ds.y == 0].mean(axis=0)
    np.testing.assert_allclose(centre, [0.5, 0.5], atol=0.05)


@pytest.mark.parametrize("name", ["sin", "abs"])
def test_regression_problems(name):
    ds = load(name, random_state=2)
    x = ds.X[:, 0]
    assert ds.X.shape == (200, 1) and ds.task == "regression"
    np.testing.assert_allclose(np.sort(x), np.linspace(-5, 5, 200))
    assert not np.all(np.diff(x) > 0)  # rows shuffled
    clean = 2.5 + np.sin(x) if name == "sin" else np.abs(x)
    np.testing.assert_allclose(ds.clean, clean)
    assert np.std(ds.y - clean) == pytest.approx(0.5, rel=0.15)


def test_seeded_and_reproducible():
    a, b = load("xor", random_state=5), load("xor", random_state=5)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, load("xor", random_state=6).X)


@pytest.mark.parametrize(
    "name, shape, task",
    [
        ("digits", (1797, 64), "classification"),
        ("breast_cancer", (569, 30), "classification"),
        ("wine", (178, 13), "classification"),
        ("iris", (150, 4), "classification"),
        ("diabetes", (442, 10), "regression"),
    ],
)
def test_bundled_real_datasets_load_offline(name, shape, task):
    ds = load(name)
    assert ds.X.shape == shape and ds.task == task and len(ds.y) == shape[0]


def test_unknown_dataset_names_close_matches():
    with pytest.raises(ActlabError, match="did you mean xor"):
        load("xorr")
    assert set(NAMES) >= {"and", "or", "xor", "ring", "sin", "abs", "digits"}


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_numeric_and_categorical(tmp_path):
    path = _write(tmp_path, "age,colour,y\n30,red,1\n40,blue,0\n50,red,1\n")
    ds = read_csv(path, "y")
    assert ds.feature_names == ["age", "colour=blue", "colour=red"]
    np.testing.assert_array_equal(ds.X, [[30, 0, 1], [40, 1, 0], [50, 0, 1]])
    assert ds.task == "classification" and ds.y.tolist() == [1, 0, 1]


def test_csv_regression_target_inferred_and_string_labels(tmp_path):
    ds = read_csv(_write(tmp_path, "x,y\n1,0.5\n2,1.7\n3,2.25\n"), "y")
    assert ds.task == "regression"
    ds = read_csv(_write(tmp_path, "x,kind\n1,cat\n2,dog\n", "b.csv"), "kind")
    assert ds.task == "classification" and list(ds.y) == ["cat", "dog"]


def test_csv_missing_values_reported_or_imputed(tmp_path):
    path = _write(tmp_path, "a,b,y\n1,x,0\n,x,1\n3,,1\n")
    with pytest.raises(
        ActlabError,
        match=r"2 missing values in 2 columns \(first: column 'a' at line 3\)",
    ):
        read_csv(path, "y")
    ds = read_csv(path, "y", impute=True)
    np.testing.assert_array_equal(ds.X[:, 0], [1, 2, 3])  # the mean
    np.testing.assert_array_equal(ds.X[:, 1], [1, 1, 1])  # the most frequent


@pytest.mark.parametrize(
    "text, target, kwargs, fragment",
    [
        ("", "y", {}, "is empty"),
        ("a,y\n", "y", {}, "no data rows"),
        ("a,b\n1,2\n", "y", {}, "no column 'y'"),
        ("a,why\n1,2\n", "wy", {}, "did you mean why"),
        ("a,y\n1,cat\n", "y", {"task": "regression"}, "not numeric"),
        ("a,y\n1,2,3\n", "y", {}, "line 2 has 3 fields"),
        ("a,y\n1,\n", "y", {}, "missing target"),
        ("a,y\n1,2\n", "y", {"task": "clustering"}, "task must be"),
    ],
)
def test_csv_errors(tmp_path, text, target, kwargs, fragment):
    with pytest.raises(ActlabError, match=fragment):
        read_csv(_write(tmp_path, text), target, **kwargs)


def test_csv_file_that_does_not_exist(tmp_path):
    with pytest.raises(ActlabError, match="no such CSV file"):
        read_csv(tmp_path / "nope.csv", "y")
