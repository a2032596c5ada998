"""Every role × action × own/other department, checked through the services themselves.

The expected table is written out here from the issue, not derived from GRANTS, so a
wrong grant shows up as a failing row.
"""

from __future__ import annotations

import pytest

from caseledger.accounts.services import user_create
from caseledger.cases.models import Attachment
from caseledger.cases.queries import case_get
from caseledger.cases.services import (
    case_attachment_remove,
    case_create,
    case_note_add,
    case_update,
)
from caseledger.core.errors import NotFound, PermissionDenied
from caseledger.customers.queries import customer_get
from caseledger.customers.services import customer_update
from caseledger.journal.queries import entry_list
from tests.factories import make_case, make_customer

ROLES = ["agent", "supervisor", "records_manager", "compliance", "auditor", "admin"]

# action -> role -> (allowed in own department, allowed in another department)
EXPECTED = {
    "case.view": {
        "agent": (1, 0),
        "supervisor": (1, 0),
        "records_manager": (1, 1),
        "compliance": (1, 1),
        "auditor": (1, 1),
        "admin": (0, 0),
    },
    "case.create": {
        "agent": (1, 0),
        "supervisor": (1, 0),
        "records_manager": (0, 0),
        "compliance": (0, 0),
        "auditor": (0, 0),
        "admin": (0, 0),
    },
    "case.modify": {
        "agent": (1, 0),
        "supervisor": (1, 0),
        "records_manager": (0, 0),
        "compliance": (0, 0),
        "auditor": (0, 0),
        "admin": (0, 0),
    },
    "case.note": {
        "agent": (1, 0),
        "supervisor": (1, 0),
        "records_manager": (0, 0),
        "compliance": (0, 0),
        "auditor": (0, 0),
        "admin": (0, 0),
    },
    "attachment.remove": {
        "agent": (1, 0),
        "supervisor": (1, 0),
        "records_manager": (0, 0),
        "compliance": (0, 0),
        "auditor": (0, 0),
        "admin": (0, 0),
    },
    "customer.view": {
        "agent": (1, 0),
        "supervisor": (1, 0),
        "records_manager": (1, 1),
        "compliance": (1, 1),
        "auditor": (1, 1),
        "admin": (0, 0),
    },
    "customer.modify": {
        "agent": (1, 0),
        "supervisor": (1, 0),
        "records_manager": (0, 0),
        "compliance": (0, 0),
        "auditor": (0, 0),
        "admin": (0, 0),
    },
}
EXPECTED["case.wait"] = EXPECTED["case.modify"]
EXPECTED["case.take"] = EXPECTED[
    "case.modify"
]  # issue 12: assign to me  # issue 12: pause the clocks
EXPECTED["case.extend"] = {  # issue 12: a statutory extension needs case.approve
    "agent": (0, 0),
    "supervisor": (1, 0),
    "records_manager": (0, 0),
    "compliance": (1, 1),
    "auditor": (0, 0),
    "admin": (0, 0),
}
# Issue 12: a status move through its guards and the acknowledgement are case work; a
# second person's decision on a move that waits for approval needs case.approve.
EXPECTED["case.move"] = EXPECTED["case.modify"]
EXPECTED["case.acknowledge"] = EXPECTED["case.modify"]
EXPECTED["case.approve_move"] = EXPECTED["case.extend"]
EXPECTED["case.reject_move"] = EXPECTED["case.extend"]
# Issue 12: whom a case may be given and its chain of repeats: whoever sees the case.
EXPECTED["case.assignees"] = EXPECTED["case.view"]
EXPECTED["case.repeats"] = EXPECTED["case.view"]
# The customer's phone in full, once an administrator lets the actor's roles see it on their
# departments' cases (by default only the assigned agent sees it): whoever sees the case.
EXPECTED["case.phone"] = EXPECTED["case.view"]
GLOBAL = {  # actions with no department
    "journal.view": {
        "agent": 0,
        "supervisor": 0,
        "records_manager": 1,
        "compliance": 1,
        "auditor": 1,
        "admin": 0,
    },
    "user.manage": {
        "agent": 0,
        "supervisor": 0,
        "records_manager": 0,
        "compliance": 0,
        "auditor": 0,
        "admin": 1,
    },
}


