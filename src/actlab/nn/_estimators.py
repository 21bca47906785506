"""scikit-learn compatible estimators on the backprop core.

Beyond scikit-learn's MLP: any activation and one per hidden layer, the
output activation and loss chosen or inferred, dropout, early stopping on the
validation loss or score with a held-out fraction or a given validation set,
sample and class weights, ``partial_fit`` and ``warm_start``, float32 or
float64, callbacks that see each epoch's metrics and can stop training, and a
progress bar.
"""

from __future__ import annotations

import math
import numbers
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
)
from sklearn.utils.validation import validate_data as _validate

from .._progress import ProgressBar
from ..activations import get
from ..errors import ActlabError, did_you_mean
from ._losses import get_loss
from ._network import Network
from ._optimizers import SGD, Adam, ReduceOnPlateau, Schedule
from ._train import TrainingDiverged, fit, fit_lbfgs

SOLVERS = ("adam", "sgd", "lbfgs")
LEARNING_RATES = ("constant", "invscaling", "exponential", "adaptive")
MONITORS = ("loss", "score")
DTYPES = ("float32", "float64")


def _choice(what, value, allowed):
    if not (isinstance(value, str) and value in allowed):
        hint = did_you_mean(value, allowed) if isinstance(value, str) else ""
        raise ActlabError(
            f"{what} must be one of {', '.join(allowed)}, got {value!r}{hint}"
        )
    return value


def _integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _steps(model) -> bool:
    """``partial_fit`` exists for the solvers that take steps (as in
    scikit-learn's MLP)."""
    if model.solver == "lbfgs":
        raise AttributeError(
            "partial_fit needs solver 'sgd' or 'adam' (lbfgs has no steps)"
        )
    return True


