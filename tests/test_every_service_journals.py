"""Every write journals, checked so that the check can fail.

1. Discovery reads the source of every module under caseledger (not only `*.services`)
   and finds each public function that writes a row, itself or through its module's
   private helpers (tests/journaling.py). Each must take a keyword-only `actor`, or be
   named below as a journal primitive, a derived copy, an internal step of a named
   service, or a false alarm of the reader, each with its reason.
2. Every writer with an `actor` has a real call in tests/service_calls.py.
3. Each call runs in a real transaction (`transaction=True`: no test transaction around
   it), and every table whose rows it changed must have a journal entry, appended by that
   call, for each changed row's object (the row's own type and id, or its parent's for a
   row that is part of a record, such as a contact point).
4. `write_transaction()` marks the transaction it opened (a context variable) and the
   journal append refuses to run outside one, so a service that forgets it fails even when
   its caller holds a transaction.

The four changes that passed the old version of this test, and what now fails on each
(the self-tests at the end show each mechanism on a planted case):
- `write_transaction()` removed from `case_create`: its append raises "journal appends must
  run inside write_transaction()" (test 3's call fails; `test_an_append_outside_...`).
- an extra unjournaled `update` inside `case_note_add` (say, of the customer's tags): test 3
  names the customers_customer row it changed without an entry for it
  (`test_a_planted_unjournaled_update_is_named`).
- a new write function in a module not named `services.py`: discovery finds it and test 1
  or 2 fails until it has a call here (`test_a_planted_writer_outside_services_is_found`).
- `actor` as a positional parameter: test 1 names it (`test_a_planted_positional_actor_...`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction

import caseledger
from caseledger.journal.models import Entry
from tests import journaling
from tests.service_calls import service_calls

# Write, but are not journal entries of their own, and why.
NOT_JOURNALED = {
    # The journal's own primitives: every other service calls them.
    "caseledger.journal.services.append_many": "the journal itself",
    "caseledger.journal.services.lock_head": "the journal itself (takes the head's row lock)",
    "caseledger.journal.services.record_changes": "the journal itself (record_change, a burst)",
    "caseledger.journal.bulk.append_rendered": "the journal itself (bulk loader)",
    "caseledger.journal.bulk.insert_rows": "the demo bulk loader; its entries are written by it",
    # Derived copies and caches, rebuilt from journaled records, erased with them.
    "caseledger.search.indexer.catch_up": "search index, derived from the journal",
    "caseledger.search.indexer.rebuild": "search index, derived from the journal",
    "caseledger.search.similar.build": "similar-cases index, derived",
    "caseledger.search.words.record": "search index's word list, written with the documents",
    "caseledger.search.words.forget": "search index's word list, written with the documents",
    "caseledger.insights.bulk.write_facts": "insights roll-ups, derived from the journal",
    "caseledger.insights.bulk.mark_repeats": "insights roll-ups, derived from the journal",
    "caseledger.insights.facts.save": "insights roll-ups, derived from the journal",
    "caseledger.insights.rollup.apply": "insights roll-ups, derived from the journal",
    "caseledger.insights.rollup.refresh": "insights roll-ups, derived from the journal",
    "caseledger.insights.rollup.catch_up": "insights roll-ups, derived from the journal",
    "caseledger.insights.rollup.rebuild": "insights roll-ups, derived from the journal",
    "caseledger.insights.clocktally.apply": "the SLA clock tally, derived from the clocks",
    "caseledger.insights.clocktally.on_clocks": "the SLA clock tally follows the workflow's "
    "stored clocks (hook workflow.clocks_stored), derived data like them",
    "caseledger.intake.mail.erasure.on_erasure": "a destroyed case's messages lose sender and "
    "subject; called through core.erasure inside the disposition's journaled transaction",
    "caseledger.notify.erasure.on_erasure": "notifications, derived from the journal; called "
    "through core.erasure inside the disposition's journaled transaction",
    "caseledger.knowledge.erasure.on_erasure": "journals article.unlink itself (actor: the "
    "system); called through core.erasure inside the disposition's journaled transaction",
    "caseledger.intake.mail.fetch.fetch_mailbox": "where polling stopped (each message is "
    "recorded by mail_receive, which journals it)",
    "caseledger.workflow.clocks.store.store_clocks": "clock cache, replayed from the journal",
    "caseledger.workflow.clocks.store.resummarise": "clock cache, from the stored clocks",
    "caseledger.api.services.idempotency_record": "stored API reply (a cache of a reply)",
    "caseledger.api.services.idempotency_prune": "stored API replies past their lifetime",
    "caseledger.notify.follow.catch_up": "notifications and webhook outbox, derived from the "
    "journal (a cursor over its sequence)",
    "caseledger.notify.mail.send_due": "marks notifications mailed (derived rows)",
    "caseledger.notify.sending.attempt": "a webhook delivery's attempt and answer (the outbox "
    "row is the record; docs/operations/webhooks.md)",
    "caseledger.notify.sending.deliver_due": "claims and sends webhook deliveries (the outbox)",
    # Operational records, not the records the journal is about.
    "caseledger.core.services.heartbeat_beat": "the worker's heartbeat",
    "caseledger.accounts.services.token_authenticate": "a token's last-used time",
}
# Write only inside the named service's write_transaction(), which journals them.
INTERNAL_STEPS = {
    # Django's re-hash at sign-in, journaled with the owner as the actor (User.check_password).
    "caseledger.accounts.services.user_password_rehashed": "caseledger.accounts.models",
    "caseledger.api.forget.forget_api_replies": "caseledger.disposition.records",
    "caseledger.archive.purge.archive_purge": "caseledger.disposition.records",
    "caseledger.archive.writer.apply": "caseledger.archive.services",
    "caseledger.archive.writer.discard": "caseledger.archive.services",
    "caseledger.archive.writer.recover": "caseledger.archive.services",
    "caseledger.archive.writer.register": "caseledger.archive.services",
    "caseledger.disposition.reach.anonymize_case": "caseledger.disposition.records",
    "caseledger.disposition.reach.anonymize_customer": "caseledger.disposition.records",
    "caseledger.disposition.records.anonymize": "caseledger.disposition.services.execution",
    "caseledger.disposition.records.destroy": "caseledger.disposition.services.execution",
    "caseledger.customers.services.touch_customer": "caseledger.customers.services.contacts",
    "caseledger.retention.reminders.create_due": "caseledger.retention.services.reminders",
    "caseledger.retention.reminders.email_unsent": "caseledger.retention.services.reminders",
    "caseledger.intake.mail.outbound.record": "caseledger.intake.reply.services",
    "caseledger.intake.mail.outbound.send": "caseledger.intake.reply.services",
    "caseledger.retention.services.recompute_batch": "caseledger.retention.services.recompute",
    "caseledger.classify.store.retire": "caseledger.classify.services",
    "caseledger.workflow.clocks.services.preset_row_save": "caseledger.workflow.industries.services",
}
# Where the source reader sees a write that is none (it errs on the side of finding).
NOT_ROW_WRITES = {
    "caseledger.web.views.files.case_export_xlsx": "book.save writes a spreadsheet",
    "caseledger.web.views.reviews.insights_xlsx": "book.save writes a spreadsheet",
    "caseledger.intake.spreadsheet.report.as_xlsx": "book.save writes a spreadsheet",
}
# Tables no service journals row by row, and why.
UNJOURNALED_TABLES = {
    "journal_entry": "the journal",
    "journal_payload": "the journal",
    "journal_chainhead": "the journal",
    "cases_referencecounter": "the next reference number; the case carries it",
    "django_session": "sessions (offboarding ends them; the user entry says so)",
    "core_heartbeat": "job runs and the worker's heartbeat (operations, not records)",
    "retention_recordretention": "deadlines derived from the schedules (recompute journals a summary)",
    "workflow_caseclock": "clock cache, replayed from the journal",
    "workflow_casedue": "clock cache: each case's next due time, from its stored clocks",
    "workflow_clocksweepmark": "where the last sweep stopped (operations, not records)",
    "workflow_clockalert": "alerts a sweep raises; it journals each escalation (clock.escalate)",
    "notify_followstate": "the notify follower's cursor over the journal",
    "classify_autoapplystate": "the newest case the auto-apply round has seen (each applied "
    "case is journaled, classify.auto_apply)",
}
# How a row is named in the journal when not as (its model's name, its primary key): rows
# that are part of another record are journaled as that record.
IDENTITY = {
    "customers_contactpoint": lambda r: {("customer", str(r["customer_id"]))},
    "customers_identifier": lambda r: {("customer", str(r["customer_id"]))},
    "backup_destinationresult": lambda r: {("backup", str(r["run_id"]))},
    "privacy_qualitycheck": lambda r: {
        ("qualitysample", str(r["sample_id"])),
        ("qualitycheck", str(r["id"])),
    },
    "workflow_calendarday": lambda r: {
        ("calendar_day", f"{r['calendar']}:{r['day'].isoformat()}"),
        ("calendar", r["calendar"]),
    },
    # A repeat link is part of both cases: a destroyed case's entry names it.
    "workflow_caselink": lambda r: {
        ("case_link", str(r["id"])),
        ("case", str(r["case_id"])),
        ("case", str(r["earlier_id"])),
    },
    "disposition_dispositionextension": lambda r: {(r["record_type"], str(r["record_id"]))},
    "disposition_dispositionitem": lambda r: {("disposition_batch", str(r["batch_id"]))},
    "disposition_dispositioncertificate": lambda r: {("disposition_batch", str(r["batch_id"]))},
    "retention_legalhold_cases": lambda r: {("legal_hold", str(r["legalhold_id"]))},
    "retention_legalhold_customers": lambda r: {("legal_hold", str(r["legalhold_id"]))},
    # An edit adds a version and retires the old one: the new version's entry says so.
    "retention_retentionschedule": lambda r: {("retention_schedule", None)},
    "archive_archivedrecord": lambda r: {("case", str(r["case_id"]))},
    "insights_correctiveaction": lambda r: {("capa", str(r["id"]))},
    "intake_form_formsubmission": lambda r: {("form_submission", r["public_id"])},
    # An import's rows: its problems and progress marks are the batch's, an outside id is
    # the record's (both named by the batch's and the record's entries).
    "intake_spreadsheet_importproblem": lambda r: {("importbatch", str(r["batch_id"]))},
    "intake_spreadsheet_importchunk": lambda r: {("importbatch", str(r["batch_id"]))},
    "intake_spreadsheet_externalref": lambda r: {
        (r["object_type"], str(r["object_id"])),
        ("importbatch", str(r["batch_id"])),
    },
    # A run's entry (its id is the run's, not a table's) lists the segments it wrote.
    "archive_archivesegment": lambda r: {("archive_run", None)},
    "accounts_apitoken": lambda r: {("token", str(r["id"]))},
    # notify: a person's notifications are journaled as that person (marking read); a
    # webhook's deliveries as the webhook (removing it cancels them, redelivering resets one).
    "notify_notification": lambda r: {("user", str(r["recipient_id"]))},
    "notify_subscription": lambda r: {("webhook", str(r["id"]))},
    "notify_delivery": lambda r: {("webhook", str(r["subscription_id"]))},
    "backup_backuprun": lambda r: {("backup", str(r["id"]))},
    # An article's edit adds a version: the article's entry carries the version's text.
    "knowledge_articleversion": lambda r: {("article", str(r["article_id"]))},
    "classify_trainedmodel": lambda r: {("trained_model", str(r["id"]))},
    "classify_fieldsetting": lambda r: {("classify_setting", r["field"])},
    "classify_feedback": lambda r: {("suggestion_feedback", str(r["id"]))},
}


def _object_types() -> dict[str, set[str]]:
    """table -> the object types its rows are journaled as by default: the model's name in
    snake case (CaseNote -> case_note) or Django's model name (privacy's: pendingchange)."""
    return {
        m._meta.db_table: {
            re.sub(r"(?<!^)(?=[A-Z])", "_", m.__name__).lower(),
            m._meta.model_name,
        }
        for m in apps.get_models(include_auto_created=True)
    }


def _names(table: str, pk: str, row: dict) -> set[tuple[str, str | None]]:
    if table in IDENTITY:
        return IDENTITY[table](row)
    return {(kind, pk) for kind in _object_types().get(table, {table})}


def _exempt() -> set[str]:
    return set(NOT_JOURNALED) | set(INTERNAL_STEPS) | set(NOT_ROW_WRITES)


def test_every_writer_takes_a_keyword_only_actor_or_is_named_above():
    wrong = [
        f"{w.name} (line {w.line})"
        for w in journaling.discover_writers()
        if not w.actor_keyword_only and w.name not in _exempt()
    ]
    assert not wrong, "row writers without a keyword-only actor: " + ", ".join(wrong)


def test_every_exception_still_exists_and_each_internal_step_has_its_service():
    found = {w.name for w in journaling.discover_writers()}
    assert not _exempt() - found, f"listed but gone: {sorted(_exempt() - found)}"
    root = Path(caseledger.__path__[0])
    for step, service in INTERNAL_STEPS.items():
        source = (root / Path(*service.split(".")[1:])).with_suffix(".py")
        assert step.rsplit(".", 1)[1] in source.read_text(), f"{service} does not call {step}"


def test_every_writer_with_an_actor_has_a_call(people, customer, case):
    calls = service_calls(people, customer, case)
    writers = {w.name for w in journaling.discover_writers() if w.actor_keyword_only}
    missing = writers - set(calls) - _exempt()
    assert not missing, f"row writers with no call in tests/service_calls.py: {sorted(missing)}"


def unjournaled(changed: dict[str, dict[str, dict]], entries: list[Entry]) -> list[str]:
    """The changed rows that no entry names: `changed` is table -> pk -> row (its values
    now, or before if it is gone)."""
    named: set[tuple[str, str | None]] = {(e.object_type, e.object_id) for e in entries}
    named |= {(e.object_type, None) for e in entries}
    return [
        f"{table} row {pk}"
        for table, rows in sorted(changed.items())
        if table not in UNJOURNALED_TABLES
        for pk, row in sorted(rows.items())
        if not named & _names(table, pk, row)
    ]


@pytest.mark.django_db(transaction=True)
def test_every_service_journals_every_row_it_changes(people, customer, case):
    calls = service_calls(people, customer, case)
    problems = {}
    for name in sorted(calls):
        before = journaling.snapshot()
        seq = Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        calls[name]()
        entries = list(Entry.objects.filter(seq__gt=seq))
        if name not in NOT_JOURNALED and not entries:
            problems[name] = ["no journal entry at all"]
            continue
        missing = unjournaled(journaling.changed_rows(before, journaling.snapshot()), entries)
        if missing:  # with what its entries did name, to tell a wrong name from none
            wrote = sorted({(e.object_type, e.object_id) for e in entries})
            problems[name] = [*missing, f"its entries name {str(wrote)[:300]}"]
    assert not problems, "\n".join(f"{n}: {', '.join(p)}" for n, p in problems.items())


# ---- the checks fail on planted changes ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_append_outside_write_transaction_is_refused_even_in_a_transaction(people):
    from caseledger.journal.services import record_change, write_transaction

    with pytest.raises(RuntimeError, match="inside write_transaction"), transaction.atomic():
        record_change(actor=None, action="x.y", object_type="x", object_id=1, after={})
    with write_transaction():  # the same call inside one is fine
        record_change(actor=None, action="x.y", object_type="x", object_id=1, after={})


@pytest.mark.django_db(transaction=True)
def test_a_planted_unjournaled_update_is_named(people, case):
    from caseledger.cases.services import case_note_add
    from caseledger.customers.models import Customer

    before = journaling.snapshot()
    seq = Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    case_note_add(actor=people.agent, case=case, body="a note")
    Customer.objects.filter(pk=case.customer_id).update(tags=["planted"])  # no entry
    changed = journaling.changed_rows(before, journaling.snapshot())
    found = unjournaled(changed, list(Entry.objects.filter(seq__gt=seq)))
    assert found == [f"customers_customer row {case.customer_id}"]


PLANTED = """
from caseledger.cases.models import Case

def bump(case):
    _touch(case)

def _touch(case):
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)

def case_close(actor, *, case):
    case.save()

def case_keep(*, actor, case):
    case.save()

def case_read(*, actor, case):
    return {"a": 1}.update(b=2)
"""


def test_a_planted_writer_outside_services_is_found():
    found = {w.name: w for w in journaling.writers_in(PLANTED, "caseledger.cases.helpers")}
    assert sorted(found) == [
        "caseledger.cases.helpers.bump",  # through its private helper
        "caseledger.cases.helpers.case_close",
        "caseledger.cases.helpers.case_keep",
    ]


def test_a_planted_positional_actor_is_named():
    found = {w.name: w for w in journaling.writers_in(PLANTED, "caseledger.cases.helpers")}
    assert not found["caseledger.cases.helpers.case_close"].actor_keyword_only
    assert found["caseledger.cases.helpers.case_keep"].actor_keyword_only