@pytest.fixture
def world(people):
    own_customer = make_customer(people.agent, people.sales)
    other_customer = make_customer(people.outsider, people.service)
    return {
        "own": (own_customer, make_case(people.agent, own_customer)),
        "other": (other_customer, make_case(people.outsider, other_customer)),
    }


def _attempt(action: str, actor, customer, case, department) -> bool:
    try:
        if action == "case.view":
            case_get(actor=actor, case_id=case.pk)
        elif action == "case.create":
            case_create(
                actor=actor,
                data={
                    "kind": "inquiry",
                    "channel": "email",
                    "category": "other",
                    "subject": "probe",
                    "department": department.pk,
                    "customer": customer.pk,
                },
            )
        elif action == "case.modify":
            case_update(actor=actor, case=case, data={"priority": "high"})
        elif action == "case.note":
            case_note_add(actor=actor, case=case, body="probe")
        elif action == "attachment.remove":
            attachment = Attachment.objects.create(
                case=case, sha256="0" * 64, size=0, content_type="text/plain",
                filename="probe.txt", uploaded_by=actor, uploaded_at=case.created_at,
            )  # fmt: skip
            case_attachment_remove(actor=actor, attachment=attachment, reason="probe")
        elif action == "customer.view":
            customer_get(actor=actor, customer_id=customer.pk)
        elif action == "customer.modify":
            customer_update(actor=actor, customer=customer, data={"tags": ["probe"]})
        elif action == "case.take":
            from caseledger.workflow.queues.services import case_take

            case_take(actor=actor, case=case)
        elif action == "case.wait":
            from caseledger.workflow.clocks.services import case_wait

            case_wait(actor=actor, case=case, reason="probe")
        elif action == "case.extend":
            from caseledger.workflow.clocks.services import (
                case_deadline_extend,
                statutory_rules_adopt,
            )

            statutory_rules_adopt(actor=None, industry="banking", department=department)
            case_deadline_extend(
                actor=actor, case=case, rule="cbirc-complaint", reason="probe", notice="probe"
            )
        elif action in ("case.move", "case.acknowledge"):
            _attempt_process(action, actor, case)
        elif action in ("case.approve_move", "case.reject_move"):
            _attempt_decision(action, actor, case)
        elif action in ("case.assignees", "case.repeats", "case.phone"):
            _attempt_assignment(action, actor, case)
        else:
            raise AssertionError(action)
    except (PermissionDenied, NotFound):
        return False
    return True


def _attempt_process(action: str, actor, case) -> None:
    from caseledger.cases.services import case_move
    from caseledger.intake.reply.acknowledge import case_acknowledge

    if action == "case.move":
        case_move(actor=actor, case=case, status="assessing")
    else:
        case_acknowledge(actor=actor, case=case, email=False)


def _attempt_decision(action: str, actor, case) -> None:
    """A close that waits for approval, asked for by the case's own agent."""
    from caseledger.cases import taxonomy
    from caseledger.cases.services import (
        approval_approve,
        approval_reject,
        case_move,
        step_rule_set,
    )

    step_rule_set(actor=None, status="closed", data={"approval_severities": ["medium"]})
    taxonomy.invalidate()
    from caseledger.accounts.models import User

    requester = User.objects.filter(department=case.department, username__in=("alice", "oscar"))
    moved = case_move(
        actor=requester.get(), case=case, status="closed", data={"resolution": "probe"}
    )
    if action == "case.approve_move":
        approval_approve(actor=actor, approval=moved.approval)
    else:
        approval_reject(actor=actor, approval=moved.approval, reason="probe")


def _attempt_assignment(action: str, actor, case) -> None:
    from caseledger.workflow.assign.queries import assignees_for
    from caseledger.workflow.repeats.queries import repeat_chain
    from caseledger.workflow.visibility.services import case_contact_show, visibility_set

    if action == "case.assignees":
        assignees_for(actor=actor, case_id=case.pk)
    elif action == "case.repeats":
        repeat_chain(actor=actor, case_id=case.pk)
    else:
        for role in actor.roles:
            visibility_set(actor=None, role=role, field="phone", scope="department")
        case_contact_show(actor=actor, case=case)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_department_scoped_actions(people, world, role, action):
    actor = people.all()[role]
    for index, where in enumerate(("own", "other")):
        customer, case = world[where]
        department = people.sales if where == "own" else people.service
        expected = bool(EXPECTED[action][role][index])
        assert _attempt(action, actor, customer, case, department) is expected, (
            f"{role} {action} in {where} department: expected "
            f"{'allowed' if expected else 'refused'}"
        )


