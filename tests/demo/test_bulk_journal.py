"""journal/bulk.py writes the same bytes as the reference path (canonical_json, entry_digest)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseledger.core.state import diff
from caseledger.journal.bulk import CreateBody, ObjectTemplate, append_rendered, encode
from caseledger.journal.canonical import canonical_json
from caseledger.journal.models import Entry
from caseledger.journal.services import Change, append_many, write_transaction
from caseledger.journal.verify import verify_chain

names = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
scalars = st.none() | st.booleans() | st.integers(-(2**62), 2**62) | st.text(max_size=40)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(names, values, min_size=1, max_size=12))
def test_create_body_is_canonical_json_of_changes_and_state(state):
    keys = list(state)
    rendered = CreateBody(keys).render([encode(state[k]) for k in keys])
    assert rendered == canonical_json({"changes": diff(None, state), "state": state})
    assert ObjectTemplate(keys).render([encode(state[k]) for k in keys]) == canonical_json(state)


def test_keys_that_need_escaping_are_refused():
    with pytest.raises(ValueError):
        CreateBody(["ok", 'quo"te'])
    with pytest.raises(ValueError):
        ObjectTemplate(["per%cent"])


@pytest.mark.django_db(transaction=True)
def test_bulk_entries_chain_with_service_entries():
    """Bulk and ordinary appends interleave into one chain that verifies."""
    state = {"id": 1, "name": 'Zhang "三" \\ \n\t\u2028', "tags": ["a", "b"], "n": None}
    body = canonical_json({"changes": diff(None, state), "state": state})
    with write_transaction():
        append_many(actor=None, changes=[Change("thing.create", "thing", "0", {"id": 0})])
    with write_transaction():
        append_rendered(
            [
                ("thing.create", "thing", "1", "thing:1", body),
                ("thing.note", "thing_note", "7", "thing:1", body),
            ]
        )
    with write_transaction():
        append_many(
            actor=None,
            changes=[Change("thing.create", "thing", "2", state, changes=diff(None, state))],
        )

    assert list(Entry.objects.values_list("seq", flat=True)) == [1, 2, 3, 4]
    # The body the service path wrote for the same state is byte for byte the bulk body.
    assert Entry.objects.get(seq=4).payload.body == body
    report = verify_chain()
    assert report.ok, report.problems


@pytest.mark.django_db(transaction=True)
def test_bulk_append_refuses_outside_a_write_transaction():
    with pytest.raises(RuntimeError, match="write_transaction"):
        append_rendered([("thing.create", "thing", "1", "thing:1", "{}")])


@pytest.mark.django_db(transaction=True)
def test_a_body_that_is_not_canonical_is_refused_and_nothing_is_written():
    with pytest.raises(RuntimeError, match="not canonical"), write_transaction():
        append_rendered([("thing.create", "thing", "1", "thing:1", '{"b": 1, "a": 2}')])
    assert not Entry.objects.exists()
