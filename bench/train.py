"""Training speed, accuracy and memory of actlab's MLPClassifier against
scikit-learn's and PyTorch's, on the CPU.

Every framework trains the same network: one hidden layer of 128 tanh units,
a softmax output with cross-entropy, Adam (lr 1e-3), batch 128, 10 epochs,
float32, seed 0, on scikit-learn's digits and on a 100,000 x 100
``make_classification`` problem. Each (framework, dataset) runs in a fresh
process, so its memory is its own. Libraries keep their default thread
counts unless ``--threads`` sets them all.

    python bench/train.py                     # both datasets, best of 3
    python bench/train.py --threads 1         # every library on one thread
    python bench/train.py --quick             # digits only, 2 epochs, 1 repeat
    python bench/train.py --datasets digits --repeat 5 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import threadpoolctl

# actlab and scikit-learn are imported where used, so that a torch worker's
# peak memory holds NumPy and torch only
HIDDEN, LR, BATCH, SEED = 128, 1e-3, 128, 0
FRAMEWORKS = ("actlab", "sklearn", "torch")
MIB = 2**20
WARM_UP = 2 * BATCH  # samples of the untimed warm-up fit


# datasets (built once in the parent, handed to the workers as .npz) -----------


def digits():
    from sklearn.model_selection import train_test_split

    import actlab.datasets

    data = actlab.datasets.load("digits")
    return train_test_split(
        data.X / 16, data.y, test_size=0.3, stratify=data.y, random_state=0
    )


def classification():
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = make_classification(
        n_samples=100_000,
        n_features=100,
        n_informative=50,
        n_classes=10,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


DATASETS = {"digits": digits, "classification": classification}


def save_dataset(name, folder):
    X_train, X_test, y_train, y_test = DATASETS[name]()
    path = Path(folder) / f"{name}.npz"
    np.savez(  # both label sets are already 0 .. n_classes - 1
        path,
        X_train=X_train.astype(np.float32),
        X_test=X_test.astype(np.float32),
        y_train=y_train.astype(np.int64),
        y_test=y_test.astype(np.int64),
    )
    return path


# the frameworks: each setup imports its library and returns
# fit(X, y, epochs) -> (predict, epochs run) -----------------------------------


def _shared(epochs) -> dict:
    """The parameters both scikit-learn-style estimators take alike."""
    return dict(
        hidden_layer_sizes=(HIDDEN,),
        activation="tanh",
        solver="adam",
        learning_rate_init=LR,
        batch_size=BATCH,
        max_iter=epochs,
        alpha=0.0,
        random_state=SEED,
        n_iter_no_change=10**9,
    )


def actlab_setup():
    from actlab import MLPClassifier

    def fit(X, y, epochs):
        model = MLPClassifier(
            **_shared(epochs),
            dtype="float32",
            shuffle=True,
            init="glorot",  # scikit-learn's scheme, so accuracy is compared fairly
        ).fit(X, y)
        return model.predict, model.n_iter_

    return fit


def sklearn_setup():
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    # max_iter is the epoch count here, not a budget it failed to converge in
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    def fit(X, y, epochs):
        model = MLPClassifier(**_shared(epochs), tol=0).fit(X, y)
        return model.predict, model.n_iter_

    return fit


def torch_setup():
    import torch
    from torch import nn

    def fit(X, y, epochs):
        torch.manual_seed(SEED)
        X, y = torch.from_numpy(X), torch.from_numpy(y)
        model = nn.Sequential(
            nn.Linear(X.shape[1], HIDDEN),
            nn.Tanh(),
            nn.Linear(HIDDEN, int(y.max()) + 1),
        )
        loss_fn = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(model.parameters(), lr=LR)
        for _ in range(epochs):
            order = torch.randperm(len(X))
            for start in range(0, len(X), BATCH):
                batch = order[start : start + BATCH]
                optimizer.zero_grad()
                loss_fn(model(X[batch]), y[batch]).backward()
                optimizer.step()

        def predict(X_test):
            with torch.no_grad():
                return model(torch.from_numpy(X_test)).argmax(1).numpy()

        return predict, epochs

    return fit


SETUP = {"actlab": actlab_setup, "sklearn": sklearn_setup, "torch": torch_setup}


# the worker: one (framework, dataset) in its own process -----------------------


def memory():
    """``(current, peak)`` resident bytes of this process.

    The peak is VmHWM, not ``ru_maxrss``: on Linux ``ru_maxrss`` carries the
    parent's peak across fork and exec, so every worker would report at least
    the parent's (the dataset it built)."""
    with open("/proc/self/status") as f:
        kib = dict(line.split(":", 1) for line in f)
    return tuple(int(kib[k].split()[0]) * 1024 for k in ("VmRSS", "VmHWM"))