@pytest.mark.parametrize("role", ROLES)
def test_journal_browsing(people, role):
    actor = people.all()[role]
    try:
        list(entry_list(actor=actor)[:1])
        allowed = True
    except PermissionDenied:
        allowed = False
    assert allowed is bool(GLOBAL["journal.view"][role])


@pytest.mark.parametrize("role", ROLES)
def test_user_management(people, role):
    actor = people.all()[role]
    try:
        user_create(actor=actor, username=f"new-{role}", password=None, roles=["auditor"])
        allowed = True
    except PermissionDenied:
        allowed = False
    assert allowed is bool(GLOBAL["user.manage"][role])


def test_a_deactivated_agent_can_do_nothing(people, case):
    from caseledger.accounts.services import user_update

    user_update(actor=people.admin, user=people.agent, data={"is_active": False})
    people.agent.refresh_from_db()
    assert not _attempt("case.view", people.agent, case.customer, case, people.sales)


def test_an_administrator_with_a_content_role_reads_cases(people, case):
    from caseledger.accounts.services import user_update

    user_update(actor=people.admin, user=people.admin, data={"roles": ["administrator", "auditor"]})
    people.admin.refresh_from_db()
    assert _attempt("case.view", people.admin, case.customer, case, people.sales)
    assert not _attempt("case.modify", people.admin, case.customer, case, people.sales)


def test_a_token_never_exceeds_its_scopes(people, case):
    from caseledger.accounts.services import token_authenticate, token_create

    _, secret = token_create(actor=None, user=people.agent, name="read only", scopes=["cases:read"])
    via_token = token_authenticate(secret)
    assert _attempt("case.view", via_token, case.customer, case, people.sales)
    assert not _attempt("case.modify", via_token, case.customer, case, people.sales)
    assert not _attempt("customer.view", via_token, case.customer, case, people.sales)


ADMIN_ONLY = {"admin"}
# Issue 12: administration actions (no department), and who may take them.
PEOPLE_ACTIONS = {
    "user.view": ADMIN_ONLY,
    "user.password_reset": ADMIN_ONLY,
    "user.deactivate": ADMIN_ONLY,
    "department.create": ADMIN_ONLY,
    "department.update": ADMIN_ONLY,
    "department.deactivate": ADMIN_ONLY,
    "department.hours": ADMIN_ONLY,
    "calendar.day_set": ADMIN_ONLY,
    "calendar.adopt": ADMIN_ONLY,
    "sla.policy_create": ADMIN_ONLY,
    "statutory.adopt": ADMIN_ONLY,
    "clock.sweep": ADMIN_ONLY,
    "template.adopt": ADMIN_ONLY,
    "category.create": ADMIN_ONLY,  # issue 12: templates as data
    "category.update": ADMIN_ONLY,
    "step_rule.set": ADMIN_ONLY,
    "taxonomy.adopt": ADMIN_ONLY,
    "assign.rule_set": ADMIN_ONLY,
    "assign.rule_remove": ADMIN_ONLY,
    "visibility.set": ADMIN_ONLY,
    "absence.add_for_another": ADMIN_ONLY,
    "absence.add_own": set(ROLES),  # everyone records their own days away
}


