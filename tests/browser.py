"""Open a page in headless Chromium and report what a reader would see go
wrong: console errors, uncaught exceptions, and images that did not load.

It speaks the DevTools protocol over ``--remote-debugging-pipe`` (JSON
messages ended by a NUL byte on the browser's file descriptors 3 and 4), so
it needs only the standard library and a Chromium binary.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)


def find_browser() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class _Pipe:
    def __init__(self, browser: str, profile: str):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire():  # in the child: the protocol's descriptors 3 and 4
            read = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)  # (not 3 or 4)
            write = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(read, 3)  # (inheritable, unlike the pipe's own ends)
            os.dup2(write, 4)

        self.proc = subprocess.Popen(
            [browser, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=wire,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer, self._next_id, self.events = b"", 0, []

    def send(self, method, params=None, session=None, timeout=30.0):
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        return self.wait(lambda m: m.get("id") == self._next_id, timeout)

    def wait(self, match, timeout=30.0):
        deadline = time.monotonic() + timeout
        for i, m in enumerate(self.events):
            if match(m):
                return self.events.pop(i)
        while True:
            msg = self._read(deadline)
            if match(msg):
                return msg
            self.events.append(msg)

    def _read(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("the browser did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed the protocol pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def close(self):
        try:
            self.send("Browser.close", timeout=5.0)
        except (OSError, TimeoutError, RuntimeError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_browser)
        os.close(self._from_browser)


def open_page(path, browser: str | None = None, timeout: float = 60.0) -> dict:
    """Load ``path`` and return ``{"errors": [...], "images": [...],
    "title": ...}``; each image is ``{"id", "loaded", "width", "height"}``."""
    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError("no Chromium found")
    url = Path(path).resolve().as_uri()
    with tempfile.TemporaryDirectory() as profile:
        pipe = _Pipe(browser, profile)
        try:
            target = pipe.send("Target.createTarget", {"url": "about:blank"})
            target_id = target["result"]["targetId"]
            attached = pipe.send(
                "Target.attachToTarget", {"targetId": target_id, "flatten": True}
            )
            session = attached["result"]["sessionId"]
            for domain in ("Runtime", "Log", "Page"):
                pipe.send(f"{domain}.enable", session=session)
            pipe.send("Page.navigate", {"url": url}, session=session)
            pipe.wait(
                lambda m: (
                    m.get("method") == "Page.loadEventFired"
                    and m.get("sessionId") == session
                ),
                timeout,
            )
            probe = (
                "JSON.stringify({title: document.title, images: "
                "Array.from(document.images).map(i => ({id: i.id, "
                "loaded: i.complete && i.naturalWidth > 0, "
                "width: i.naturalWidth, height: i.naturalHeight}))})"
            )
            answer = pipe.send(
                "Runtime.evaluate",
                {"expression": probe, "returnByValue": True},
                session=session,
            )
            page = json.loads(answer["result"]["result"]["value"])
            errors = [_error(m) for m in pipe.events if _error(m)]
        finally:
            pipe.close()
    return {"errors": errors, **page}


def _error(msg) -> str | None:
    method, params = msg.get("method"), msg.get("params", {})
    if method == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        thrown = details.get("exception", {}).get("description", "")
        return f"{details.get('text', 'exception')} {thrown}".strip()
    if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
        return " ".join(
            str(a.get("value", a.get("description"))) for a in params["args"]
        )
    if method == "Log.entryAdded" and params["entry"].get("level") == "error":
        return params["entry"].get("text", "error")
    return None
