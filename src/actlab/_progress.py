"""A small text progress bar for training and long runs (stderr by default).

On a terminal it redraws one line; elsewhere (a log file, CI) it writes a
line at most every ``every`` seconds, and always the last one.
"""

from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return (f"{hours}:" if hours else "") + f"{rest // 60:02d}:{rest % 60:02d}"


class ProgressBar:
    """``bar.update(done, text)`` draws ``label [####....] done/total text
    elapsed<left``; ``close()`` ends the line.

    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar(4, "epoch", stream=out, width=8)
    >>> bar.update(2, "loss 0.5")
    >>> out.getvalue().split(" 00:")[0]
    'epoch [####....] 2/4 loss 0.5'
    """

    def __init__(self, total: int, label: str = "", *, stream=None, width: int = 24):
        self.total, self.label, self.width = max(int(total), 1), label, width
        self.stream = sys.stderr if stream is None else stream
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self.every = 0.1 if self.tty else 5.0
        self._last_draw = -float("inf")
        self._line = ""
        self._pending = None

    def update(self, done: int, text: str = "") -> None:
        now = time.perf_counter()
        final = done >= self.total
        if not final and now - self._last_draw < self.every and self._line:
            self._pending = (done, text)  # drawn by close() if nothing follows
            return
        self._pending = None
        self._last_draw = now
        elapsed = now - self.start
        left = elapsed / done * (self.total - done) if done else 0.0
        filled = int(self.width * min(done, self.total) / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        line = f"{self.label} [{bar}] {done}/{self.total}"
        line += f" {text}" if text else ""
        line += f" {_clock(elapsed)}<{_clock(left)}"
        if self.tty:
            pad = " " * max(len(self._line) - len(line), 0)
            self.stream.write("\r" + line + pad)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self._line = line

    def close(self) -> None:
        """Draw the last state if it was skipped, and end the line."""
        if self._pending is not None:
            done, text = self._pending
            self._last_draw = -float("inf")
            self.update(done, text)
        if self.tty and self._line:
            self.stream.write("\n")
            self.stream.flush()