def _attempt_people(action: str, actor, people) -> bool:
    import datetime as dt

    from caseledger.accounts import services as accounts
    from caseledger.workflow import queries
    from caseledger.workflow import services as workflow
    from caseledger.workflow.calendars import services as calendars
    from caseledger.workflow.clocks import services as clocks

    try:
        if action == "user.view":
            queries.people_overview(actor=actor)
        elif action == "user.password_reset":
            accounts.user_password_reset(actor=actor, user=people.auditor)
        elif action == "user.deactivate":
            workflow.user_deactivate(actor=actor, user=people.outsider, reason="probe")
        elif action == "department.create":
            accounts.department_create(actor=actor, code="probe", name="Probe")
        elif action == "department.update":
            accounts.department_update(actor=actor, department=people.service, data={"name": "P"})
        elif action == "department.deactivate":
            empty = accounts.department_create(actor=None, code="empty", name="Empty")
            accounts.department_deactivate(actor=actor, department=empty, reason="probe")
        elif action == "department.hours":
            calendars.business_hours_set(
                actor=actor, department=people.sales, hours=[[(540, 1080)]] * 7
            )
        elif action == "calendar.day_set":
            calendars.calendar_day_set(actor=actor, day=dt.date(2026, 12, 31), kind="holiday")
        elif action == "calendar.adopt":
            calendars.calendar_adopt(actor=actor, preset="cn-2026")
        elif action == "sla.policy_create":
            clocks.sla_policy_set(
                actor=actor,
                data={"name": "p", "first_response_minutes": 60, "resolution_minutes": 600},
            )
        elif action == "statutory.adopt":
            clocks.statutory_rules_adopt(actor=actor, industry="telecom", department=people.sales)
        elif action == "clock.sweep":
            clocks.clock_sweep(actor=actor)
        elif action == "template.adopt":
            from caseledger.workflow.industries.services import template_adopt

            template_adopt(actor=actor, industry="saas", department=people.sales)
        elif action in ("category.create", "category.update", "step_rule.set", "taxonomy.adopt"):
            _attempt_taxonomy(action, actor, people)
        elif action.startswith(("assign.", "visibility.", "absence.")):
            _attempt_assignment_settings(action, actor, people)
        else:
            raise AssertionError(action)
    except PermissionDenied:
        return False
    return True


def _attempt_assignment_settings(action: str, actor, people) -> None:
    from caseledger.workflow.assign import absences, rules
    from caseledger.workflow.visibility.services import visibility_set

    rule_data = {"name": "p", "department": "sales", "strategy": "round_robin"}
    away = {"starts_on": "2000-01-01", "ends_on": "2000-01-01", "reason": "probe"}
    if action == "assign.rule_set":
        rules.assign_rule_set(actor=actor, data=rule_data)
    elif action == "assign.rule_remove":
        made = rules.assign_rule_set(actor=None, data=rule_data)
        rules.assign_rule_remove(actor=actor, rule=made)
    elif action == "visibility.set":
        visibility_set(actor=actor, role="auditor", field="phone", scope="masked")
    elif action == "absence.add_for_another":
        absences.absence_add(actor=actor, user=people.outsider, data=away)
    elif action == "absence.add_own":
        absences.absence_add(actor=actor, user=actor, data=away)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(PEOPLE_ACTIONS))
def test_people_and_department_administration(people, role, action):
    actor = people.all()[role]
    expected = role in PEOPLE_ACTIONS[action]
    assert _attempt_people(action, actor, people) is expected, (
        f"{role} {action}: expected {'allowed' if expected else 'refused'}"
    )


# Issue 12, notify: webhooks are administrators' (settings.manage); a person's own
# notifications and preferences are everyone's, and nobody else's.
WEBHOOK_ACTIONS = {
    "webhook.create": ADMIN_ONLY,
    "webhook.update": ADMIN_ONLY,
    "webhook.remove": ADMIN_ONLY,
    "webhook.secret_rotate": ADMIN_ONLY,
    "webhook.redeliver": ADMIN_ONLY,
    "webhook.list": ADMIN_ONLY,
    "notify.preference_set": set(ROLES),
    "notify.read": set(ROLES),
}


