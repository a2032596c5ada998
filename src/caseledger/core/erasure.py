"""Derived copies of personal data (a search index, roll-ups, knowledge drafts) erase with
the record: the app that keeps a copy registers a handler at start-up, and the disposition
of a record calls every handler inside the same transaction, so the copy and the record go
together or not at all.

`core` is the lowest floor, so it cannot import the apps that keep copies; the apps call
`register` from their `AppConfig.ready` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Erasure:
    """What was erased: the cases and customers whose personal content is gone.

    `mode` is "destroy" (the record is deleted) or "anonymize" (the record stays, its
    personal content is replaced); a handler drops or rewrites its copy accordingly."""

    mode: str
    case_ids: frozenset[int] = field(default_factory=frozenset)
    customer_ids: frozenset[int] = field(default_factory=frozenset)


Handler = Callable[[Erasure], None]

_handlers: dict[str, Handler] = {}


def register(name: str, handler: Handler) -> None:
    """Register (or replace, on a reload) the handler of one derived copy."""
    _handlers[name] = handler


def handlers() -> dict[str, Handler]:
    return dict(_handlers)


def erase(*, mode: str, case_ids: Iterable[int] = (), customer_ids: Iterable[int] = ()) -> Erasure:
    """Run every registered handler; call inside the disposing transaction."""
    request = Erasure(mode=mode, case_ids=frozenset(case_ids), customer_ids=frozenset(customer_ids))
    if request.case_ids or request.customer_ids:
        for handler in _handlers.values():
            handler(request)
    return request
