"""Corrective actions: opened by a supervisor of the department, moved on, closed only with
the verification of effect, owners reminded once a day, every step journaled."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.insights import services
from caseledger.insights.models import CorrectiveAction
from caseledger.journal.models import Entry
from tests.web.conftest import login  # noqa: F401  (fixture)

NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)


def open_one(people, case, **over):
    data = {
        "department": "sales",
        "problem": "扣费系统重复扣款 double charges",
        "source": "root cause: 计费系统故障",
        "owner": people.supervisor.username,
        "due_on": "2026-11-25",
        "case_ids": [case.pk],
    }
    data.update(over)
    return services.capa_open(actor=people.supervisor, data=data)


@pytest.mark.clock(NOW)
def test_a_supervisor_opens_moves_verifies_and_closes_a_corrective_action(people, case):
    capa = open_one(people, case)
    capa = services.capa_update(actor=people.supervisor, capa=capa, data={"status": "in_progress"})
    with pytest.raises(ValidationFailed, match="verification"):
        services.capa_update(actor=people.supervisor, capa=capa, data={"status": "closed"})
    capa = services.capa_update(
        actor=people.supervisor,
        capa=capa,
        data={"status": "closed", "verification": "no double charge in 30 days"},
    )
    assert capa.closed_at is not None
    actions = list(
        Entry.objects.filter(object_type="capa", object_id=str(capa.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["capa.open", "capa.update", "capa.close"]


@pytest.mark.clock(NOW)
def test_bad_input_is_named_field_by_field_and_leaves_nothing(people, case):
    with pytest.raises(ValidationFailed) as failed:
        open_one(people, case, owner="nobody", due_on="next week", case_ids="12x 999999")
    text = str(failed.value)
    assert "owner" in text and "due_on" in text and "12x" in text and "999999" in text
    assert not CorrectiveAction.objects.exists()


@pytest.mark.clock(NOW)
def test_only_supervisors_of_the_department_and_compliance_may_open_one(people, case):
    with pytest.raises(PermissionDenied):
        open_one(people, case, department="service")
    with pytest.raises(PermissionDenied):
        services.capa_open(actor=people.agent, data={"department": "sales"})
    capa = services.capa_open(
        actor=people.compliance,
        data={"department": "service", "problem": "p", "owner": "carl", "due_on": "2026-12-01"},
    )
    with pytest.raises(PermissionDenied):
        services.capa_update(actor=people.supervisor, capa=capa, data={"status": "closed"})


@pytest.mark.clock(NOW)
def test_a_closed_action_reopens_only_to_in_progress(people, case):
    capa = open_one(people, case, **{})
    capa = services.capa_update(
        actor=people.supervisor, capa=capa, data={"status": "closed", "verification": "ok"}
    )
    with pytest.raises(Conflict):
        services.capa_update(actor=people.supervisor, capa=capa, data={"status": "verifying"})


@pytest.mark.clock(NOW)
def test_owners_are_reminded_of_due_actions_once_a_day(people, case):
    open_one(people, case, due_on="2026-11-21")
    open_one(people, case, due_on="2027-01-30")  # not due yet
    assert services.capa_remind(actor=None)["reminded"] == 1
    assert services.capa_remind(actor=None)["reminded"] == 0
    later = dt.date(2026, 11, 22)
    with clock.frozen(NOW + dt.timedelta(days=2)):
        assert services.capa_remind(actor=None, on=later)["reminded"] == 1


@pytest.mark.clock(NOW)
def test_the_web_opens_one_from_a_root_cause_and_names_bad_input(people, case, login):  # noqa: F811
    client = login(people.supervisor)
    page = client.get("/insights/actions/?source=计费系统故障").content.decode()
    assert 'value="计费系统故障"' in page
    bad = client.post("/insights/actions/", {"department": "sales", "problem": "p", "due_on": "x"})
    assert bad.status_code == 422 and "due_on" in bad.content.decode()
    done = client.post(
        "/insights/actions/",
        {"department": "sales", "problem": "p", "owner": "sam", "due_on": "2026-12-01"},
    )
    capa = CorrectiveAction.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/insights/actions/{capa.pk}/"
    assert login(people.agent).get(f"/insights/actions/{capa.pk}/").status_code == 403


@pytest.mark.clock(NOW)
def test_a_case_page_offers_its_supervisor_a_corrective_action_for_it(people, case, login):  # noqa: F811
    page = login(people.supervisor).get(f"/cases/{case.pk}/").content.decode()
    assert f"/insights/actions/?case_ids={case.pk}&amp;department=sales" in page
    assert 'id="open-capa"' not in login(people.agent).get(f"/cases/{case.pk}/").content.decode()
    form = login(people.supervisor).get(f"/insights/actions/?case_ids={case.pk}&department=sales")
    assert f'name="case_ids" value="{case.pk}"' in form.content.decode()


@pytest.mark.clock(NOW)
def test_a_web_edit_made_from_a_stale_page_is_refused_not_saved_over_anothers(
    people,
    case,
    login,  # noqa: F811
):
    capa = open_one(people, case)
    client = login(people.supervisor)
    page = client.get(f"/insights/actions/{capa.pk}/").content.decode()
    assert 'name="version" value="1"' in page
    # Meanwhile compliance moves it on (version 2).
    services.capa_update(actor=people.compliance, capa=capa, data={"status": "in_progress"})
    stale = client.post(
        f"/insights/actions/{capa.pk}/update/",
        {"version": "1", "status": "verifying", "owner": "sam"},
        follow=True,
    )
    assert "changed by someone else" in stale.content.decode()
    capa.refresh_from_db()
    assert capa.status == "in_progress" and capa.version == 2
    fresh = client.post(
        f"/insights/actions/{capa.pk}/update/", {"version": "2", "status": "verifying"}
    )
    assert fresh.status_code == 302
    capa.refresh_from_db()
    assert capa.status == "verifying" and capa.version == 3


@pytest.mark.clock(NOW)
def test_the_owner_is_chosen_among_those_who_may_move_it_on_not_everyone(
    people,
    case,
    login,  # noqa: F811
):
    # alice is an agent (cannot see corrective actions), oscar works elsewhere, adam runs
    # the system: none may own one of sales'; sam supervises sales, carl is compliance.
    assert [u.username for u in services.owner_choices(people.sales.pk)] == ["carl", "sam"]
    page = login(people.supervisor).get("/insights/actions/").content.decode()
    owner_select = page.split('name="owner"')[1].split("</select>")[0]
    assert 'value="sam"' in owner_select and 'value="carl"' in owner_select
    for outsider in ("alice", "oscar", "adam", "rita", "audrey"):
        assert f'value="{outsider}"' not in owner_select
    with pytest.raises(ValidationFailed, match="alice may not") as refused:
        open_one(people, case, owner="alice")
    assert refused.value.field == "owner"
    capa = open_one(people, case)
    with pytest.raises(ValidationFailed, match="oscar may not"):
        services.capa_update(actor=people.supervisor, capa=capa, data={"owner": "oscar"})
    moved = services.capa_update(actor=people.supervisor, capa=capa, data={"owner": "carl"})
    assert moved.owner == people.compliance


@pytest.mark.clock(NOW)
def test_an_owner_who_lost_the_role_stays_when_an_update_names_them_again(people, case):
    """A form sends the owner back with every update: keeping the one it has is no new
    choice, on the web and the API alike; choosing them anew would be refused."""
    from caseledger.accounts.models import User

    capa = open_one(people, case)  # owned by sam, sales' supervisor
    User.objects.filter(pk=people.supervisor.pk).update(roles=["agent"])
    moved = services.capa_update(
        actor=people.compliance, capa=capa, data={"owner": "sam", "status": "in_progress"}
    )
    assert (moved.owner.username, moved.status) == ("sam", "in_progress")
    other = open_one(people, case, owner="carl")
    with pytest.raises(ValidationFailed, match="sam may not"):
        services.capa_update(actor=people.compliance, capa=other, data={"owner": "sam"})
