"""Engines: where the runs execute. Each yields ``(spec, record)`` as runs
finish, in any order; the caller stores each one at once.

- ``local``: joblib processes (``workers``; 1 runs in this process);
- ``dask``: a Dask distributed cluster, at ``scheduler`` (an address such as
  ``tcp://host:8786``) or a LocalCluster of ``dask_local`` processes started
  here.

Every run limits its own linear algebra to one thread, so the engine, not
BLAS, decides how many cores work, and the numbers are the same whichever
engine produced them.
"""

from __future__ import annotations

import contextlib
import os

from ..errors import ActlabError
from ._runs import RunSpec, run


def _keyed(spec: RunSpec):
    return spec, run(spec)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Local:
    """joblib's process pool (loky)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.name = f"{workers} local worker{'s' if workers != 1 else ''}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def map(self, specs):
        if self.workers == 1:
            yield from map(_keyed, specs)
            return
        from joblib import Parallel, delayed

        pool = Parallel(
            n_jobs=self.workers, return_as="generator_unordered", batch_size=1
        )
        yield from pool(delayed(_keyed)(s) for s in specs)


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ActlabError(
            "the Dask engine needs dask[distributed]: "
            "pip install 'actlab[cluster]' (or use --workers)"
        ) from None
    return distributed


class Dask:
    """A Dask distributed client, to a scheduler or to a LocalCluster."""

    def __init__(self, scheduler: str | None = None, local: int | None = None):
        self.scheduler, self.local = scheduler, local
        self._stack = contextlib.ExitStack()
        self.workers = local or 0
        self.name = f"Dask LocalCluster of {local}" if local else f"Dask at {scheduler}"

    def __enter__(self):
        distributed = _distributed()
        import logging

        logging.getLogger("distributed").setLevel(logging.ERROR)
        try:
            if self.local:
                cluster = self._stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=self.local,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                )
                self.client = self._stack.enter_context(distributed.Client(cluster))
            else:
                self.client = self._stack.enter_context(
                    distributed.Client(self.scheduler, timeout="10s")
                )
        except (OSError, TimeoutError, ValueError) as exc:
            self._stack.close()
            where = self.scheduler or "a LocalCluster"
            raise ActlabError(
                f"cannot reach the Dask scheduler {where}: {exc}".rstrip()
            ) from None
        self.workers = max(len(self.client.scheduler_info().get("workers", {})), 1)
        return self

    def __exit__(self, *exc):
        self._stack.close()
        return False

    def map(self, specs):
        distributed = _distributed()
        futures = [
            self.client.submit(_keyed, s, key=f"actlab-run-{s.key}", pure=False)
            for s in specs
        ]
        try:
            for future in distributed.as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
