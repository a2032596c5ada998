"""Running the web server and the worker as children of `caseledger up`.

Each child gets its own process group, so a Ctrl-C in the terminal reaches `up` alone and
`up` decides how the children stop (SIGTERM: finish what is running). On Linux each child
also asks the kernel for SIGTERM when `up` dies, so a killed `up` leaves no orphans.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

_PR_SET_PDEATHSIG = 1


def _child_setup() -> None:
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    # Variables for this child only (the replication child's S3 credentials).
    extra_env: dict[str, str] = field(default_factory=dict)

    def start(self, env: dict[str, str]) -> None:
        # preexec_fn is safe here: `up` runs no threads of its own.
        self.process = subprocess.Popen(
            self.argv, env={**env, **self.extra_env}, preexec_fn=_child_setup
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signum)

    def kill_group(self) -> None:
        """SIGKILL the child and whatever it started (gunicorn's workers), even if it died."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


@dataclass
class Supervisor:
    children: list[Child]
    stop_timeout: float = 30.0
    _stop_requested: int | None = field(default=None, init=False)
    _first_signal_at: float = field(default=0.0, init=False)

    def install_signal_handlers(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame) -> None:
        now = time.monotonic()
        if self._stop_requested is None:
            self._stop_requested, self._first_signal_at = signum, now
        elif now - self._first_signal_at > 1.0:
            # A second Ctrl-C: the user is done waiting. (Copies of the first signal that
            # arrive together, as `timeout` sends them to the process and its group, are not.)
            for child in self.children:
                child.kill_group()

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested is not None

    def first_dead(self) -> Child | None:
        return next((c for c in self.children if c.exit_code() is not None), None)

    def stop_all(self) -> dict[str, int | None]:
        for child in self.children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill_group()
                child.process.wait()
        return {c.name: c.exit_code() for c in self.children}

    def wait_for(self, until, *, timeout: float, interval: float = 0.2) -> bool:
        """Poll `until()` while every child lives and no stop was asked for."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stop_requested or self.first_dead():
                return False
            if until():
                return True
            time.sleep(interval)
        return False


def answers(url: str) -> bool:
    """True once the server answers HTTP at all (/healthz says 503 until the worker beats)."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local URL)
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False
