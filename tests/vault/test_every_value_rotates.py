"""Every value the vault encrypted moves to the new key on `caseledger keys rotate`, not only
the customers' identifiers: an IMAP password, a pending identifier change and a webhook's
signing secret too. The check does not trust the holders' own counts: it reads every text column of every table for a
value still sealed under the old key, so a new kind of encrypted value that no key holder
covers fails here."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models

from caseledger.intake.mail.services import mailbox_create, mailbox_password, mailbox_state
from caseledger.intake.models import Mailbox
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of
from caseledger.journal.verify import verify_chain
from caseledger.notify.services import webhook_create
from caseledger.privacy.models import PendingChange
from caseledger.privacy.services import identifier_change_confirm, identifier_change_propose
from caseledger.vault.crypto import VERSION
from caseledger.vault.keys import load
from tests.cli.helpers import run
from tests.factories import make_customer


def _sealed_under(key_id: str) -> list[str]:
    """table.column of every stored value sealed under `key_id`, across the whole schema."""
    prefix = f"{VERSION}:{key_id}:"
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            for field in model._meta.concrete_fields:
                if not isinstance(field, (models.CharField, models.TextField)):
                    continue
                column = connection.ops.quote_name(field.column)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "
                    f"WHERE {column} LIKE %s",
                    [prefix + "%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{field.column}")
    return found


def _one_of_each(people, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # no name lookups in tests: a loopback receiver
    customer = make_customer(people.agent, people.sales)
    change = identifier_change_propose(
        actor=people.agent, customer=customer, kind="bank_card", value="6222020200112233"
    )
    mailbox = mailbox_create(
        actor=people.admin,
        data={
            "name": "support", "department": people.sales, "address": "support@caseledger.test",
            "host": "127.0.0.1", "username": "support", "password": "imap-secret-1",
            "intake_user": people.agent, "category": "product_quality",
        },
    )  # fmt: skip
    webhook_create(
        actor=people.admin,
        data={"name": "crm", "url": "http://127.0.0.1:9/hook", "events": ["case.created"]},
    )
    return change, mailbox


def test_keys_status_counts_every_sealed_value_by_its_holder(people, settings):
    _one_of_each(people, settings)
    status = run("keys", "status", "--json").json()
    (active,) = status["keys"]
    assert active["by_holder"] == {
        "customers": 2,  # the customer's phone and e-mail address
        "pending identifier changes": 1,
        "mailboxes": 1,
        "webhooks": 1,
    }
    run("keys", "add")
    assert run("keys", "status", "--json").json()["under_old_keys"] == 5
    assert "1 mailboxes" in run("keys", "status").out


def test_rotation_leaves_no_value_under_the_old_key_anywhere(people, settings):
    change, mailbox = _one_of_each(people, settings)
    old = load().active_id
    assert set(_sealed_under(old)) == {
        "customers_contactpoint.ciphertext",
        "intake_mailbox.password",
        "privacy_pendingchange.ciphertext",
        "notify_subscription.secret",
    }
    new = run("keys", "add", "--json").json()["active"]
    entries = Entry.objects.count()

    result = run("keys", "rotate", "--json").json()

    assert _sealed_under(old) == []
    assert result["by_holder"] == {
        "customers": 1,
        "pending identifier changes": 1,
        "mailboxes": 1,
        "webhooks": 1,
    }
    assert (result["values"], result["remaining"], result["from_keys"]) == (5, 0, {old: 5})
    rotated = Entry.objects.filter(seq__gt=entries)
    assert sorted(rotated.values_list("action", flat=True)) == [
        "customer.reencrypt",
        "mailbox.reencrypt",
        "privacy.change_reencrypt",
        "webhook.reencrypt",
    ]
    assert all(new in e.reason for e in rotated)
    # The moved values still read, and their journaled states match the rows.
    mailbox = Mailbox.objects.get(pk=mailbox.pk)
    assert mailbox_password(mailbox) == "imap-secret-1"
    assert state_as_of("mailbox", mailbox.pk) == mailbox_state(mailbox)
    assert "imap-secret-1" not in str(list(rotated.values_list("payload__body", flat=True)))
    identifier = identifier_change_confirm(
        actor=people.supervisor, change=PendingChange.objects.get(pk=change.pk), reason="checked"
    )
    assert identifier.key_id == new
    assert verify_chain().ok
    assert run("keys", "rotate", "--json").json()["values"] == 0
