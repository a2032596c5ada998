"""What every benchmark shares: a throwaway data directory, the `caseledger` command, a server
subprocess, a logged-in HTTP session, timers, percentiles and the result table."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CASELEDGER = str(VENV_BIN / "caseledger")
DEMO_PASSWORD = "bench-demo-password"


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a small run to check the benchmark works")
    p.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    return p


@contextlib.contextmanager
def data_dir(name: str, keep: bool = False, reuse: str | None = None) -> Iterator[Path]:
    """A fresh CASELEDGER_DATA_DIR under /tmp (or an existing one to reuse), set in the
    environment of this process and of every command it starts."""
    path = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix=f"caseledger-bench-{name}-"))
    previous = os.environ.get("CASELEDGER_DATA_DIR")
    os.environ["CASELEDGER_DATA_DIR"] = str(path)
    os.environ.setdefault("CASELEDGER_DEMO_PASSWORD", DEMO_PASSWORD)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseledger.settings.production")
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop("CASELEDGER_DATA_DIR", None)
        else:
            os.environ["CASELEDGER_DATA_DIR"] = previous
        if not keep and not reuse:
            shutil.rmtree(path, ignore_errors=True)
        elif not reuse:
            print(f"kept data directory {path}")


def caseledger(*args: str, quiet: bool = True) -> str:
    """Run `caseledger ARGS` with this environment; its stdout, or exit on failure."""
    done = subprocess.run([CASELEDGER, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"caseledger {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    if not quiet:
        print(done.stdout.rstrip())
    return done.stdout


def django_setup() -> None:
    """Use caseledger in this process, against the data directory set by data_dir()."""
    import django

    sys.path.insert(0, str(ROOT / "src"))
    django.setup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served(str):
    """A running server's base URL, and the pid of its master process (for `tree_cpu`)."""

    pid: int


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its living children (a gunicorn master and
    its workers), from /proc: what a server spent, whatever else the machine was doing."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        this, parent = int(stat.parent.name), int(fields[1])
        if this == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


@contextlib.contextmanager
def server(extra: Sequence[str] = ()) -> Iterator[Served]:
    """`caseledger serve` on a free port, with its own default serving model unless `extra`
    says otherwise; yields its base URL once /healthz answers."""
    import requests

    port = free_port()
    process = subprocess.Popen(
        [CASELEDGER, "serve", "--port", str(port), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                sys.exit(
                    f"caseledger serve exited:\n{process.stderr.read() if process.stderr else ''}"
                )
            with contextlib.suppress(requests.RequestException):
                # Any answer will do: /healthz says 503 while no worker heartbeats.
                requests.get(f"{base}/healthz", timeout=2)
                break
            if time.monotonic() > deadline:
                sys.exit("caseledger serve did not answer /healthz within 60s")
            time.sleep(0.3)
        served = Served(base)
        served.pid = process.pid
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def login(base: str, username: str, password: str):
    """A requests session logged in through the /login/ form, CSRF token included."""
    import requests

    session = requests.Session()
    session.get(f"{base}/login/", timeout=30).raise_for_status()
    response = session.post(
        f"{base}/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        headers={"Referer": f"{base}/login/"},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        sys.exit(f"login as {username} failed: HTTP {response.status_code}")
    return session


@contextlib.contextmanager
def timer() -> Iterator[list[float]]:
    """`with timer() as t: ...` then t[0] is the elapsed seconds."""
    box: list[float] = []
    started = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - started)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), linear between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def machine() -> str:
    model = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs, {model}, Python {platform.python_version()}"


@dataclass
class Result:
    name: str
    value: float
    unit: str
    target: str = ""
    passed: bool | None = None


def report(title: str, results: Sequence[Result], ratios: Sequence[tuple[str, float]] = ()) -> None:
    print()
    print(f"== {title} ==  ({machine()}, {time.strftime('%Y-%m-%d %H:%M')})")
    width = max(len(r.name) for r in results) if results else 10
    for r in results:
        verdict = "" if r.passed is None else ("PASS" if r.passed else "FAIL")
        print(f"  {r.name:<{width}}  {r.value:>12,.1f} {r.unit:<10} {r.target:<14} {verdict}")
    for name, ratio in ratios:
        print(f"  ratio: {name} = {ratio:.3f}")