class _BaseMLP(BaseEstimator):
    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        loss="auto",
        output_activation="auto",
        alpha=0.0001,
        dropout=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        decay=0.95,
        momentum=0.9,
        nesterovs_momentum=True,
        max_iter=200,
        shuffle=True,
        init="auto",
        early_stopping=False,
        monitor="loss",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        dtype="float64",
        callbacks=None,
        verbose=False,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.loss = loss
        self.output_activation = output_activation
        self.alpha = alpha
        self.dropout = dropout
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.decay = decay
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.init = init
        self.early_stopping = early_stopping
        self.monitor = monitor
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.dtype = dtype
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state

    # the pieces subclasses supply -----------------------------------------
    _LOSSES: tuple = ()

    def _output(self, n_outputs):  # -> (activation, loss)
        raise NotImplementedError

    def _score_targets(self, out, T) -> float:
        raise NotImplementedError

    # validation of the parameters -------------------------------------------
    def _np_dtype(self):
        try:
            dtype = None if self.dtype is None else np.dtype(self.dtype)
        except TypeError:
            dtype = None
        if dtype is None or dtype.name not in DTYPES:
            raise ActlabError(f"dtype must be float32 or float64, got {self.dtype!r}")
        return dtype

    def _validate(self, X, y="no_validation", *, reset, **kw):
        return _validate(self, X, y, reset=reset, dtype=self._np_dtype(), **kw)

    def _hidden(self) -> tuple[list, list]:
        sizes = self.hidden_layer_sizes
        if sizes is None or isinstance(sizes, (str, bool)):
            sizes = [sizes]
        sizes = [sizes] if np.isscalar(sizes) else list(sizes)
        if not all(_integer(s) and s >= 1 for s in sizes):
            raise ActlabError(
                f"hidden_layer_sizes must be positive integers, got {sizes!r}"
            )
        acts = self.activation
        one = isinstance(acts, str) or not np.iterable(acts)
        acts = [acts] * len(sizes) if one else list(acts)
        if len(acts) != len(sizes):
            raise ActlabError(
                f"activation lists {len(acts)} activations for "
                f"{len(sizes)} hidden layers"
            )
        return sizes, acts

    def _loss_name(self) -> str | None:
        """The loss asked for (None: infer it); refuses one that does not fit
        this kind of estimator."""
        if self.loss == "auto":
            return None
        name = get_loss(self.loss).name
        if name not in self._LOSSES:
            raise ActlabError(
                f"loss {name!r} does not suit {type(self).__name__} "
                f"(use one of: {', '.join(self._LOSSES)})"
            )
        return self.loss

    def _check_params(self):
        _choice("solver", self.solver, SOLVERS)
        _choice("learning_rate", self.learning_rate, LEARNING_RATES)
        _choice("monitor", self.monitor, MONITORS)
        for name in ("max_iter", "n_iter_no_change"):
            value = getattr(self, name)
            if not (_integer(value) and value >= 1):
                raise ActlabError(f"{name} must be a positive integer, got {value!r}")
        ranges = {  # name: (low, high, low included)
            "alpha": (0, math.inf, True),
            "tol": (0, math.inf, True),
            "learning_rate_init": (0, math.inf, False),
            "momentum": (0, 1, True),
            "decay": (0, 1, False),
            "power_t": (0, math.inf, True),
        }
        for name, (low, high, closed) in ranges.items():
            value = getattr(self, name)
            ok = _real(value) and math.isfinite(value) and value <= high
            ok = ok and (value >= low if closed else value > low)
            if not ok or (name == "momentum" and value == 1):
                bracket = "[" if closed else "("
                top = "inf)" if high == math.inf else f"{high})"
                if name == "decay":
                    top = "1]"
                raise ActlabError(
                    f"{name} must be a finite number in {bracket}{low}, {top}, "
                    f"got {value!r}"
                )
        if self.random_state is not None and not (
            (_integer(self.random_state) and self.random_state >= 0)
            or isinstance(self.random_state, np.random.Generator)
        ):
            raise ActlabError(
                "random_state must be None, a non-negative integer or a numpy "
                f"Generator, got {self.random_state!r}"
            )
        bs = self.batch_size
        if bs != "auto" and not (isinstance(bs, (int, np.integer)) and bs >= 1):
            raise ActlabError(
                f"batch_size must be 'auto' or a positive integer, got {bs!r}"
            )
        self._np_dtype()

    # training -----------------------------------------------------------------
    def _split(self, X, T, sample_weight, validation, incremental):
        """Training data and the validation set (given, or held out)."""
        if validation is not None or incremental or not self.early_stopping:
            return X, T, sample_weight, validation
        if not (
            isinstance(self.validation_fraction, (int, float))
            and 0 < self.validation_fraction < 1
        ):
            raise ActlabError(
                "validation_fraction must lie in (0, 1), "
                f"got {self.validation_fraction!r}"
            )
        order = self._rng.permutation(len(X))
        n_val = max(1, int(round(self.validation_fraction * len(X))))
        if n_val >= len(X):
            raise ActlabError(
                f"early stopping holds out {n_val} of {len(X)} samples, leaving "
                "none to train on: give more data or a smaller validation_fraction"
            )
        val, train = order[:n_val], order[n_val:]
        w = None if sample_weight is None else np.asarray(sample_weight)[train]
        return X[train], T[train], w, (X[val], T[val])

    def _start(self, X, T):
        """A fresh network, optimiser and learned attributes."""
        self._rng = np.random.default_rng(self.random_state)
        sizes, acts = self._hidden()
        out_act, loss = self._output(T.shape[1])
        self.network_ = Network(
            [X.shape[1], *sizes, T.shape[1]],
            [*acts, out_act],
            loss=loss,
            init=self.init,
            random_state=self._rng,
            dtype=self._np_dtype(),
            dropout=self.dropout,
        )
        self._optimizer = self._plateau = None
        self.loss_curve_, self.validation_loss_curve_, self.validation_scores_ = (
            [],
            [],
            [],
        )
        self.best_loss_, self.n_iter_ = math.inf, 0

    def _same_network(self):
        """warm_start and partial_fit continue the fitted network: refuse
        parameters that would need another one."""
        sizes, acts = self._hidden()
        net = self.network_
        have = [ly.weights.shape[1] for ly in net.layers[:-1]]
        specs = [ly.activation.spec for ly in net.layers[:-1]]
        wanted = [get(a).spec for a in acts]
        for what, old, new in (
            ("hidden_layer_sizes", have, list(sizes)),
            ("activation", specs, wanted),
            ("dtype", net.dtype.name, self._np_dtype().name),
        ):
            if old != new:
                raise ActlabError(
                    f"{what} changed from {old} to {new}, but warm_start and "
                    "partial_fit continue the fitted network: set "
                    "warm_start=False to fit a new one"
                )

    def _make_optimizer(self):
        if self.solver == "adam":
            return Adam(self.learning_rate_init)
        return SGD(self.learning_rate_init, self.momentum, self.nesterovs_momentum)

    def _fit(self, X, T, sample_weight, validation=None, incremental=False):
        self._check_params()
        fresh = not hasattr(self, "network_") or not (incremental or self.warm_start)
        if fresh:
            self._start(X, T)
        elif self.network_.layers[-1].weights.shape[1] != T.shape[1]:
            raise ActlabError(
                f"the model has {self.network_.layers[-1].weights.shape[1]} outputs "
                f"but these targets need {T.shape[1]}: fit it afresh"
            )
        else:
            self._same_network()
        X, T, sample_weight, validation = self._split(
            X, T, sample_weight, validation, incremental
        )
        if self.solver == "lbfgs":
            callback, state = self._epoch_callback(validation, self.max_iter, True)
            start = self.n_iter_
            try:
                history = fit_lbfgs(
                    self.network_,
                    X,
                    T,
                    max_iter=self.max_iter,
                    weights=sample_weight,
                    l2=self.alpha,
                    callback=lambda i, loss: callback(start + i, loss),
                )
            finally:
                if state["bar"] is not None:
                    state["bar"].close()
            if not math.isfinite(history.best_loss):
                raise TrainingDiverged(
                    "L-BFGS found no finite loss (the targets or inputs may be "
                    "too large: standardise them)",
                    history,
                )
            return self
        if self._optimizer is None:
            self._optimizer = self._make_optimizer()
            if self.learning_rate == "adaptive":
                self._plateau = ReduceOnPlateau(5.0, 2, self.tol)
        epochs = 1 if incremental else self.max_iter
        callback, state = self._epoch_callback(validation, epochs, incremental)
        batch = min(200, len(X)) if self.batch_size == "auto" else self.batch_size
        kind = "constant" if self.learning_rate == "adaptive" else self.learning_rate
        try:
            fit(
                self.network_,
                X,
                T,
                optimizer=self._optimizer,
                epochs=epochs,
                batch_size=batch,
                schedule=Schedule(kind, decay=self.decay, power=self.power_t),
                plateau=self._plateau,
                shuffle=self.shuffle,
                random_state=self._rng,
                weights=sample_weight,
                l2=self.alpha,
                callback=callback,
                start_epoch=self.n_iter_,
            )
        finally:
            if state["bar"] is not None:
                state["bar"].close()
        if state["weights"] is not None:
            self.network_.theta[...] = state["weights"]
            self.best_validation_loss_ = min(self.validation_loss_curve_)
            self.best_validation_score_ = max(self.validation_scores_)
        return self

    def _record_validation(self, validation):
        Xv, Tv = validation
        with np.errstate(over="ignore", invalid="ignore"):  # divergence: caught
            _, cache = self.network_.forward(Xv)
            vloss = self.network_.loss_value(cache, Tv)
        vscore = self._score_targets(cache.output, Tv)
        self.validation_loss_curve_.append(vloss)
        self.validation_scores_.append(vscore)
        return vloss, vscore

    def _epoch_callback(self, validation, epochs, incremental):
        """What runs after each pass: the learned curves, the validation
        metrics, the progress bar, the user's callbacks and the stopping rule
        (``n_iter_no_change`` passes without improving by ``tol``: the
        validation loss or score when there is a validation set, else the
        training loss). With early stopping the best weights are kept."""
        callbacks = self.callbacks
        if callbacks is None:
            callbacks = []
        elif callable(callbacks):
            callbacks = [callbacks]
        elif not (np.iterable(callbacks) and all(callable(c) for c in callbacks)):
            raise ActlabError(
                "callbacks must be a callable or a list of callables, "
                f"got {callbacks!r}"
            )
        bar = ProgressBar(epochs, "epoch") if self.verbose else None
        stop_on_val = validation is not None and self.early_stopping
        state = {"best": math.inf, "wait": 0, "weights": None, "bar": bar}
        started, done = time.perf_counter(), [0]

        def callback(epoch, loss):
            self.n_iter_ = epoch + 1
            self.loss_curve_.append(loss)
            self.best_loss_ = min(self.best_loss_, loss)
            metrics = {"epoch": epoch + 1, "loss": loss}
            if validation is not None:
                vloss, vscore = self._record_validation(validation)
                metrics.update(validation_loss=vloss, validation_score=vscore)
            if self._optimizer is not None:  # (L-BFGS has no learning rate)
                metrics["learning_rate"] = self._optimizer.learning_rate
            metrics["seconds"] = time.perf_counter() - started
            done[0] += 1
            if bar is not None:
                text = " ".join(
                    f"{k.replace('validation_', 'val_')} {v:.4g}"
                    for k, v in metrics.items()
                    if k in ("loss", "validation_loss", "validation_score")
                )
                bar.update(done[0], text)
            stop = any(bool(cb(self, metrics)) for cb in callbacks)
            if incremental:
                return stop
            if stop_on_val and self.monitor == "score":
                watched = -metrics["validation_score"]
            elif stop_on_val:
                watched = metrics["validation_loss"]
            else:
                watched = loss
            if watched < state["best"] - self.tol:
                state.update(best=watched, wait=0)
                if stop_on_val:
                    state["weights"] = self.network_.theta.copy()
            else:
                state["wait"] += 1
            return stop or state["wait"] >= self.n_iter_no_change

        return callback, state

    # the rest of the API --------------------------------------------------------
    def save(self, path):
        """Write the fitted model to ``path`` (arrays + JSON; see ``actlab.load``)."""
        from ._persist import save

        return save(self, path)

    def _forward(self, X):
        check_is_fitted(self, "network_")
        X = _validate(self, X, reset=False, dtype=self.network_.dtype)
        return self.network_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