def _attempt_notify(action: str, actor, people, settings) -> bool:
    from caseledger.core import clock
    from caseledger.notify import queries
    from caseledger.notify import services as notify
    from caseledger.notify.models import Delivery, DeliveryState

    settings.WEBHOOK_CHECK_ON_SAVE = False
    data = {"name": "crm", "url": "https://crm.example.com/h", "events": ["case.created"]}
    sub, _secret = notify.webhook_create(actor=None, data=data)
    try:
        if action == "webhook.create":
            notify.webhook_create(actor=actor, data=data)
        elif action == "webhook.update":
            notify.webhook_update(actor=actor, subscription=sub, data={"name": "CRM"})
        elif action == "webhook.remove":
            notify.webhook_remove(actor=actor, subscription=sub)
        elif action == "webhook.secret_rotate":
            notify.webhook_secret_rotate(actor=actor, subscription=sub)
        elif action == "webhook.redeliver":
            now = clock.now()
            delivery = Delivery.objects.create(
                subscription=sub, public_id="probe", seq=1, event="case.created", body="{}",
                state=DeliveryState.FAILED, next_attempt_at=now, created_at=now,
            )  # fmt: skip
            notify.webhook_redeliver(actor=actor, delivery=delivery)
        elif action == "webhook.list":
            list(queries.webhook_list(actor=actor))
        elif action == "notify.preference_set":
            notify.preference_set(actor=actor, data={"mode": "digest"})
        elif action == "notify.read":
            notify.notifications_read(actor=actor)
        else:
            raise AssertionError(action)
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(WEBHOOK_ACTIONS))
def test_webhooks_and_notification_settings(people, settings, role, action):
    actor = people.all()[role]
    expected = role in WEBHOOK_ACTIONS[action]
    assert _attempt_notify(action, actor, people, settings) is expected, (
        f"{role} {action}: expected {'allowed' if expected else 'refused'}"
    )


