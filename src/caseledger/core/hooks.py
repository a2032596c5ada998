"""Named hooks: how a lower floor sets higher work going without importing it (ADR 0010).

A higher app registers a function under a name in its `AppConfig.ready()`; the lower app
calls whatever is registered under that name. Registration happens once per process while
Django starts, before any request, job or command runs, so a hook that is missing when it
is called is a wiring bug: `one()` raises rather than skipping a guard or a step.

Hooks are plain synchronous calls inside the caller's transaction: they change who imports
whom, never what happens or in which order (each hook has an `order`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HOOKS: dict[str, dict[str, tuple[int, Callable[..., Any]]]] = {}
# all_of's answers, sorted once: guards run on every write. Emptied by every register().
_SORTED: dict[str, list[Callable[..., Any]]] = {}


class HookMissing(RuntimeError):
    """A hook was called that no app registered (an app missing from INSTALLED_APPS)."""


def register(name: str, fn: Callable[..., Any], *, order: int = 0) -> None:
    """Register `fn` under `name`. Registering the same function again replaces it, so a
    `ready()` that runs twice (tests that reload apps) does not call it twice."""
    key = f"{fn.__module__}.{fn.__qualname__}"
    _HOOKS.setdefault(name, {})[key] = (order, fn)
    _SORTED.clear()


def all_of(name: str) -> list[Callable[..., Any]]:
    """Every function registered under `name`, by `order` (then by module and name)."""
    if name not in _SORTED:
        found = sorted(_HOOKS.get(name, {}).items(), key=lambda item: (item[1][0], item[0]))
        _SORTED[name] = [fn for _key, (_order, fn) in found]
    return list(_SORTED[name])


def one(name: str) -> Callable[..., Any]:
    """The single function registered under `name`; HookMissing if none, RuntimeError if
    several (a guard answered by two apps would be ambiguous)."""
    found = all_of(name)
    if not found:
        raise HookMissing(f"no app registered the hook {name!r}")
    if len(found) > 1:
        raise RuntimeError(f"several apps registered the hook {name!r}")
    return found[0]