def _weights_checked(sample_weight, X):
    """scikit-learn's check, plus: non-negative and not all zero."""
    w = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    if not w.sum() > 0:
        raise ActlabError("sample weights are all zero: nothing to learn from")
    return w


def _column(y):
    """A column vector of labels becomes 1-d, with scikit-learn's warning."""
    if y.ndim == 2 and y.shape[1] == 1:
        return column_or_1d(y, warn=True)
    return y


def _validation_pair(model, validation_data, encode):
    if validation_data is None:
        return None
    try:
        Xv, yv = validation_data
    except (TypeError, ValueError):
        raise ActlabError("validation_data must be a pair (X_val, y_val)") from None
    Xv = model._validate(Xv, reset=False)
    yv = np.asarray(yv)
    if yv.ndim == 0 or len(yv) != len(Xv):
        raise ActlabError(
            f"validation_data has {len(Xv)} rows of X but {len(yv)} targets"
        )
    return Xv, encode(yv)


class MLPRegressor(RegressorMixin, _BaseMLP):
    """A feed-forward regressor: any activation per hidden layer; squared
    error (default), absolute error, Huber or Poisson; the output activation
    is the loss's canonical one (identity, or exponential for Poisson) unless
    given (the seed's SIN and ABS networks).

    >>> import numpy as np
    >>> from actlab import MLPRegressor
    >>> x = np.linspace(-3, 3, 50)[:, None]
    >>> model = MLPRegressor((8,), "tanh", solver="lbfgs", random_state=0)
    >>> model.fit(x, x[:, 0] ** 2).score(x, x[:, 0] ** 2) > 0.99
    True
    """

    _LOSSES = ("squared_error", "absolute_error", "huber", "poisson")

    def _output(self, n_outputs):
        loss = self._loss_name() or "squared_error"
        out = self.output_activation
        if out == "auto":
            out = get_loss(loss).canonical or "identity"
        out = get(out)
        if out.vector and n_outputs == 1:
            raise ActlabError(
                f"output_activation {out.spec} acts across outputs, and this "
                "target has one: use identity (or another elementwise one)"
            )
        return out, loss

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _encode(self, y):
        T = np.asarray(y, dtype=np.float64)
        T = T.reshape(len(T), -1)
        loss = self._loss_name()
        if loss is not None and get_loss(loss).name == "poisson" and (T < 0).any():
            raise ActlabError("the poisson loss needs targets >= 0 (counts or rates)")
        return T

    def _prepare(self, X, y, reset):
        X, y = self._validate(X, y, reset=reset, multi_output=True, y_numeric=True)
        if reset:
            self._single_output = y.ndim == 1
        return X, self._encode(y)

    def fit(self, X, y, sample_weight=None, validation_data=None):
        """Fit; ``validation_data=(X_val, y_val)`` gives the validation curves
        and, with ``early_stopping``, drives it (else a fraction is held out)."""
        X, T = self._prepare(
            X, y, reset=not (self.warm_start and hasattr(self, "network_"))
        )
        if sample_weight is not None:
            sample_weight = _weights_checked(sample_weight, X)
        validation = _validation_pair(self, validation_data, self._encode)
        return self._fit(X, T, sample_weight, validation)

    @available_if(_steps)
    def partial_fit(self, X, y, sample_weight=None):
        """One pass over ``(X, y)``, continuing from the current weights."""
        X, T = self._prepare(X, y, reset=not hasattr(self, "network_"))
        if sample_weight is not None:
            sample_weight = _weights_checked(sample_weight, X)
        return self._fit(X, T, sample_weight, incremental=True)

    def predict(self, X):
        out = self._forward(X)
        return out[:, 0] if out.shape[1] == 1 and self._single_output else out

    def _score_targets(self, out, T):
        total = np.sum((T - T.mean(axis=0)) ** 2, axis=0)
        residual = np.sum((T - out) ** 2, axis=0)
        return float(np.mean(1 - residual / np.where(total > 0, total, 1)))


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """A feed-forward classifier. By default a logistic output and binary
    cross-entropy for two classes (and per label for multilabel targets),
    softmax and cross-entropy for more: the fused ``a - t``. Any other output
    activation and loss may be chosen (the seed's squared error on a
    logistic output; tanh with -1/+1 targets): targets are placed at the
    output's range.

    >>> from actlab import MLPClassifier
    >>> from actlab.datasets import load
    >>> xor = load("xor", random_state=0)
    >>> model = MLPClassifier((4,), "logistic", solver="lbfgs", random_state=0)
    >>> model.fit(xor.X, xor.y).score(xor.X, xor.y) > 0.95
    True
    """

    _LOSSES = (
        "binary_cross_entropy",
        "cross_entropy",
        "squared_error",
        "absolute_error",
        "huber",
    )

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        loss="auto",
        output_activation="auto",
        alpha=0.0001,
        dropout=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        decay=0.95,
        momentum=0.9,
        nesterovs_momentum=True,
        max_iter=200,
        shuffle=True,
        init="auto",
        early_stopping=False,
        monitor="loss",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        class_weight=None,
        dtype="float64",
        callbacks=None,
        verbose=False,
        random_state=None,
    ):
        params = dict(locals())
        for name in ("self", "__class__", "class_weight"):
            params.pop(name)
        super().__init__(**params)
        self.class_weight = class_weight

    def _output(self, n_outputs):
        return self._out_act, self._out_loss

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    # targets: classes <-> output rows -----------------------------------------
    def _plan(self, y, classes=None):
        """Fix the encoding of the targets from the labels seen (or given)."""
        self._multilabel = type_of_target(y) == "multilabel-indicator"
        if self._multilabel:
            self.classes_ = np.arange(np.asarray(y).shape[1])
        else:
            try:
                check_classification_targets(y)
            except ValueError as exc:
                raise ActlabError(
                    f"{exc} (a classifier needs class labels; for continuous "
                    "targets use MLPRegressor, or actlab train --task regression)"
                ) from None
            self.classes_ = (
                unique_labels(y) if classes is None else unique_labels(classes)
            )
            if classes is not None and not np.isin(y, self.classes_).all():
                raise ActlabError(f"y has labels outside classes {list(self.classes_)}")
        loss = self._loss_name()
        n = len(self.classes_)
        if loss is None:
            loss = (
                "cross_entropy"
                if n > 2 and not self._multilabel
                else "binary_cross_entropy"
            )
        if get_loss(loss).name == "cross_entropy" and self._multilabel:
            raise ActlabError(
                "multilabel targets need a per-output loss, not cross_entropy"
            )
        out = self.output_activation
        if out == "auto":
            out = get_loss(loss).canonical or "logistic"
        self._out_act, self._out_loss = get(out), loss
        vector = self._out_act.vector  # softmax needs a column per class
        wide = vector or get_loss(loss).name == "cross_entropy"
        if self._multilabel or n > 2 or wide:
            self._columns = max(n, 2) if not self._multilabel else n
        else:
            self._columns = 1
        low, high = self._out_act.output_range
        self._neg = low if math.isfinite(low) else 0.0
        self._pos = high if math.isfinite(high) else 1.0

    def _encode(self, y):
        """Targets at the output's range, in the network's dtype (no float64
        copy of a large one-hot matrix)."""
        y = np.asarray(y)
        dtype = self.network_.dtype if hasattr(self, "network_") else self._np_dtype()
        if self._multilabel:
            T = (y != 0).astype(dtype)
        elif len(self.classes_) == 1:
            T = np.ones((len(y), 1))  # one class seen: the output says "that one"
            return T
        else:
            index = np.searchsorted(self.classes_, y)
            index = np.clip(index, 0, len(self.classes_) - 1)
            if not (self.classes_[index] == y).all():
                new = np.asarray(y)[self.classes_[index] != y]
                unseen = sorted({str(v) for v in new})
                raise ActlabError(
                    f"labels {', '.join(unseen[:5])} were not seen in training "
                    f"(classes: {', '.join(str(c) for c in self.classes_)})"
                )
            if self._columns == 1:
                T = index[:, None].astype(dtype)
            else:
                T = np.zeros((len(y), self._columns), dtype)
                T[np.arange(len(y)), index] = 1.0
        if (self._neg, self._pos) == (0.0, 1.0):
            return T
        T *= self._pos - self._neg
        T += self._neg
        return T

    def _proba_from_outputs(self, out):
        if len(self.classes_) == 1:
            return np.ones((len(out), 1))
        if self._out_act.name == "softmax":
            return out
        p = np.clip((out - self._neg) / (self._pos - self._neg), 0.0, 1.0)
        if self._multilabel:
            return p
        if p.shape[1] == 1:
            return np.hstack([1 - p, p])
        total = p.sum(axis=1, keepdims=True)
        return np.where(total > 0, p / np.where(total > 0, total, 1), 1 / p.shape[1])

    def _score_targets(self, out, T):
        proba = self._proba_from_outputs(out)
        truth = self._proba_from_outputs(T)
        if self._multilabel:
            return float(np.mean(np.all((proba > 0.5) == (truth > 0.5), axis=1)))
        return float(np.mean(np.argmax(proba, axis=1) == np.argmax(truth, axis=1)))

    def _weights(self, X, y, sample_weight, incremental=False):
        if self.class_weight is not None and not self._multilabel:
            if incremental and self.class_weight == "balanced":
                raise ActlabError(
                    "class_weight='balanced' needs all the data: use fit, or give "
                    "a dict of weights for partial_fit"
                )
            cw = compute_sample_weight(self.class_weight, y)
            sample_weight = cw if sample_weight is None else sample_weight * cw
        if sample_weight is not None:
            sample_weight = _weights_checked(sample_weight, X)
        return sample_weight

    def fit(self, X, y, sample_weight=None, validation_data=None):
        """Fit; ``validation_data=(X_val, y_val)`` gives the validation curves
        and, with ``early_stopping``, drives it (else a fraction is held out)."""
        keep = self.warm_start and hasattr(self, "network_")
        X, y = self._validate(X, y, reset=not keep, multi_output=True)
        y = _column(y)
        if not keep:
            self._plan(y)
        T = self._encode(y)
        sample_weight = self._weights(X, y, sample_weight)
        validation = _validation_pair(self, validation_data, self._encode)
        return self._fit(X, T, sample_weight, validation)

    @available_if(_steps)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One pass over ``(X, y)``; the first call needs ``classes``, all the
        labels that will ever be seen (not needed for multilabel targets)."""
        first = not hasattr(self, "network_")
        X, y = self._validate(X, y, reset=first, multi_output=True)
        y = _column(y)
        if first:
            if classes is None and type_of_target(y) != "multilabel-indicator":
                raise ActlabError(
                    "the first partial_fit call needs classes=[...], every label "
                    "that will be seen"
                )
            self._plan(y, classes)
        elif classes is not None and not np.array_equal(
            unique_labels(classes), self.classes_
        ):
            raise ActlabError(
                f"classes changed from {list(self.classes_)} to {list(classes)}"
            )
        T = self._encode(y)
        sample_weight = self._weights(X, y, sample_weight, incremental=True)
        return self._fit(X, T, sample_weight, incremental=True)

    def predict_proba(self, X):
        """One column per class in ``classes_`` (per label for multilabel)."""
        return self._proba_from_outputs(self._forward(X))

    def predict(self, X):
        proba = self.predict_proba(X)
        if self._multilabel:
            return (proba > 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]
