"""scikit-learn compatible estimators on the backprop core (work in progress:
fit/predict with any activation per layer, adam/sgd/lbfgs, L2, sample weights,
early stopping on a validation set; partial_fit and callbacks come next)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..errors import ActlabError
from ._network import Network
from ._optimizers import SGD, Adam, Schedule
from ._train import fit, fit_lbfgs

SOLVERS = ("adam", "sgd", "lbfgs")


class _BaseMLP(BaseEstimator):
    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        momentum=0.9,
        nesterovs_momentum=True,
        max_iter=200,
        init="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.max_iter = max_iter
        self.init = init
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state

    # the pieces subclasses supply
    def _output(self, n_outputs):  # -> (activation, loss)
        raise NotImplementedError

    def _hidden(self) -> tuple[list, list]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.isscalar(sizes) else list(sizes)
        acts = self.activation
        one = isinstance(acts, str) or not np.iterable(acts)
        acts = [acts] * len(sizes) if one else list(acts)
        if len(acts) != len(sizes):
            raise ActlabError(
                f"activation lists {len(acts)} activations for "
                f"{len(sizes)} hidden layers"
            )
        return sizes, acts

    def _split(self, X, T, sample_weight, validation, rng):
        """Training data and the validation set (given, or held out)."""
        if validation is not None:
            return X, T, sample_weight, validation
        if not self.early_stopping:
            return X, T, sample_weight, None
        if not 0 < self.validation_fraction < 1:
            raise ActlabError(
                "validation_fraction must lie in (0, 1), "
                f"got {self.validation_fraction!r}"
            )
        order = rng.permutation(len(X))
        n_val = max(1, int(round(self.validation_fraction * len(X))))
        val, train = order[:n_val], order[n_val:]
        w = None if sample_weight is None else np.asarray(sample_weight)[train]
        return X[train], T[train], w, (X[val], T[val])

    def _watch(self, validation):
        """A callback recording the validation loss and score each epoch and
        stopping after ``n_iter_no_change`` epochs without improving by ``tol``;
        it keeps the best weights seen."""
        Xv, Tv = validation
        state = {"best": np.inf, "wait": 0, "weights": None}

        def callback(epoch, loss):
            _, cache = self.network_.forward(Xv)
            vloss = self.network_.loss_value(cache, Tv)
            self.validation_loss_curve_.append(vloss)
            self.validation_scores_.append(self._score_targets(cache.output, Tv))
            if vloss < state["best"] - self.tol:
                state.update(best=vloss, wait=0)
                state["weights"] = [
                    (ly.weights.copy(), ly.bias.copy()) for ly in self.network_.layers
                ]
            else:
                state["wait"] += 1
            return state["wait"] >= self.n_iter_no_change

        return callback, state

    def _fit(self, X, T, sample_weight, validation=None):
        if self.solver not in SOLVERS:
            raise ActlabError(
                f"solver must be one of {', '.join(SOLVERS)}, got {self.solver!r}"
            )
        sizes, acts = self._hidden()
        out_act, loss = self._output(T.shape[1])
        rng = np.random.default_rng(self.random_state)
        X, T, sample_weight, validation = self._split(
            X, T, sample_weight, validation, rng
        )
        self.validation_loss_curve_, self.validation_scores_ = [], []
        self.network_ = Network(
            [X.shape[1], *sizes, T.shape[1]],
            [*acts, out_act],
            loss=loss,
            init=self.init,
            random_state=rng,
        )
        if self.solver == "lbfgs":
            history = fit_lbfgs(
                self.network_,
                X,
                T,
                max_iter=self.max_iter,
                weights=sample_weight,
                l2=self.alpha,
            )
        else:
            if self.solver == "adam":
                opt = Adam(self.learning_rate_init)
            else:
                opt = SGD(
                    self.learning_rate_init, self.momentum, self.nesterovs_momentum
                )
            batch = min(200, len(X)) if self.batch_size == "auto" else self.batch_size
            callback, state = (None, None)
            if validation is not None:
                callback, state = self._watch(validation)
            history = fit(
                self.network_,
                X,
                T,
                optimizer=opt,
                epochs=self.max_iter,
                batch_size=batch,
                schedule=Schedule(self.learning_rate),
                random_state=rng,
                weights=sample_weight,
                l2=self.alpha,
                callback=callback,
            )
            if state is not None and state["weights"] is not None:
                best = state["weights"]
                for layer, (w, b) in zip(self.network_.layers, best, strict=True):
                    layer.weights[...], layer.bias[...] = w, b
                self.best_validation_loss_ = state["best"]
        self.loss_curve_ = history.loss_curve
        self.best_loss_ = history.best_loss
        self.n_iter_ = history.n_iter
        return self

    def save(self, path):
        """Write the fitted model to ``path`` (arrays + JSON; see ``actlab.load``)."""
        from ._persist import save

        return save(self, path)

    def _forward(self, X):
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.predict(X)


class MLPRegressor(RegressorMixin, _BaseMLP):
    """A feed-forward regressor: any activation per hidden layer, identity
    output, squared error (the seed's SIN and ABS networks).

    >>> import numpy as np
    >>> from actlab import MLPRegressor
    >>> x = np.linspace(-3, 3, 50)[:, None]
    >>> model = MLPRegressor((8,), "tanh", solver="lbfgs", random_state=0)
    >>> model.fit(x, x[:, 0] ** 2).score(x, x[:, 0] ** 2) > 0.99
    True
    """

    def _output(self, n_outputs):
        return "identity", "squared_error"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y, sample_weight=None, validation_data=None):
        """Fit; ``validation_data=(X_val, y_val)`` drives early stopping and
        the validation curves (else ``early_stopping`` holds out a fraction)."""
        X, y = validate_data(
            self, X, y, multi_output=True, y_numeric=True, dtype=np.float64
        )
        T = y.reshape(len(y), -1).astype(np.float64)
        validation = None
        if validation_data is not None:
            Xv, yv = validation_data
            Xv = validate_data(self, Xv, reset=False, dtype=np.float64)
            validation = (Xv, np.asarray(yv, np.float64).reshape(len(Xv), -1))
        return self._fit(X, T, sample_weight, validation)

    def predict(self, X):
        out = self._forward(X)
        return out[:, 0] if out.shape[1] == 1 and self._single_output else out

    def _fit(self, X, T, sample_weight, validation=None):
        self._single_output = T.shape[1] == 1
        return super()._fit(X, T, sample_weight, validation)

    def _score_targets(self, out, T):
        total = np.sum((T - T.mean(axis=0)) ** 2, axis=0)
        residual = np.sum((T - out) ** 2, axis=0)
        return float(np.mean(1 - residual / np.where(total > 0, total, 1)))


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """A feed-forward classifier: logistic output and binary cross-entropy for
    two classes, softmax and cross-entropy for more (the fused ``a - t``).

    >>> from actlab import MLPClassifier
    >>> from actlab.datasets import load
    >>> xor = load("xor", random_state=0)
    >>> model = MLPClassifier((4,), "logistic", solver="lbfgs", random_state=0)
    >>> model.fit(xor.X, xor.y).score(xor.X, xor.y) > 0.95
    True
    """

    def _output(self, n_outputs):
        if n_outputs == 1:
            return "logistic", "binary_cross_entropy"
        return "softmax", "cross_entropy"

    def fit(self, X, y, sample_weight=None, validation_data=None):
        """Fit; ``validation_data=(X_val, y_val)`` drives early stopping and
        the validation curves (else ``early_stopping`` holds out a fraction)."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self._binarizer = LabelBinarizer().fit(y)
        self.classes_ = self._binarizer.classes_
        T = self._targets(y)
        validation = None
        if validation_data is not None:
            Xv, yv = validation_data
            Xv = validate_data(self, Xv, reset=False, dtype=np.float64)
            validation = (Xv, self._targets(np.asarray(yv)))
        return self._fit(X, T, sample_weight, validation)

    def _targets(self, y):
        if len(self.classes_) == 1:  # one class seen: the output says "that one"
            return np.ones((len(y), 1))
        return self._binarizer.transform(y).astype(np.float64)

    def _score_targets(self, out, T):
        if out.shape[1] == 1:
            return float(np.mean((out[:, 0] > 0.5) == (T[:, 0] > 0.5)))
        return float(np.mean(np.argmax(out, axis=1) == np.argmax(T, axis=1)))

    def predict_proba(self, X):
        out = self._forward(X)
        if len(self.classes_) == 1:
            return np.ones((len(out), 1))
        if out.shape[1] == 1:
            return np.hstack([1 - out, out])
        return out

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
