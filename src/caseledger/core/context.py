"""Which interface a write came through (web, api, cli, worker, import), for the journal."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

VIA_CHOICES = ("web", "api", "cli", "worker", "import", "system")

_via: contextvars.ContextVar[str] = contextvars.ContextVar("caseledger_via", default="cli")


def current_via() -> str:
    return _via.get()


@contextlib.contextmanager
def via(name: str) -> Iterator[None]:
    if name not in VIA_CHOICES:
        raise ValueError(f"unknown interface {name!r}")
    token = _via.set(name)
    try:
        yield
    finally:
        _via.reset(token)
