"""One run of a comparison: an activation, a dataset and a seed, trained at
each learning rate of the grid, the best chosen on a validation split, and
measured once on the test split.

A run is a pure function of its ``RunSpec``: the seed fixes the data (for
the seed's noisy problems), the splits and the initial weights, and the
linear algebra runs on one thread, so the same spec gives the same numbers
in any process, on any engine. Only the wall-clock fields differ.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from .._properties import STUCK_BELOW
from .._version import __version__
from ..datasets import Dataset, load
from ..errors import ActlabError
from ..nn import Adam, Network, TrainingDiverged, fit, get_loss

#: What a run records beside its identity: the columns of results.csv.
FIELDS = (
    "status",
    "reason",
    "task",
    "learning_rate",
    "score_name",
    "score",
    "loss_name",
    "test_loss",
    "epochs",
    "final_train_loss",
    "target_loss",
    "epochs_to_target",
    "seconds_to_target",
    "stuck_fraction",
    "grad_norm_start",
    "grad_norm_end",
    "validation_losses",
    "seconds",
)
#: Fields that measure the clock, not the computation (they differ between
#: two runs of the same spec).
TIMING = ("seconds_to_target", "seconds")


@dataclass(frozen=True)
class Data:
    """Where a run's data comes from: a bundled dataset by name (the seed's
    noisy problems are drawn afresh per seed), or a CSV file's arrays, read
    once before any run starts (``digest`` identifies the file's content)."""

    name: str
    X: np.ndarray | None = field(default=None, repr=False, compare=False)
    y: np.ndarray | None = field(default=None, repr=False, compare=False)
    task: str | None = None
    digest: str | None = None

    @classmethod
    def from_dataset(cls, ds: Dataset, digest: str) -> Data:
        return cls(ds.name, ds.X, ds.y, ds.task, digest)

    @property
    def ident(self) -> str:
        return self.name if self.digest is None else f"{self.name}@{self.digest}"

    def load(self, seed: int) -> Dataset:
        if self.X is None:
            return load(self.name, random_state=seed)
        return Dataset(self.name, self.X, self.y, self.task)


@dataclass(frozen=True)
class RunSpec:
    """Everything that determines a run (its ``key`` hashes all of it)."""

    activation: str  # a canonical spec string (a name or a formula)
    data: Data
    seed: int
    hidden: tuple = (32,)
    epochs: int = 30
    learning_rates: tuple = (0.003, 0.01, 0.03)
    batch_size: int = 32
    test_fraction: float = 0.25
    validation_fraction: float = 0.2
    #: the target loss is this fraction of the best constant prediction's loss
    target_fraction: float = 0.5
    #: a hidden unit is stuck when its mean |g'(z)| over the data is below this
    stuck_below: float = STUCK_BELOW

    @property
    def key(self) -> str:
        what = asdict(self)
        what["data"] = self.data.ident
        what["version"] = __version__
        text = json.dumps(what, sort_keys=True, default=list)
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    @property
    def dataset(self) -> str:
        return self.data.ident


#: The fewest rows a dataset, and each class, may have: the test and the
#: validation split each need at least two rows (and one of every class).
MIN_ROWS, MIN_PER_CLASS = 20, 5


def check_splittable(
    ds: Dataset,
    test_fraction=RunSpec.test_fraction,
    validation_fraction=RunSpec.validation_fraction,
):
    """Refuse, in one line, data the three splits cannot be cut from."""
    n = ds.n_samples
    if n < MIN_ROWS:
        raise ActlabError(
            f"{ds.name} has {n} rows; a comparison splits off test and validation "
            f"rows and needs at least {MIN_ROWS}"
        )
    if ds.task != "classification":
        return
    labels, counts = np.unique(ds.y, return_counts=True)
    if len(labels) < 2:
        raise ActlabError(
            f"{ds.name}'s target has only one class ({labels[0]}): there is "
            "nothing to classify (for a numeric target use a regression column)"
        )
    few = [(str(lab), int(c)) for lab, c in zip(labels, counts, strict=True)]
    few = [(lab, c) for lab, c in few if c < MIN_PER_CLASS]
    if few:
        listed = ", ".join(f"{lab!r} ({c})" for lab, c in few[:5])
        raise ActlabError(
            f"{ds.name}: class {listed} has fewer than {MIN_PER_CLASS} rows, too "
            "few to stratify test and validation splits"
        )
    n_test = int(np.ceil(test_fraction * n))
    n_val = int(np.ceil(validation_fraction * (n - n_test)))
    if min(n_test, n_val) < len(labels):
        raise ActlabError(
            f"{ds.name} has {n} rows for {len(labels)} classes: its test and "
            f"validation splits ({n_test} and {n_val} rows) need one row per class"
        )


def _split(ds: Dataset, spec: RunSpec):
    """(train, validation, test) index arrays, stratified for classification."""
    from sklearn.model_selection import train_test_split

    rng = np.random.RandomState(spec.seed)
    idx = np.arange(ds.n_samples)
    strat = ds.y if ds.task == "classification" else None
    rest, test = train_test_split(
        idx, test_size=spec.test_fraction, random_state=rng, stratify=strat
    )
    strat = ds.y[rest] if ds.task == "classification" else None
    train, val = train_test_split(
        rest, test_size=spec.validation_fraction, random_state=rng, stratify=strat
    )
    return train, val, test


class _Problem:
    """The arrays of one run, scaled by the training part's statistics:
    standardised features; for classification one-hot (or 0/1) targets with
    the canonical output (softmax or logistic with cross-entropy); for
    regression a standardised target with an identity output."""

    def __init__(self, ds: Dataset, spec: RunSpec):
        from ..workflow import standardise

        train, val, test = _split(ds, spec)
        X = np.asarray(ds.X, np.float64)
        X = standardise(X, *standardise(X[train])[1:])[0]
        self.task = ds.task
        if ds.task == "classification":
            classes, index = np.unique(ds.y, return_inverse=True)
            if len(classes) > 2:
                T = np.eye(len(classes))[index]
                self.output, self.loss = "softmax", "cross_entropy"
            else:
                T = index[:, None].astype(np.float64)
                self.output, self.loss = "logistic", "binary_cross_entropy"
            self.scale = 1.0
        else:
            y = np.asarray(ds.y, np.float64).reshape(len(ds.y), -1)
            _, centre, self.scale = standardise(y[train])
            T = standardise(y, centre, self.scale)[0]
            self.output, self.loss = "identity", "squared_error"
        self.parts = {
            name: (X[part], T[part])
            for name, part in (("train", train), ("validation", val), ("test", test))
        }

    def constant_output(self, T):
        """The best prediction that ignores the inputs (class priors, mean)."""
        prior = self.parts["train"][1].mean(axis=0)
        return np.broadcast_to(prior, T.shape).copy()


def _grad_norms(net: Network, X, T) -> list:
    with np.errstate(over="ignore", invalid="ignore"):
        _, grads = net.loss_and_grads(X, T)
    return [float(np.linalg.norm(dw)) for dw, _ in grads]


def _stuck_fraction(net: Network, X, threshold: float) -> float:
    """Hidden units whose mean |g'(z)| over ``X`` is below ``threshold``."""
    a, stuck, total = X, 0, 0
    for layer in net.layers[:-1]:
        z = a @ layer.weights + layer.bias
        with np.errstate(over="ignore", invalid="ignore"):
            slope = np.abs(layer.activation.derivative(z)).mean(axis=0)
            a = layer.activation.forward(z)
        stuck += int(np.sum(~(slope >= threshold)))  # NaN counts as stuck
        total += slope.size
    return stuck / total if total else 0.0


def _scores(problem: _Problem, net: Network, X, T) -> dict | None:
    """The test metrics, or None when a prediction is not finite. The
    log-loss is the network's own cross-entropy, from the logits."""
    with np.errstate(over="ignore", invalid="ignore"):
        out, cache = net.forward(X)
    if not np.all(np.isfinite(out)):
        return None
    if problem.task == "classification":
        wide = out.shape[1] > 1
        pred = out.argmax(axis=1) if wide else out[:, 0] > 0.5
        truth = T.argmax(axis=1) if wide else T[:, 0] > 0.5
        return {
            "score_name": "accuracy",
            "score": float(np.mean(pred == truth)),
            "loss_name": "log_loss",
            "test_loss": net.loss_value(cache, T),
        }
    from sklearn.metrics import r2_score

    err = (out - T) * problem.scale  # in the target's own units
    return {
        "score_name": "r2",
        "score": float(r2_score(T, out)),  # (unchanged by the scale)
        "loss_name": "mse",
        "test_loss": float(np.mean(err**2)),
    }


def _network(problem: _Problem, spec: RunSpec) -> Network:
    """The run's initial network: the same weights for every rate."""
    Xtr, Ttr = problem.parts["train"]
    return Network(
        [Xtr.shape[1], *spec.hidden, Ttr.shape[1]],
        [spec.activation] * len(spec.hidden) + [problem.output],
        loss=problem.loss,
        init="auto",
        random_state=np.random.default_rng([spec.seed, 1]),
    )


def _train_one(problem: _Problem, spec: RunSpec, rate: float):
    """A network trained at ``rate``: (net, curve, clock, failure reason)."""
    Xtr, Ttr = problem.parts["train"]
    net = _network(problem, spec)
    clock, started = [], time.perf_counter()

    def tick(epoch, loss):
        clock.append(time.perf_counter() - started)

    reason = None
    try:
        history = fit(
            net,
            Xtr,
            Ttr,
            optimizer=Adam(rate),
            epochs=spec.epochs,
            batch_size=spec.batch_size,
            random_state=np.random.default_rng([spec.seed, 2]),
            callback=tick,
        )
        curve = history.loss_curve
    except TrainingDiverged as exc:
        curve, reason = exc.history.loss_curve, str(exc)
    return net, list(curve), clock, reason


def run(spec: RunSpec) -> dict:
    """Train and measure one run; a failure (every rate diverged, a
    non-finite prediction) is recorded with its reason, not raised."""
    import sklearn.model_selection  # noqa: F401 (imported before the clock)
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    with threadpool_limits(1):  # one core per run: runs are the parallel unit
        try:
            record = _measure(spec)
        except MemoryError as exc:  # a network too large for this machine
            record = _empty({"reason": f"out of memory: {exc}"}, None)
    record["seconds"] = time.perf_counter() - started
    return record


def _measure(spec: RunSpec) -> dict:
    ds = spec.data.load(spec.seed)
    problem = _Problem(ds, spec)
    Xtr, Ttr = problem.parts["train"]
    Xv, Tv = problem.parts["validation"]
    Xte, Tte = problem.parts["test"]
    loss = get_loss(problem.loss)
    target = spec.target_fraction * loss.value(None, problem.constant_output(Ttr), Ttr)
    record = {"task": problem.task, "target_loss": float(target), "status": "ok"}
    record["reason"] = None
    best, val_losses, reasons = None, [], []
    for rate in spec.learning_rates:
        net, curve, clock, reason = _train_one(problem, spec, rate)
        with np.errstate(over="ignore", invalid="ignore"):
            vloss = net.loss_value(net.forward(Xv)[1], Tv)
        if reason is not None or not math.isfinite(vloss):
            vloss = math.inf  # a diverged rate is never chosen
        val_losses.append(vloss)
        if reason is not None:
            reasons.append(f"rate {rate:g}: {reason}")
        if reason is None and (best is None or vloss < best[0]):
            best = (vloss, rate, net, curve, clock)
    record["validation_losses"] = [None if math.isinf(v) else v for v in val_losses]
    if best is None:
        record.update(reason="; ".join(reasons))
        return _empty(record, problem.task)
    _, rate, net, curve, clock = best
    if reasons:  # the rates that diverged, though another one finished
        record["reason"] = "; ".join(reasons)
    scores = _scores(problem, net, Xte, Tte)  # the test split, touched once
    if scores is None:
        record.update(reason="non-finite predictions on the test split")
        return _empty(record, problem.task)
    record.update(scores)
    reached = next((i for i, v in enumerate(curve) if v <= target), None)
    record.update(
        learning_rate=rate,
        epochs=len(curve),
        curve=curve,
        final_train_loss=float(curve[-1]) if curve else None,
        epochs_to_target=None if reached is None else reached + 1,
        seconds_to_target=None if reached is None else clock[reached],
        stuck_fraction=_stuck_fraction(net, Xtr, spec.stuck_below),
        grad_norm_start=_grad_norms(_network(problem, spec), Xtr, Ttr),
        grad_norm_end=_grad_norms(net, Xtr, Ttr),
    )
    return record


def _empty(record: dict, task: str | None) -> dict:
    """A failed run's record: its reason, and no measurements."""
    names = {"classification": ("accuracy", "log_loss"), "regression": ("r2", "mse")}
    score, loss = names.get(task, (None, None))
    record.update(status="failed", task=task, score_name=score, loss_name=loss)
    record["curve"] = []
    for name in FIELDS:
        record.setdefault(name, None)
    return record
