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


def test_partial_fit_needs_classes_then_learns_in_passes():
    ds = load("xor", n=200, random_state=0)
    model = MLPClassifier((8,), "tanh", learning_rate_init=0.05, random_state=0)
    with pytest.raises(ActlabError, match="needs classes"):
        model.partial_fit(ds.X, ds.y)
    for _ in range(60):
        model.partial_fit(ds.X, ds.y, classes=[0, 1])
    assert model.n_iter_ == len(model.loss_curve_) == 60
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert model.score(ds.X, ds.y) >= 0.95
    with pytest.raises(ActlabError, match="classes changed"):
        model.partial_fit(ds.X, ds.y, classes=[0, 1, 2])
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")


def test_partial_fit_sees_every_class_up_front():
    X = np.random.default_rng(0).normal(size=(6, 2))
    model = MLPClassifier((3,), random_state=0).partial_fit(
        X, [0, 0, 1, 1, 0, 1], classes=[0, 1, 2]
    )
    assert model.predict_proba(X).shape == (6, 3)


def test_warm_start_continues_from_the_weights():
    sin = load("sin", random_state=0)
    cold = MLPRegressor((8,), "tanh", max_iter=20, learning_rate_init=0.01)
    cold.set_params(random_state=0, n_iter_no_change=100).fit(sin.X, sin.y)
    first = [ly.weights.copy() for ly in cold.network_.layers]
    cold.set_params(warm_start=True).fit(sin.X, sin.y)
    assert cold.n_iter_ == 40 and len(cold.loss_curve_) == 40
    assert not np.array_equal(first[0], cold.network_.layers[0].weights)
    assert cold.loss_curve_[-1] < cold.loss_curve_[19]


def test_class_weight_shifts_the_decision():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=400) > 1.0).astype(int)  # about 1 in 6
    plain = MLPClassifier((8,), "tanh", solver="lbfgs", random_state=0).fit(X, y)
    balanced = MLPClassifier(
        (8,), "tanh", solver="lbfgs", class_weight="balanced", random_state=0
    ).fit(X, y)
    assert balanced.predict(X).sum() > plain.predict(X).sum()
    with pytest.raises(ActlabError, match="balanced' needs all the data"):
        MLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1])


def test_float32_training_stays_float32():
    ds = load("digits")
    model = MLPClassifier((32,), "tanh", max_iter=5, dtype="float32", random_state=0)
    model.fit(ds.X / 16, ds.y)
    assert {ly.weights.dtype for ly in model.network_.layers} == {np.dtype("float32")}
    assert model.predict_proba(ds.X[:5] / 16).dtype == np.float32
    with pytest.raises(ActlabError, match="dtype must be float32 or float64"):
        MLPClassifier(dtype="int8").fit(ds.X, ds.y)


def test_callbacks_see_metrics_and_can_stop():
    ds = load("ring", random_state=0)
    seen = []

    def stop_at_five(model, metrics):
        seen.append(metrics)
        return metrics["epoch"] == 5

    model = MLPClassifier((4,), "logistic", callbacks=stop_at_five, random_state=0)
    model.fit(ds.X, ds.y, validation_data=(ds.X, ds.y))
    assert model.n_iter_ == 5 and [m["epoch"] for m in seen] == [1, 2, 3, 4, 5]
    assert {"loss", "validation_loss", "validation_score", "learning_rate"} <= set(
        seen[0]
    )
    assert seen[-1]["loss"] == model.loss_curve_[-1]
    with pytest.raises(ActlabError, match="callbacks must be"):
        MLPClassifier(callbacks=[1]).fit(ds.X, ds.y)


def test_verbose_draws_a_progress_bar(capsys):
    ds = load("and", random_state=0)
    MLPClassifier((2,), max_iter=3, verbose=True, n_iter_no_change=50).fit(ds.X, ds.y)
    err = capsys.readouterr().err
    assert "epoch [" in err and "3/3" in err and "loss" in err


