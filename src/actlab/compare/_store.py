"""The results store: one SQLite database per output directory, one row per
run, keyed by the hash of its spec.

Each finished run is committed on its own, so killing the process loses no
finished run. Writes are single ``INSERT OR IGNORE`` transactions in WAL mode
with a busy timeout: several processes writing at once wait for each other
and never corrupt the file (a run finished twice is kept once).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..errors import ActlabError
from ._runs import FIELDS

#: Columns stored as JSON text.
_JSON = ("grad_norm_start", "grad_norm_end", "validation_losses", "curve")
IDENTITY = ("key", "activation", "dataset", "seed", "version")
COLUMNS = (*IDENTITY, *FIELDS, "curve")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS runs ("
    + ", ".join(f"{c} {'TEXT PRIMARY KEY' if c == 'key' else ''}" for c in COLUMNS)
    + ")"
)


class Store:
    """``Store(path)``: ``done(keys)``, ``add(row)``, ``rows(keys)``."""

    def __init__(self, path, *, fresh: bool = False):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if fresh:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise ActlabError(
                f"cannot use {self.path} as the results store: {exc}"
            ) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def done(self, keys) -> set:
        keys = list(keys)
        found = set()
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            sql = f"SELECT key FROM runs WHERE key IN ({marks})"
            found.update(k for (k,) in self._db.execute(sql, part))
        return found

    def add(self, row: dict) -> None:
        values = [json.dumps(row.get(c)) if c in _JSON else row.get(c) for c in COLUMNS]
        marks = ",".join("?" * len(COLUMNS))
        with self._db:  # one transaction per run
            self._db.execute(
                f"INSERT OR IGNORE INTO runs ({','.join(COLUMNS)}) VALUES ({marks})",
                values,
            )

    def rows(self, keys=None) -> list[dict]:
        """The stored runs (those of ``keys`` when given), in key order."""
        cur = self._db.execute(f"SELECT {','.join(COLUMNS)} FROM runs ORDER BY key")
        wanted = None if keys is None else set(keys)
        out = []
        for values in cur:
            row = dict(zip(COLUMNS, values, strict=True))
            if wanted is not None and row["key"] not in wanted:
                continue
            for c in _JSON:
                row[c] = json.loads(row[c]) if row[c] is not None else None
            out.append(row)
        return out