def test_nobody_marks_anothers_notifications_read(people, case):
    from caseledger.core import clock
    from caseledger.notify.models import Notification
    from caseledger.notify.services import notifications_read

    theirs = Notification.objects.create(
        recipient=people.agent, kind="assigned", seq=1, case=case,
        reference=case.reference, created_at=clock.now(),
    )  # fmt: skip
    assert notifications_read(actor=people.supervisor, ids=[theirs.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


# Issue 14: the knowledge base follows the source case's department; publishing and
# retiring need case.approve (and a second person: the department's agent wrote it).
KNOWLEDGE = {
    "article.view": EXPECTED["case.view"],
    "article.draft": EXPECTED["case.modify"],
    "article.edit": EXPECTED["case.modify"],
    "article.publish": EXPECTED["case.extend"],
    "article.retire": EXPECTED["case.extend"],
    "article.return": EXPECTED["case.extend"],
    "article.restore": EXPECTED["case.extend"],
}
GLOBAL["saved_search.create"] = {  # anyone who may search cases
    "agent": 1,
    "supervisor": 1,
    "records_manager": 1,
    "compliance": 1,
    "auditor": 1,
    "admin": 0,
}


def _knowledge_attempt(action: str, actor, people, where: str) -> bool:
    from caseledger.cases.services import case_update
    from caseledger.knowledge import queries, services
    from tests.knowledge.conftest import TEXT

    writer = people.agent if where == "own" else people.outsider
    department = people.sales if where == "own" else people.service
    case = make_case(writer, make_customer(writer, department))
    case = case_update(actor=writer, case=case, data={"status": "closed", "resolution": "ok"})
    if action == "article.draft":
        attempt = lambda: services.article_draft(actor=actor, case=case, data=TEXT)  # noqa: E731
    else:
        article = services.article_draft(actor=writer, case=case, data=TEXT)
        if action not in ("article.publish", "article.return"):
            article = services.article_publish(actor=people.compliance, article=article)
        if action == "article.restore":
            article = services.article_retire(actor=people.compliance, article=article, reason="x")
        attempt = {
            "article.view": lambda: queries.article_get(actor=actor, article_id=article.pk),
            "article.edit": lambda: services.article_edit(
                actor=actor, article=article, data={**TEXT, "cause_zh": "probe"}
            ),
            "article.publish": lambda: services.article_publish(actor=actor, article=article),
            "article.retire": lambda: services.article_retire(
                actor=actor, article=article, reason="probe"
            ),
            "article.return": lambda: services.article_return(
                actor=actor, article=article, comment="probe"
            ),
            "article.restore": lambda: services.article_restore(
                actor=actor, article=article, reason="probe"
            ),
        }[action]
    try:
        attempt()
    except (PermissionDenied, NotFound):
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(KNOWLEDGE))
def test_knowledge_actions(people, role, action):
    actor = people.all()[role]
    for index, where in enumerate(("own", "other")):
        expected = bool(KNOWLEDGE[action][role][index])
        assert _knowledge_attempt(action, actor, people, where) is expected, (
            f"{role} {action} in {where} department: expected "
            f"{'allowed' if expected else 'refused'}"
        )


@pytest.mark.parametrize("role", ROLES)
def test_saving_a_search(people, role):
    from caseledger.search.services import saved_search_create

    try:
        saved_search_create(actor=people.all()[role], data={"name": "probe", "q": "退款"})
        allowed = True
    except PermissionDenied:
        allowed = False
    assert allowed is bool(GLOBAL["saved_search.create"][role])


# Issue 14: classification suggestions. Reading a case's suggestions follows case.view;
# accepting or correcting one changes the case, so it follows case.modify; training, the
# per-field setting and the accept/correct rates are the administrator's.
CLASSIFY = {
    "classify.suggestions": EXPECTED["case.view"],
    "classify.accept": EXPECTED["case.modify"],
    "classify.correct": EXPECTED["case.modify"],
}
CLASSIFY_ADMIN = {"classify.train", "classify.setting", "classify.rates"}


def _attempt_classify(action: str, actor, case) -> bool:
    from caseledger.classify import queries, services

    try:
        if action == "classify.suggestions":
            queries.case_suggestions(actor=actor, case=case_get(actor=actor, case_id=case.pk))
        elif action == "classify.accept":
            services.suggestion_accept(actor=actor, case=case, field="severity")
        elif action == "classify.correct":
            services.suggestion_correct(actor=actor, case=case, field="severity", value="low")
        elif action == "classify.train":
            services.classify_train(actor=actor)
        elif action == "classify.setting":
            services.field_setting_set(actor=actor, field="severity", auto_apply=False)
        elif action == "classify.rates":
            queries.feedback_rates(actor=actor)
        else:
            raise AssertionError(action)
    except (PermissionDenied, NotFound):
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
def test_classification_suggestions(people, role):
    from caseledger.classify.services import classify_train
    from tests.classify.conftest import labelled_history

    cases = labelled_history(people)  # the first half in sales (own), the rest in service
    classify_train(actor=None)
    actor = people.all()[role]
    for action, expected in CLASSIFY.items():
        for index, case in enumerate((cases[0], cases[-1])):
            assert _attempt_classify(action, actor, case) is bool(expected[role][index]), (
                f"{role} {action} in {'own' if index == 0 else 'other'} department"
            )
    for action in sorted(CLASSIFY_ADMIN):
        assert _attempt_classify(action, actor, cases[0]) is (role in ADMIN_ONLY), (
            f"{role} {action}"
        )


def _attempt_taxonomy(action: str, actor, people) -> None:
    from caseledger.cases import services as cases

    if action == "category.create":
        cases.category_create(actor=actor, data={"code": "p", "label_en": "P", "label_zh": "P"})
    elif action == "category.update":
        cases.category_update(actor=actor, category="billing", data={"label_en": "Bills"})
    elif action == "step_rule.set":
        cases.step_rule_set(actor=actor, status="closed", data={"reason_required": True})
    else:
        cases.taxonomy_adopt(
            actor=actor, department=people.sales, industry="probe", entries=[], rules={}
        )


# Review-report subscriptions (issue 15): whoever may read a department's (or the
# organisation's) review reports may subscribe to them; nobody else.
# role -> (own department "sales", another department "service", the organisation)
REVIEW_SUBSCRIBE = {
    "agent": (0, 0, 0),
    "supervisor": (1, 0, 0),
    "records_manager": (0, 0, 0),
    "compliance": (1, 1, 1),
    "auditor": (1, 1, 1),
    "admin": (0, 0, 0),
}


@pytest.mark.parametrize("role", ROLES)
def test_review_report_subscriptions(people, role):
    from caseledger.insights.subscriptions import review_subscribe, review_unsubscribe

    actor = people.all()[role]
    for index, department in enumerate(("sales", "service", None)):
        try:
            review_subscribe(actor=actor, department=department)
        except PermissionDenied:
            allowed = False
        else:
            allowed = True
            assert review_unsubscribe(actor=actor, department=department) is True
        assert allowed is bool(REVIEW_SUBSCRIBE[role][index]), f"{role} review.subscribe {index}"