def test_early_stopping_on_the_validation_score():
    ds = load("digits")
    model = MLPClassifier(
        (16,),
        "tanh",
        learning_rate_init=0.01,
        early_stopping=True,
        monitor="score",
        n_iter_no_change=3,
        random_state=0,
    ).fit(ds.X / 16, ds.y)
    assert model.n_iter_ < 200
    assert model.best_validation_score_ == max(model.validation_scores_)


def test_multilabel_targets_get_one_logistic_output_each():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 1] > 0]).astype(int)
    model = MLPClassifier((16,), "tanh", solver="lbfgs", random_state=0).fit(X, Y)
    assert model.network_.loss.name == "binary_cross_entropy"
    assert model.predict(X).shape == (300, 3) and model.predict_proba(X).shape == (
        300,
        3,
    )
    assert model.score(X, Y) >= 0.9  # subset accuracy


@pytest.mark.parametrize(
    "output, loss, fused",
    [
        ("tanh", "squared_error", False),  # -1/+1 targets
        ("logistic", "squared_error", False),  # the seed's pairing
        ("auto", "cross_entropy", True),  # softmax over two columns
    ],
)
def test_classifier_output_and_loss_chosen(output, loss, fused):
    ds = load("ring", n=30, random_state=0)
    model = MLPClassifier(
        (8,),
        "tanh",
        output_activation=output,
        loss=loss,
        solver="lbfgs",
        random_state=0,
    ).fit(ds.X, ds.y)
    assert model.network_.fused == fused
    proba = model.predict_proba(ds.X)
    assert proba.shape == (len(ds.X), 2) and np.allclose(proba.sum(axis=1), 1)
    assert model.score(ds.X, ds.y) >= 0.9
    if output == "tanh":
        assert model._neg == -1.0 and model._pos == 1.0


@pytest.mark.parametrize("loss", ["absolute_error", "huber:delta=0.5", "poisson"])
def test_regressor_losses(loss):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    rate = np.exp(X[:, 0] - 0.5 * X[:, 1])
    y = rng.poisson(rate).astype(float) if loss == "poisson" else rate
    model = MLPRegressor((8,), "tanh", loss=loss, solver="lbfgs", random_state=0)
    model.fit(X, y)
    if loss == "poisson":
        assert model.network_.layers[-1].activation.name == "exponential"
        assert model.network_.fused and (model.predict(X) > 0).all()
        assert np.corrcoef(model.predict(X), rate)[0, 1] > 0.9
    else:
        assert model.score(X, y) > 0.95
    with pytest.raises(ActlabError, match="targets >= 0"):
        MLPRegressor(loss="poisson").fit(X, -y - 1)


def test_loss_must_suit_the_estimator():
    X, y = np.zeros((4, 2)), [0, 1, 0, 1]
    with pytest.raises(ActlabError, match="does not suit MLPClassifier"):
        MLPClassifier(loss="poisson").fit(X, y)
    with pytest.raises(ActlabError, match="does not suit MLPRegressor"):
        MLPRegressor(loss="cross_entropy").fit(X, y)
    with pytest.raises(ActlabError, match="did you mean adaptive"):
        MLPClassifier(learning_rate="adaptiv").fit(X, y)


def test_dropout_and_adaptive_rate_train():
    ds = load("digits")
    model = MLPClassifier(
        (64,),
        "relu",
        dropout=0.2,
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.1,
        max_iter=40,
        random_state=0,
    ).fit(ds.X / 16, ds.y)
    assert model.network_.dropout == [0.2]
    assert model.score(ds.X / 16, ds.y) >= 0.97


def test_feature_names_in_from_a_dataframe():
    pd = pytest.importorskip("pandas")
    ds = load("iris")
    frame = pd.DataFrame(ds.X, columns=ds.feature_names)
    model = MLPClassifier((8,), "tanh", solver="lbfgs", random_state=0)
    model.fit(frame, ds.y)
    assert list(model.feature_names_in_) == ds.feature_names
    assert model.score(frame, ds.y) >= 0.95


