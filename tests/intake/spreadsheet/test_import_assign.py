"""Imported cases go through the department's assignment rules, as a web-created case does:
each given to an active, present agent, journaled as `case.auto_assign` naming the rule,
as part of the import (its undo still removes everything)."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from caseledger.accounts.services import user_create
from caseledger.cases.models import Case
from caseledger.cases.services import case_state
from caseledger.core import clock
from caseledger.core.context import via
from caseledger.core.state import diff
from caseledger.intake.spreadsheet.models import ImportBatch
from caseledger.intake.spreadsheet.services import batch_commit
from caseledger.intake.spreadsheet.undo import batch_undo
from caseledger.journal.models import Entry
from caseledger.journal.queries import history
from caseledger.journal.reconcile import reconcile
from caseledger.journal.verify import verify_chain
from caseledger.workflow.assign.absences import absence_add
from caseledger.workflow.assign.rules import assign_rule_set
from tests.factories import make_case, make_customer
from tests.intake.spreadsheet.helpers import batch_for, good_row, write_csv

MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.clock(MONDAY)


@pytest.fixture
def team(people):
    """alice (the personas' agent), bea (away this week) and cai: the sales agents, with a
    round-robin rule for the department."""
    made = {
        name: user_create(
            actor=None, username=name, password=None, roles=["agent"], department=people.sales
        )
        for name in ("bea", "cai")
    }
    absence_add(
        actor=made["bea"],
        user=made["bea"],
        data={"starts_on": "2026-03-01", "ends_on": "2026-03-06", "reason": "年假 leave"},
    )
    rule = assign_rule_set(
        actor=people.admin,
        data={"name": "sales round", "department": "sales", "strategy": "round_robin"},
    )
    return {"alice": people.agent, **made, "rule": rule}


def _import(people, tmp_path, rows: int, **kwargs) -> ImportBatch:
    path = write_csv(tmp_path / "cases.csv", [good_row(n) for n in range(1, rows + 1)])
    return batch_commit(actor=people.agent, batch=batch_for(people, path), **kwargs)


def test_an_import_into_a_department_with_a_round_robin_rule_spreads_cases_over_present_agents(
    people, team, tmp_path
):
    batch = _import(people, tmp_path, 6, chunk_size=4)
    given = [
        c.assignee.username for c in Case.objects.filter(subject__startswith="投诉").order_by("id")
    ]
    assert batch.cases_created == 6
    assert given == ["alice", "cai", "alice", "cai", "alice", "cai"], "bea is away"
    # the next case made on the web goes on from where the import stopped
    customer = make_customer(people.agent, people.sales)
    assert (
        make_case(people.agent, customer, category="other", subcategory="").assignee
        == team["alice"]
    )


def test_an_imported_case_is_journaled_as_assigned_like_a_web_created_one(people, team, tmp_path):
    with via("web"):
        customer = make_customer(people.agent, people.sales)
        web = make_case(people.agent, customer, category="other", subcategory="")
    batch = _import(people, tmp_path, 3)
    imported = Case.objects.filter(subject__startswith="投诉").order_by("id").first()
    assert imported is not None and imported.assignee is not None and imported.version == 2

    def assigned(case):
        [entry] = [e for e in history(f"case:{case.pk}") if e.action == "case.auto_assign"]
        return entry

    mine, theirs = assigned(imported), assigned(web)
    rule = team["rule"]
    assert mine.reason == theirs.reason == f"assignment rule #{rule.pk} sales round (round_robin)"
    assert mine.changes.keys() == theirs.changes.keys() and set(mine.changes) >= {"assignee_id"}
    assert mine.changes["assignee_id"] == [None, imported.assignee_id]
    entry = Entry.objects.get(seq=mine.seq)
    assert (entry.actor_id, entry.via, entry.root) == (
        people.agent.pk,
        "import",
        f"case:{imported.pk}",
    )
    assert entry.seq <= ImportBatch.objects.get(pk=batch.pk).last_seq, "part of the import"
    assert verify_chain().ok
    assert reconcile().ok, "every imported case equals its journal reconstruction"


def test_an_import_whose_cases_were_assigned_by_a_rule_can_still_be_undone(people, team, tmp_path):
    batch = _import(people, tmp_path, 5, chunk_size=2)
    assert Case.objects.filter(assignee__isnull=False).count() == 5
    batch_undo(actor=people.agent, batch=batch, reason="wrong file")
    assert not Case.objects.filter(subject__startswith="投诉").exists()
    assert Entry.objects.filter(action="case.import_undo").count() == 5
    assert verify_chain().ok


def test_an_import_without_a_matching_rule_leaves_its_cases_in_the_queue(people, tmp_path):
    _import(people, tmp_path, 3)
    assert not Case.objects.filter(assignee__isnull=False).exists()
    assert not Entry.objects.filter(action="case.auto_assign").exists()


def test_an_import_that_fails_while_assigning_resumes_and_gives_every_case_once(
    people, team, tmp_path, monkeypatch
):
    from caseledger.intake.spreadsheet import write
    from caseledger.workflow.assign.rules import assign_choices

    calls = []

    def failing_second_time(cases):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power lost")
        return assign_choices(cases)

    path = write_csv(tmp_path / "cases.csv", [good_row(n) for n in range(1, 7)])
    batch = batch_for(people, path)
    monkeypatch.setattr(write, "assign_choices", failing_second_time)
    with pytest.raises(RuntimeError):
        batch_commit(actor=people.agent, batch=batch, chunk_size=2)
    batch.refresh_from_db()
    assert (batch.status, batch.cases_created) == ("running", 2), "the failed chunk is not there"
    assert Case.objects.filter(assignee__isnull=False).count() == 2

    monkeypatch.undo()
    batch = batch_commit(actor=people.agent, batch=batch, chunk_size=2)
    assert (batch.status, batch.cases_created) == ("done", 6)
    mine = Case.objects.filter(subject__startswith="投诉")
    given = list(mine.order_by("id").values_list("assignee__username", flat=True))
    assert given == ["alice", "cai"] * 3
    assert Entry.objects.filter(action="case.auto_assign").count() == 6
    with clock.frozen(MONDAY + dt.timedelta(hours=1)):
        batch_undo(actor=people.agent, batch=batch, reason="wrong file")
    assert not mine.exists()
    assert verify_chain().ok


def test_an_imports_assignments_reach_each_agent_as_one_notification_with_its_count(
    people, team, tmp_path
):
    """A 100k-row import must not bury an agent's inbox and mailbox under one notice a case:
    the follower counts an import's assignments into one "imported" notification per person
    (and batch of entries); a case given by hand afterwards still tells its own."""
    from django.core import mail

    from caseledger.accounts.services import user_update
    from caseledger.cases.services import case_update
    from caseledger.notify import follow
    from caseledger.notify.mail import send_due
    from caseledger.notify.models import Notification
    from caseledger.notify.words import line_of

    user_update(actor=people.admin, user=team["cai"], data={"email": "cai@example.com"})
    follow.catch_up()  # started: from the journal's head
    _import(people, tmp_path, 6, chunk_size=4)  # the import journals its writes via "import"
    follow.catch_up()
    FollowState = Notification._meta.apps.get_model("notify", "FollowState")
    FollowState.objects.filter(pk=1).update(seq=0)  # replayed: nothing added
    follow.catch_up()

    (notice,) = Notification.objects.filter(recipient=team["cai"])
    assert (notice.kind, notice.count, notice.case_id) == ("imported", 3, None)
    assert "3" in line_of(notice) and "alice" in line_of(notice)
    assert not Notification.objects.filter(recipient=people.agent).exists(), "her own import"
    send_due()
    assert len(mail.outbox) == 1

    case = Case.objects.filter(assignee=team["cai"]).first()
    case_update(actor=people.supervisor, case=case, data={"assignee": people.agent.pk})
    follow.catch_up()
    assert list(
        Notification.objects.filter(recipient=people.agent).values_list("kind", "count")
    ) == [("assigned", 1)]


def test_a_case_given_after_it_was_created_journals_the_moved_update_time(
    people, team, tmp_path, monkeypatch
):
    """The chunk writer renders each case.auto_assign body itself (the case is inserted
    already assigned): with a clock that moves between creating and giving, the entry still
    holds exactly case_set_fields' diff and the row equals the journal's state."""
    ticks = itertools.count()
    monkeypatch.setattr(clock, "now", lambda: MONDAY + dt.timedelta(milliseconds=next(ticks)))
    _import(people, tmp_path, 3)
    for case in Case.objects.filter(subject__startswith="投诉"):
        bodies = {
            e.action: json.loads(e.payload.body)
            for e in Entry.objects.filter(root=f"case:{case.pk}").select_related("payload")
        }
        created, given = bodies["case.create"]["state"], bodies["case.auto_assign"]
        assert given["changes"] == diff(created, given["state"])
        assert set(given["changes"]) == {"assignee_id", "updated_at", "version"}
        assert given["state"] == case_state(case), "the row is what the journal says"
    assert verify_chain().ok
    assert reconcile().ok


def test_an_undone_import_takes_its_counted_notifications_with_it(people, team, tmp_path):
    """The counted "imported" notification has no foreign key to its cases: undoing the
    import (which destroys them) must not leave "alice's import gave you 3 cases" behind,
    and a destroyed case of a kept import counts one fewer."""
    from caseledger.core import erasure
    from caseledger.notify import follow
    from caseledger.notify.models import Notification

    follow.catch_up()
    kept = _import(people, tmp_path, 4)  # cai is given two of them
    follow.catch_up()
    (notice,) = Notification.objects.filter(recipient=team["cai"])
    assert notice.count == 2
    one = Case.objects.filter(assignee=team["cai"]).order_by("id").first()
    Case.objects.filter(pk=one.pk).delete()  # as a disposition's destroy does, then:
    erasure.erase(mode="destroy", case_ids=[one.pk])
    notice.refresh_from_db()
    assert notice.count == 1

    batch_undo(actor=people.agent, batch=kept, reason="wrong file")
    follow.catch_up()
    assert not Notification.objects.filter(recipient=team["cai"]).exists()