def reset_peak():
    """Restart the peak at the current RSS (Linux 4.0+), so it covers training
    alone and not loading the data; without permission it keeps its history."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def thread_counts():
    """``{"<package> <threading library>": threads}`` for what is loaded now."""
    counts = {}
    for lib in threadpoolctl.threadpool_info():
        parts = Path(lib["filepath"]).parts
        owner = parts[-1]
        if "site-packages" in parts:
            owner = parts[parts.index("site-packages") + 1].removesuffix(".libs")
        counts[f"{owner} {lib['internal_api']}"] = lib["num_threads"]
    if "torch" in sys.modules:
        counts["torch intra-op"] = sys.modules["torch"].get_num_threads()
    return counts


def worker(job):
    try:
        fit = SETUP[job["framework"]]()
    except ImportError:
        return {"status": "not installed"}
    # after the imports: threadpoolctl only reaches libraries already loaded
    if job["threads"]:
        threadpoolctl.threadpool_limits(job["threads"])
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(job["threads"])
    with np.load(job["data"]) as f:
        data = {k: f[k] for k in f.files}
    X, y = data["X_train"], data["y_train"]
    # one-off costs (torch.optim imports torch._dynamo: seconds) are neither
    # training time nor training memory
    fit(X[:WARM_UP], y[:WARM_UP], 1)
    before, _ = memory()
    reset_peak()
    times = []
    for _ in range(job["repeat"]):
        predict = None  # the last model is garbage before the next one trains
        start = time.perf_counter()
        predict, epochs_run = fit(X, y, job["epochs"])
        times.append(time.perf_counter() - start)
    _, peak = memory()
    fit_s = min(times)
    return {
        "status": "ok",
        "n_train": len(X),
        "n_test": len(data["X_test"]),
        "n_features": X.shape[1],
        "epochs_run": int(epochs_run),
        "fit_s": fit_s,
        "fit_s_all": times,
        "samples_per_s": len(X) * job["epochs"] / fit_s,
        "accuracy": float(np.mean(predict(data["X_test"]) == data["y_test"])),
        "rss_before_mib": before / MIB,
        "train_mib": (peak - before) / MIB,
        "peak_mib": peak / MIB,
        "thread_counts": thread_counts(),
    }


def measure(framework, dataset, path, args):
    job = {
        "framework": framework,
        "data": str(path),
        "epochs": args.epochs,
        "repeat": args.repeat,
        "threads": args.threads,
    }
    cmd = [sys.executable, __file__, "--worker", json.dumps(job)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{framework} on {dataset} failed:\n{done.stderr}")
    result = json.loads(done.stdout.splitlines()[-1])
    del job["data"]  # a temporary file
    return {"dataset": dataset, **job, **result}


# the report --------------------------------------------------------------------


def header(args):
    import sklearn

    import actlab

    threads = f"--threads {args.threads}" if args.threads else "library defaults"
    return "\n".join(
        [
            f"actlab {actlab.__version__}, numpy {np.__version__}, scikit-learn "
            f"{sklearn.__version__}, python {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} CPUs",
            f"{HIDDEN} tanh -> softmax, Adam lr {LR:g}, batch {BATCH}, "
            f"{args.epochs} epochs, float32, seed {SEED}; best of {args.repeat}; "
            f"threads: {threads}",
            "samples/s = n_train * epochs / fit s; train MiB = peak RSS - RSS "
            "before training; peak MiB = peak RSS during training",
        ]
    )


def line(cells, widths):
    first, *rest = zip(cells, widths, strict=True)
    return f"{first[0]:<{first[1]}}" + "".join(f"{c:>{w}}" for c, w in rest)


ROW_TITLES = ("dataset", "framework", "samples/s", "fit s", "accuracy")
ROW_TITLES += ("train MiB", "peak MiB")
ROW_WIDTHS = (16, 10, 15, 9, 10, 11, 10)


def result_line(row):
    if row["status"] != "ok":
        cells = [row["dataset"], row["framework"], row["status"]]
        return line(cells + [""] * 4, ROW_WIDTHS)
    return line(
        [
            row["dataset"],
            row["framework"],
            f"{row['samples_per_s']:,.0f}",
            f"{row['fit_s']:.3f}",
            f"{row['accuracy']:.4f}",
            f"{row['train_mib']:.1f}",
            f"{row['peak_mib']:.1f}",
        ],
        ROW_WIDTHS,
    )


RATIO_TITLES = ("dataset", "act/skl", "act/torch", "acc-skl pt", "acc-torch pt")
RATIO_TITLES += ("MiB act", "MiB skl", "MiB torch")
RATIO_WIDTHS = (16, 9, 11, 12, 14, 9, 9, 11)


def ratio_lines(ok):
    lines = []
    for dataset in dict.fromkeys(r["dataset"] for r in ok):
        got = {r["framework"]: r for r in ok if r["dataset"] == dataset}
        act = got["actlab"]
        speed, points = [], []
        for other in ("sklearn", "torch"):
            theirs = got.get(other)
            if theirs is None:
                speed.append("-")
                points.append("-")
                continue
            speed.append(f"{act['samples_per_s'] / theirs['samples_per_s']:.2f}")
            points.append(f"{100 * (act['accuracy'] - theirs['accuracy']):+.2f}")
        mib = [f"{got[f]['train_mib']:.1f}" if f in got else "-" for f in FRAMEWORKS]
        lines.append(line([dataset, *speed, *points, *mib], RATIO_WIDTHS))
    return lines


def notes(ok):
    """Anything that makes the comparison unfair."""
    found = []
    for r in ok:
        if r["epochs_run"] != r["epochs"]:
            found.append(
                f"{r['framework']} on {r['dataset']} ran {r['epochs_run']} epochs, "
                f"not {r['epochs']}"
            )
    for dataset in dict.fromkeys(r["dataset"] for r in ok):
        acc = {r["framework"]: r["accuracy"] for r in ok if r["dataset"] == dataset}
        spread = 100 * (max(acc.values()) - min(acc.values()))
        if spread > 1:
            found.append(
                f"accuracy on {dataset} differs by {spread:.2f} points across "
                "frameworks: " + ", ".join(f"{f} {a:.4f}" for f, a in acc.items())
            )
    return found


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--datasets",
        default=",".join(DATASETS),
        help=f"comma-separated, from {', '.join(DATASETS)} (default: all)",
    )
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--repeat", type=int, default=3, help="timed fits; best is kept")
    p.add_argument(
        "--threads", type=int, help="set every library to N threads (default: theirs)"
    )
    p.add_argument(
        "--quick", action="store_true", help="digits only, 2 epochs, 1 repeat"
    )
    p.add_argument("--json", metavar="FILE", help="also write every row as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.datasets, args.epochs, args.repeat = "digits", 2, 1
    if args.threads is not None and args.threads < 1:
        p.error("--threads must be at least 1")
    unknown = set(args.datasets.split(",")) - set(DATASETS)
    if unknown:
        p.error(f"unknown datasets: {', '.join(sorted(unknown))}")
    return args


def main(argv=None):
    args = parse_args(argv)
    print(header(args))
    print()
    print(line(ROW_TITLES, ROW_WIDTHS), flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for dataset in args.datasets.split(","):
            path = save_dataset(dataset, folder)
            for framework in FRAMEWORKS:
                rows.append(measure(framework, dataset, path, args))
                print(result_line(rows[-1]), flush=True)
    print("\nactlab samples/s / theirs; actlab accuracy - theirs in points; train MiB")
    print(line(RATIO_TITLES, RATIO_WIDTHS))
    ok = [r for r in rows if r["status"] == "ok"]
    print("\n".join(ratio_lines(ok)))
    print("\nthreads:")
    for framework in FRAMEWORKS:
        ran = [r["thread_counts"] for r in ok if r["framework"] == framework]
        if ran:
            print(f"  {framework}: " + ", ".join(f"{k} {n}" for k, n in ran[0].items()))
    for note in notes(ok):
        print(f"note: {note}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(ok, f, indent=1)
    return ok


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        print(json.dumps(worker(json.loads(sys.argv[2]))))
    else:
        main()
