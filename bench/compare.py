"""The speed-up of ``actlab compare`` from 1 to 2 (or more) workers.

The same comparison runs once per worker count, each into a fresh output
directory (nothing is resumed), and the wall times of the runs, not of the
report, are compared. By default it is the default comparison (the ten
activations on the ten datasets) with 2 seeds: 200 runs. ``--dask`` also
times a Dask LocalCluster of the largest worker count.

    python bench/compare.py                      # 1 and 2 local workers
    python bench/compare.py --seeds 5            # the whole default (500 runs)
    python bench/compare.py --workers 1,2 --dask --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time


def timed(workers=None, dask_local=None, seeds=2, epochs=30):
    import actlab.compare as cmp

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = cmp.compare(
            seeds=seeds,
            epochs=epochs,
            workers=workers,
            dask_local=dask_local,
            out=out,
            progress=False,
        )
        total = time.perf_counter() - started
    return {
        "engine": result.timing["engine"],
        "runs": result.timing["runs"],
        "run_wall_seconds": result.timing["wall_seconds"],
        "total_seconds": total,
        "run_seconds": result.timing["run_seconds"],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="worker counts (1,2)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--dask", action="store_true", help="also a LocalCluster")
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",")]
    print(
        f"# actlab compare, default activations and datasets, {args.seeds} seeds, "
        f"{args.epochs} epochs; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        flush=True,
    )
    rows = [timed(workers=w, seeds=args.seeds, epochs=args.epochs) for w in counts]
    if args.dask:
        rows.append(timed(dask_local=max(counts), seeds=args.seeds, epochs=args.epochs))
    base = rows[0]["run_wall_seconds"]
    print("| engine | runs | wall s (runs) | speed-up vs first | sum of run s |")
    print("|---|---|---|---|---|")
    for r in rows:
        r["speedup"] = base / r["run_wall_seconds"]
        print(
            f"| {r['engine']} | {r['runs']} | {r['run_wall_seconds']:.1f} | "
            f"{r['speedup']:.2f}x | {r['run_seconds']:.1f} |"
        )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
