"""Hooks a lower floor calls and a higher app registers at start-up (core/hooks.py, ADR 0010):
every one is wired once Django has started, in its order, and a missing one fails closed."""

from __future__ import annotations

import pytest

from caseledger.core import hooks


def test_every_hook_is_answered_once_django_has_started():
    from caseledger.cases.queries import TEXT_FILTER
    from caseledger.core.access import REFUSAL
    from caseledger.disposition.reach import FORGET_API_REPLIES
    from caseledger.holds.guards import ENSURE_NOT_HELD, HELD_CASE_IDS
    from caseledger.journal.copies import DESTINATIONS
    from caseledger.retention.sweep import OVERRIDES

    for name in (
        TEXT_FILTER,
        FORGET_API_REPLIES,
        ENSURE_NOT_HELD,
        HELD_CASE_IDS,
        DESTINATIONS,
        REFUSAL,
    ):
        assert callable(hooks.one(name)), name
    assert hooks.one(OVERRIDES).__module__ == "caseledger.disposition.overrides"


def test_ordered_hooks_run_in_their_order():
    from caseledger.customers.services import MERGE_PARTS
    from caseledger.retention.lifecycle import LATER_STEPS

    steps = [f.__module__ for f in hooks.all_of(LATER_STEPS)]
    assert steps == ["caseledger.archive.lifecycle", "caseledger.disposition.lifecycle"]
    assert [part.name for part in hooks.all_of(MERGE_PARTS)] == ["cases", "consents"]


def test_a_missing_hook_fails_closed_and_a_doubled_one_is_refused(monkeypatch):
    monkeypatch.setitem(hooks._HOOKS, "test.doubled", {})
    monkeypatch.setattr(hooks, "_SORTED", {})
    with pytest.raises(hooks.HookMissing):
        hooks.one("nobody.registered.this")

    def first(): ...

    def second(): ...

    hooks.register("test.doubled", first)
    hooks.register("test.doubled", first)  # registering again replaces, never doubles
    assert hooks.all_of("test.doubled") == [first]
    hooks.register("test.doubled", second)
    with pytest.raises(RuntimeError, match="several apps"):
        hooks.one("test.doubled")


def test_a_guard_with_no_answer_refuses_the_write(monkeypatch):
    from caseledger.holds import guards

    monkeypatch.setitem(hooks._HOOKS, guards.ENSURE_NOT_HELD, {})
    monkeypatch.setattr(hooks, "_SORTED", {})
    with pytest.raises(hooks.HookMissing):
        guards.ensure_not_held(case=None)
