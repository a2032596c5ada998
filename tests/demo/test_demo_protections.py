"""`caseledger demo` shows every protection and lifecycle state on a fresh install: encrypted
identifiers that decrypt and are found by their blind index, changes awaiting review,
stale contact points, privacy requests near and past due, consents, schedules, holds,
deadlines in every state and archived cases; all journaled as the services would."""

from __future__ import annotations

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from caseledger.cases.models import Case
from caseledger.core.state import diff
from caseledger.customers.models import ContactPoint, Customer, Identifier
from caseledger.customers.services import IDENTIFIER_RECORD, customer_owner, customer_state
from caseledger.journal.canonical import canonical_json
from caseledger.journal.models import Entry, Payload
from caseledger.journal.verify import verify_chain
from caseledger.privacy.models import (
    Consent,
    PendingChange,
    PrivacyRequest,
    QualityCheck,
    RequestKind,
)
from caseledger.privacy.queries import overdue_requests, reverification_worklist
from caseledger.privacy.services import PENDING_RECORD
from caseledger.retention.models import LegalHold, RecordRetention, RetentionSchedule
from caseledger.retention.services import retention_recompute
from caseledger.vault import crypto
from caseledger.vault.masking import mask_identifier
from caseledger.vault.validators import check_identifier

pytestmark = pytest.mark.django_db(transaction=True)

CASES = 1500


@pytest.fixture
def demo(monkeypatch) -> dict:
    monkeypatch.setenv("CASELEDGER_DEMO_PASSWORD", "demo-password-for-tests")
    out = StringIO()
    call_command("demo", "--cases", str(CASES), "--no-progress", "--json", stdout=out)
    return json.loads(out.getvalue())


def newest_bodies(object_type: str) -> dict[str, dict]:
    newest: dict[str, dict] = {}
    for entry in Entry.objects.filter(object_type=object_type).order_by("seq"):
        newest[entry.object_id] = json.loads(Payload.objects.get(entry_id=entry.seq).body)
    return newest


def test_identifiers_are_stored_and_journaled_as_identifier_add_would(demo):
    customers = Customer.objects.count()
    holders = Customer.objects.filter(identifiers__isnull=False).distinct().count()
    assert 0.2 < holders / customers < 0.4
    assert demo["identifiers"] == Identifier.objects.count()
    kinds = Counter(Identifier.objects.values_list("kind", flat=True))
    assert {"resident_id", "bank_card"} <= set(kinds)

    plaintexts = []
    for ident in Identifier.objects.all():
        plain = crypto.decrypt(
            ident.ciphertext,
            record=IDENTIFIER_RECORD,
            field=ident.kind,
            owner=customer_owner(ident.customer_id),
        )
        checked = check_identifier(ident.kind, plain)
        # Valid check digits (GB 11643 MOD 11-2, Luhn): no error, not even a warning.
        assert checked.value == plain and not checked.errors and not checked.warnings
        assert ident.masked == mask_identifier(ident.kind, plain)
        assert ident.key_id == crypto.key_id_of(ident.ciphertext)
        index = crypto.blind_index(plain, record=IDENTIFIER_RECORD, field=ident.kind)
        found = Identifier.objects.filter(kind=ident.kind, blind_index=index)
        assert ident.customer_id in set(found.values_list("customer_id", flat=True))
        plaintexts.append(plain)

    # The journal holds ciphertext and masks, never a plaintext value.
    everything = "\n".join(Payload.objects.values_list("body", flat=True))
    assert not [p for p in plaintexts if p in everything]

    # Reconstruction from the journal equals the rows, and each add is its own entry with
    # the changes identifier_add records.
    newest = newest_bodies("customer")
    for customer in Customer.objects.all():
        assert newest[str(customer.pk)]["state"] == customer_state(customer)
    adds = Entry.objects.filter(action="customer.identifier_add").order_by("seq")
    assert adds.count() == Identifier.objects.count()
    previous: dict[str, dict] = {}
    for entry in Entry.objects.filter(object_type="customer").order_by("seq"):
        body_text = Payload.objects.get(entry_id=entry.seq).body
        body = json.loads(body_text)
        assert canonical_json(body) == body_text
        if entry.action == "customer.identifier_add":
            before = previous[entry.object_id]
            assert body["changes"] == diff(before, body["state"])
            assert set(body["changes"]) == {"identifiers", "updated_at", "version"}
        previous[entry.object_id] = body["state"]
    assert verify_chain().ok


def test_privacy_records_show_every_protection(demo):
    pending = PendingChange.objects.filter(status="pending")
    assert pending.count() == demo["pending_changes"] > 0
    for change in pending:
        plain = crypto.decrypt(
            change.ciphertext,
            record=PENDING_RECORD,
            field=change.kind,
            owner=f"pending:{change.pk}",
        )
        assert not check_identifier(change.kind, plain).errors

    stale = reverification_worklist(actor=None).count()
    assert 0 < stale < ContactPoint.objects.count() / 2  # flagged, but not everything

    assert set(PrivacyRequest.objects.values_list("kind", flat=True)) == set(RequestKind.values)
    assert overdue_requests().exists()
    assert PrivacyRequest.objects.filter(status="completed").exists()
    assert Consent.objects.filter(withdrawn_at__isnull=True).exists()
    assert Consent.objects.count() == demo["consents"]

    # Last month's data-quality samples checked, this month's waiting for reviewers.
    outcomes = Counter(QualityCheck.objects.values_list("sample__month", "outcome"))
    months = sorted({month for month, _ in outcomes})
    assert len(months) == 2 and demo["quality_samples"] == 8
    assert outcomes[(months[0], "pending")] == 0 and outcomes[(months[0], "ok")] > 0
    assert outcomes[(months[1], "pending")] == demo["quality_samples"] // 2 * 20


def test_retention_states_holds_and_archive(demo):
    states = Counter(RecordRetention.objects.values_list("state", flat=True))
    assert {"active", "due", "due_soon", "held", "pending", "unscheduled"} <= set(states)
    assert sum(states.values()) == Case.objects.count() + Customer.objects.count()

    # Each adopted preset is narrowed to its industry's customers (version 2).
    current = RetentionSchedule.objects.filter(is_current=True)
    assert current.exists()
    assert all(s.version == 2 and s.tags == [s.industry] for s in current)

    holds = LegalHold.objects.filter(released_at__isnull=True)
    assert sorted(holds.values_list("scope", flat=True)) == ["cases", "filter"]
    named = holds.get(scope="cases").cases.values_list("pk", flat=True)
    held = set(
        RecordRetention.objects.filter(record_type="case", state="held").values_list(
            "record_id", flat=True
        )
    )
    assert set(named) <= held

    assert demo["archived"] > 0
    assert Case.objects.filter(archived_at__isnull=False).count() == demo["archived"]
    assert verify_chain().ok


def test_a_recompute_after_the_demo_changes_nothing(demo):
    """The demo's holds, schedules and records agree with its deadlines: recomputing them
    (as the worker does nightly) finds every record where the demo left it."""
    fields = ("record_type", "record_id", "schedule_id", "schedule_version", "trigger_on")

    def snapshot() -> list[tuple]:
        return sorted(RecordRetention.objects.values_list(*fields, "due_on", "state"))

    before = snapshot()
    assert retention_recompute(actor=None) == demo["deadlines"]
    assert snapshot() == before
    assert verify_chain().ok