def test_progress_bar_draws_the_last_state_on_close():
    import io

    from actlab._progress import ProgressBar

    out = io.StringIO()
    bar = ProgressBar(5, "epoch", stream=out)
    for done in (1, 2, 3):
        bar.update(done, f"loss {1 / done:.3f}")
    bar.close()  # stopped early: the line for 3/5 is written, not lost
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("epoch [") and "1/5" in lines[0]
    assert "3/5 loss 0.333" in lines[-1]


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLPClassifier((5,), "gelu", max_iter=3, alpha=0.01, random_state=0),
        lambda: MLPRegressor((5,), "mish", loss="huber", max_iter=3, random_state=0),
    ],
)
def test_check_gradients_of_a_fitted_estimator(make):
    from actlab.nn import check_gradients

    ds = load("ring", n=3, random_state=0)
    model = make().fit(ds.X, ds.y)
    assert check_gradients(model, ds.X, ds.y) < 1e-6


@pytest.mark.parametrize(
    "params, message",
    [
        ({"momentum": 5}, "momentum must be a finite number in"),
        ({"decay": -1}, "decay must be a finite number in"),
        ({"power_t": float("nan")}, "power_t must be"),
        ({"random_state": -1}, "random_state must be None"),
        ({"callbacks": 5}, "callbacks must be a callable"),
        ({"dropout": None}, "dropout rates"),
        ({"hidden_layer_sizes": None}, "hidden_layer_sizes must be positive"),
        ({"max_iter": True}, "max_iter must be a positive integer"),
    ],
)
def test_more_bad_parameters(params, message):
    X, y = np.random.default_rng(0).normal(size=(8, 2)), [0, 1] * 4
    with pytest.raises(ActlabError, match=message):
        MLPClassifier(**{"hidden_layer_sizes": (3,), **params}).fit(X, y)


def test_numpy_scalars_are_numbers():
    X, y = np.random.default_rng(0).normal(size=(8, 2)), [0, 1] * 4
    MLPClassifier(
        (3,),
        learning_rate_init=np.float32(0.01),
        alpha=np.float64(0),
        max_iter=np.int64(2),
    ).fit(X, y)


def test_negative_or_zero_weights_are_refused():
    X, y = np.random.default_rng(0).normal(size=(8, 2)), [0, 1] * 4
    with pytest.raises(ValueError, match="[Nn]egative"):
        MLPClassifier((3,)).fit(X, y, sample_weight=-np.ones(8))
    with pytest.raises(ValueError, match="at least one non-zero"):
        MLPClassifier((3,)).fit(X, y, sample_weight=np.zeros(8))


def test_vector_outputs_need_columns():
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    model = MLPClassifier((8,), output_activation="softmax", solver="lbfgs")
    model.set_params(random_state=0).fit(X, y)
    assert model.predict_proba(X).shape == (40, 2) and model.score(X, y) > 0.9
    with pytest.raises(ActlabError, match="acts across outputs"):
        MLPRegressor(output_activation="softmax").fit(X, X[:, 0])


def test_warm_start_refuses_a_different_network():
    X, y = np.random.default_rng(0).normal(size=(20, 2)), [0, 1] * 10
    model = MLPClassifier((3,), max_iter=2, warm_start=True).fit(X, y)
    with pytest.raises(ActlabError, match="hidden_layer_sizes changed"):
        model.set_params(hidden_layer_sizes=(5,)).fit(X, y)


def test_lbfgs_with_no_finite_loss_says_so():
    from actlab.nn import TrainingDiverged

    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(TrainingDiverged, match="no finite loss"):
        MLPRegressor((3,), solver="lbfgs").fit(X, X[:, 0] * 1e160)
