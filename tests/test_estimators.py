"""scikit-learn's own estimator checks, and the estimators on the seed's data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from actlab import ActlabError, MLPClassifier, MLPRegressor
from actlab.datasets import load

ESTIMATORS = [
    MLPRegressor((20,), "tanh", solver="lbfgs", random_state=0),
    MLPClassifier((20,), "tanh", solver="lbfgs", random_state=0),
    MLPClassifier((10,), "relu", max_iter=300, learning_rate_init=0.01, random_state=0),
]


def _expected_failures(estimator):
    if isinstance(estimator, MLPRegressor):
        # a non-convex fit reaches the same optimum only to the solver's
        # tolerance, not to the check's 1e-7 (scikit-learn's MLP is exempt too)
        return {
            "check_sample_weight_equivalence_on_dense_data": "non-convex fit "
            "agrees with repeated samples only to the solver's tolerance"
        }
    return {}


@pytest.mark.filterwarnings("ignore")  # the checks provoke warnings on purpose
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failures)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_classifier_per_layer_activations_and_proba_columns():
    ds = load("ring", random_state=0)
    model = MLPClassifier(
        (8, 4), ["tanh", "elu:alpha=0.5"], solver="lbfgs", random_state=0
    ).fit(ds.X, ds.y)
    proba = model.predict_proba(ds.X)
    assert proba.shape == (len(ds.X), 2) and np.allclose(proba.sum(axis=1), 1)
    assert model.score(ds.X, ds.y) >= 0.93
    assert [ly.activation.spec for ly in model.network_.layers] == [
        "tanh",
        "elu:alpha=0.5",
        "logistic",
    ]


def test_single_class_gives_one_probability_column():
    X = np.random.default_rng(0).normal(size=(10, 2))
    model = MLPClassifier((3,), max_iter=5, random_state=0).fit(X, ["a"] * 10)
    assert model.predict_proba(X).shape == (10, 1) and set(model.predict(X)) == {"a"}


def test_multiclass_digits_one_hidden_layer():
    from sklearn.model_selection import train_test_split

    ds = load("digits")
    Xa, Xb, ya, yb = train_test_split(
        ds.X / 16, ds.y, test_size=0.3, random_state=0, stratify=ds.y
    )
    model = MLPClassifier((64,), "relu", max_iter=60, learning_rate_init=0.01)
    model.set_params(random_state=0).fit(Xa, ya)
    assert model.score(Xb, yb) >= 0.97
    assert len(model.loss_curve_) == model.n_iter_ == 60


def test_bad_parameters_are_one_line_errors():
    X, y = np.zeros((4, 2)), [0, 1, 0, 1]
    with pytest.raises(ActlabError, match="solver must be"):
        MLPClassifier(solver="newton").fit(X, y)
    with pytest.raises(ActlabError, match="did you mean relu"):
        MLPClassifier(activation="reluu").fit(X, y)
    with pytest.raises(ActlabError, match="2 activations for 1 hidden"):
        MLPClassifier((4,), ["relu", "tanh"]).fit(X, y)


def test_early_stopping_on_a_held_out_fraction_keeps_the_best_weights():
    ds = load("digits")
    model = MLPClassifier(
        (32,),
        "relu",
        max_iter=300,
        learning_rate_init=0.01,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
    ).fit(ds.X / 16, ds.y)
    assert model.n_iter_ < 300  # stopped early
    assert len(model.validation_loss_curve_) == len(model.validation_scores_)
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_loss_ == min(model.validation_loss_curve_)
    assert max(model.validation_scores_) >= 0.95


def test_user_validation_set_gives_the_curves():
    sin = load("sin", random_state=0)
    model = MLPRegressor((8,), "tanh", max_iter=50, learning_rate_init=0.01)
    model.set_params(random_state=0).fit(
        sin.X, sin.y, validation_data=(sin.X, sin.clean)
    )
    assert len(model.validation_scores_) == 50
    assert model.validation_scores_[-1] > model.validation_scores_[0]


def test_bad_validation_fraction():
    with pytest.raises(ActlabError, match="validation_fraction"):
        MLPClassifier(early_stopping=True, validation_fraction=1.5).fit(
            np.zeros((10, 2)), [0, 1] * 5
        )
