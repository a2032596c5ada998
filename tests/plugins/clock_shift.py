"""Run the suite at a date drawn from a seed, so every test must pass on any date.

The seed comes from `--clock-seed N`, else `CASELEDGER_CLOCK_SEED`, else a fresh random one;
the run prints it in its header and again at the end, and the same seed reproduces the same
date. The project's clock (`core.clock.now`) moves by the difference between that date and
the real one at start-up, and keeps ticking; the processes the tests start inherit the shift.
A test that freezes the clock at a fixed date while its fixtures were written "now", or that
reads the wall clock itself, fails on most seeds instead of three weeks after it was written.

`--clock-seed real` runs at the real date (to tell a date bug from another one).
"""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest

# The span the date is drawn from: wide enough to cross leap days, year ends and decades,
# narrow enough that retention periods of 30 years still end before 9999.
EARLIEST = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2075, 12, 31, 23, 59, tzinfo=dt.UTC)

_state: dict[str, object] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-seed",
        default=os.environ.get("CASELEDGER_CLOCK_SEED") or None,
        help="seed of the date the suite runs at (printed by every run); 'real' for today",
    )


def shifted_date(seed: int) -> dt.datetime:
    """The date a seed stands for: the same seed, the same date, on any machine."""
    span = (LATEST - EARLIEST).total_seconds()
    return EARLIEST + dt.timedelta(seconds=int(random.Random(seed).random() * span))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser, args) -> None:
    # Before pytest-django sets Django up and before any conftest imports the project.
    from caseledger.core import clock

    raw = early_config.known_args_namespace.clock_seed
    if raw == "real":
        clock.shift_by(dt.timedelta(0))
        _state.update(seed="real", at=None)
        return
    seed = int(raw) if raw is not None else random.SystemRandom().randrange(10**9)
    at = shifted_date(seed)
    real = dt.datetime.now(tz=dt.UTC)  # noqa: TID251 (the one place the shift is measured)
    clock.shift_by(at - real)
    _state.update(seed=seed, at=at)


def _describe() -> str:
    if _state.get("at") is None:
        return "clock: the real date (--clock-seed real)"
    at = _state["at"]
    assert isinstance(at, dt.datetime)
    return (
        f"clock shifted to {at:%Y-%m-%d %H:%M} UTC by seed {_state['seed']} "
        f"(reproduce: --clock-seed {_state['seed']})"
    )


def pytest_report_header(config: pytest.Config) -> str:
    return _describe()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    terminalreporter.write_line(_describe())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "clock(at): the test and its fixtures run with the clock frozen at `at` (an aware "
        "datetime), for tests written against fixed dates",
    )


@pytest.fixture(autouse=True)
def _clock_marker(request: pytest.FixtureRequest):
    """Autouse fixtures run before the ones a test asks for, so the data the fixtures
    write is dated at the marker's time too: a fixed-date test cannot mix the two."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield
        return
    from caseledger.core import clock

    with clock.frozen(marker.args[0]):
        yield
