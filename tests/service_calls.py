"""One real call per service, as the people who may make it: what
tests/test_every_service_journals.py runs. A new service gets its row here."""

from __future__ import annotations

import io

from caseledger.intake.services import intake_record
from tests.archive.journal_calls import archive_calls
from tests.classify.journal_calls import classify_calls
from tests.disposition.journal_calls import disposition_calls
from tests.insights.journal_calls import capa_calls
from tests.intake.mail.journal_calls import mail_calls
from tests.intake.spreadsheet.journal_calls import import_calls
from tests.knowledge.journal_calls import knowledge_calls
from tests.notify.journal_calls import notify_calls
from tests.privacy.test_quality import quality_calls


def service_calls(people, customer, case):
    """One real call per service, as the people who may make it."""
    from caseledger.accounts import services as accounts
    from caseledger.backup import services as backup
    from caseledger.cases import services as cases
    from caseledger.customers import services as customers
    from caseledger.privacy import services as privacy

    token_holder = {}

    def token_create():
        token_holder["token"], _ = accounts.token_create(
            actor=people.admin, user=people.agent, name="ci", scopes=["cases:read"]
        )

    def token_revoke():
        if "token" not in token_holder:
            token_create()
        accounts.token_revoke(actor=people.admin, token=token_holder["token"])

    phone, email = customer.contact_points.order_by("kind")
    identifiers = {
        "resident_id": customers.identifier_add(
            actor=people.agent, customer=customer, kind="resident_id", value="11010519491231002X"
        ).identifier
    }

    def identifier():
        if "passport" not in identifiers:
            identifiers["passport"] = customers.identifier_add(
                actor=people.agent, customer=customer, kind="passport", value="E12345678"
            ).identifier
        return identifiers["passport"]

    def vault_reencrypt_batch():
        from caseledger.customers.rotation import vault_reencrypt_batch
        from caseledger.vault import keys

        keys.key_add()  # identifier_add's passport is now under an old key
        return vault_reencrypt_batch(actor=people.admin)

    merges = {}

    def merge():  # two fresh customers: `customer` must stay unmerged for the other calls
        if "m" not in merges:
            a, b = (
                customers.customer_create(
                    actor=people.agent, data={"kind": "person", "name": n, "department": "sales"}
                )
                for n in ("甲", "乙")
            )
            merges["m"] = customers.customer_merge(
                actor=people.agent, survivor=a, merged=b, reason="same person"
            )
        return merges["m"]

    changes = {}

    def pending():
        if "p" not in changes:
            changes["p"] = privacy.identifier_change_propose(
                actor=people.agent, customer=customer, kind="bank_card", value="6222020200112233"
            )
        return changes["p"]

    def other_pending():
        return privacy.identifier_change_propose(
            actor=people.agent, customer=customer, kind="health", value="allergic to penicillin"
        )

    requests = {}

    def privacy_request():
        if "r" not in requests:
            requests["r"] = privacy.privacy_request_open(
                actor=people.compliance, customer=customer, kind="access"
            )
        return requests["r"]

    consents = {}

    def consent():
        if "c" not in consents:
            consents["c"] = privacy.consent_grant(
                actor=people.agent,
                customer=customer,
                data={"purpose": "sms", "legal_basis": "consent", "obtained_by": "call"},
            )
        return consents["c"]

    return {
        # Sorted order confirms before it proposes: each call makes its own.
        "caseledger.privacy.services.identifier_change_propose": other_pending,
        "caseledger.privacy.services.identifier_change_confirm": lambda: (
            privacy.identifier_change_confirm(
                actor=people.supervisor, change=pending(), reason="ok"
            )
        ),
        "caseledger.privacy.services.identifier_change_reject": lambda: (
            privacy.identifier_change_reject(
                actor=people.supervisor, change=other_pending(), reason="no"
            )
        ),
        "caseledger.privacy.services.privacy_request_open": lambda: privacy.privacy_request_open(
            actor=people.compliance, customer=customer, kind="correction"
        ),
        "caseledger.privacy.services.privacy_request_assign": lambda: (
            privacy.privacy_request_assign(
                actor=people.compliance, request=privacy_request(), handler=people.compliance
            )
        ),
        "caseledger.privacy.services.privacy_request_export": lambda: (
            privacy.privacy_request_export(actor=people.compliance, request=privacy_request())
        ),
        "caseledger.privacy.services.privacy_request_complete": lambda: (
            privacy.privacy_request_complete(
                actor=people.compliance, request=privacy_request(), outcome="sent"
            )
        ),
        "caseledger.privacy.services.consent_grant": consent,
        "caseledger.privacy.services.consent_withdraw": lambda: privacy.consent_withdraw(
            actor=people.agent, consent=consent()
        ),
        "caseledger.accounts.services.department_create": lambda: accounts.department_create(
            actor=people.admin, code="claims", name="Claims"
        ),
        "caseledger.accounts.services.user_create": lambda: accounts.user_create(
            actor=people.admin, username="newbie", password=None, roles=["auditor"]
        ),
        "caseledger.accounts.services.user_update": lambda: accounts.user_update(
            actor=people.admin, user=people.auditor, data={"email": "a@example.com"}
        ),
        "caseledger.accounts.services.user_set_password": lambda: accounts.user_set_password(
            actor=people.admin, user=people.auditor, password="another long passphrase"
        ),
        "caseledger.accounts.services.token_create": token_create,
        "caseledger.accounts.services.token_revoke": token_revoke,
        "caseledger.accounts.services.lockout_record": lambda: accounts.lockout_record(
            actor=None,
            username="alice",
            address="192.0.2.1",
            kind="password",
            locked_by=["username"],
            failures=10,
            until=None,
        ),
        "caseledger.accounts.services.lockout_clear": lambda: accounts.lockout_clear(
            actor=people.admin, username="alice", reason="she called the desk"
        ),
        "caseledger.customers.services.customer_create": lambda: customers.customer_create(
            actor=people.agent, data={"kind": "person", "name": "赵六", "department": "sales"}
        ),
        "caseledger.customers.services.customer_write": lambda: customers.customer_write(
            actor=people.agent,
            draft=customers.customer_check(
                actor=people.agent, data={"kind": "person", "name": "钱七", "department": "sales"}
            ),
        ),
        "caseledger.customers.services.customer_update": lambda: customers.customer_update(
            actor=people.agent, customer=customer, data={"name": "Renamed"}
        ),
        "caseledger.customers.services.contact_point_add": lambda: customers.contact_point_add(
            actor=people.agent, customer=customer, data={"kind": "email", "value": "x@example.com"}
        ),
        "caseledger.customers.services.contact_point_update": lambda: (
            customers.contact_point_update(actor=people.agent, point=phone, data={"label": "work"})
        ),
        "caseledger.customers.services.contact_point_remove": lambda: (
            customers.contact_point_remove(actor=people.agent, point=email, reason="wrong number")
        ),
        "caseledger.customers.services.identifier_add": lambda: identifier(),
        "caseledger.customers.services.identifier_reveal": lambda: customers.identifier_reveal(
            actor=people.compliance, identifier=identifier(), reason="privacy request"
        ),
        "caseledger.customers.services.identifier_remove": lambda: customers.identifier_remove(
            actor=people.agent, identifier=identifiers["resident_id"], reason="wrong customer"
        ),
        "caseledger.customers.services.contact_point_reveal": lambda: (
            customers.contact_point_reveal(actor=people.compliance, point=phone, reason="audit")
        ),
        "caseledger.customers.services.customer_name_reveal": lambda: (
            customers.customer_name_reveal(actor=people.compliance, customer=customer, reason="PR")
        ),
        "caseledger.customers.services.customer_merge": lambda: merge(),
        "caseledger.customers.services.customer_unmerge": lambda: customers.customer_unmerge(
            actor=people.agent, merged=merge().merged, reason="two people"
        ),
        "caseledger.customers.rotation.vault_reencrypt_batch": vault_reencrypt_batch,
        "caseledger.cases.services.case_create": lambda: cases.case_create(
            actor=people.agent,
            data={
                "kind": "inquiry",
                "channel": "email",
                "category": "other",
                "subject": "hello",
                "department": "sales",
                "customer": customer.pk,
            },
        ),
        "caseledger.cases.services.case_write": lambda: cases.case_write(
            actor=people.agent,
            draft=cases.case_check(
                actor=people.agent,
                data={
                    "kind": "inquiry",
                    "channel": "phone",
                    "category": "other",
                    "subject": "filed by the intake",
                    "department": "sales",
                },
                customer=cases.LATER,
            ),
            customer=customer,
        ),
        "caseledger.cases.services.case_set_fields": lambda: cases.case_set_fields(
            case, actor=people.agent, fields={"priority": "low"}, action="case.update", reason=""
        ),
        "caseledger.cases.services.case_set_fields_many": lambda: cases.case_set_fields_many(
            [(case, {"priority": "high"}, "triage")], actor=people.agent, action="case.update"
        ),
        "caseledger.cases.services.case_update": lambda: cases.case_update(
            actor=people.agent, case=case, data={"priority": "urgent"}
        ),
        "caseledger.cases.services.case_note_add": lambda: cases.case_note_add(
            actor=people.agent, case=case, body="note"
        ),
        "caseledger.cases.services.case_export": lambda: list(
            cases.case_export(actor=people.supervisor, filters={"status": "received"})
        ),
        "caseledger.cases.services.case_attachment_add": lambda: cases.case_attachment_add(
            actor=people.agent, case=case, stream=io.BytesIO(b"%PDF-1.4"), filename="a.pdf"
        ),
        "caseledger.intake.services.intake_record": lambda: intake_record(
            actor=people.agent,
            data={
                "department": "sales",
                "customer": {"kind": "person", "name": "来电 Caller", "contact_points": []},
                "case": {
                    "kind": "complaint",
                    "channel": "phone",
                    "category": "other",
                    "subject": "by phone",
                },
            },
        ),
        "caseledger.cases.services.case_attachment_remove": lambda: cases.case_attachment_remove(
            actor=people.agent,
            attachment=cases.case_attachment_add(
                actor=people.agent, case=case, stream=io.BytesIO(b"x"), filename="w.txt"
            ),
            reason="attached to the wrong case",
        ),
        # Inside the test transaction the snapshot fails; that failure is recorded and
        # journaled too (tests/backup has the real runs).
        "caseledger.backup.services.backup_run": lambda: backup.backup_run(actor=people.admin),
        "caseledger.backup.services.drill_run": lambda: backup.drill_run(actor=people.admin),
        **_retention_calls(people, case),
        **archive_calls(people, case),
        **quality_calls(people, customer),
        **disposition_calls(people, customer),
        **_people_calls(people),
        **_clock_calls(people, case),
        **_queue_calls(people, customer),
        **_assignment_calls(people, customer, case),
        **_intake_calls(people, case),
        **capa_calls(people, case),
        **classify_calls(people),
        **mail_calls(people, case),
        **notify_calls(people, case),
        **import_calls(people),
        **knowledge_calls(people, customer),
        "caseledger.workflow.industries.services.template_adopt": lambda: _template(people),
        **_process_calls(people, customer, case),
    }


def _process_calls(people, customer, case):
    """Issue 12: templates as data, status moves and their approvals, acknowledgement."""
    from caseledger.cases import services as cases
    from caseledger.cases.services.records import update_case
    from caseledger.intake.reply.acknowledge import case_acknowledge
    from tests.factories import make_case

    def request():
        """A fresh request for each decision (a decided one is refused)."""
        cases.taxonomy_adopt(
            actor=people.admin, department=people.sales, industry="banking-test",
            entries=[], rules={"closed": {"approval_severities": ["high"]}},
        )  # fmt: skip
        high = make_case(people.agent, customer, severity="high")
        return cases.case_move(
            actor=people.agent, case=high, status="closed", data={"resolution": "done"}
        ).approval

    prefix = "caseledger.cases.services."
    return {
        prefix + "category_create": lambda: cases.category_create(
            actor=people.admin, data={"code": "probe", "label_en": "P", "label_zh": "探"}
        ),
        prefix + "category_update": lambda: cases.category_update(
            actor=people.admin,
            category="billing",
            data={"label_en": "Bills"},
        ),
        prefix + "step_rule_set": lambda: cases.step_rule_set(
            actor=people.admin, status="assessing", data={"fields": ["severity"]}
        ),
        prefix + "taxonomy_adopt": lambda: cases.taxonomy_adopt(
            actor=people.admin,
            department=people.sales,
            industry="probe",
            entries=[{"code": "probe_cat", "label_en": "P", "label_zh": "探"}],
            rules={"closed": {"fields": ["resolution"]}},
        ),
        prefix + "update_case": lambda: update_case(
            actor=people.agent, case=case, data={"priority": "low"}
        ),
        prefix + "case_move": lambda: cases.case_move(
            actor=people.agent, case=case, status="assessing"
        ),
        prefix + "approval_approve": lambda: cases.approval_approve(
            actor=people.supervisor, approval=request()
        ),
        prefix + "approval_reject": lambda: cases.approval_reject(
            actor=people.supervisor, approval=request(), reason="not yet"
        ),
        "caseledger.intake.reply.acknowledge.case_acknowledge": lambda: case_acknowledge(
            actor=people.agent, case=make_case(people.agent, customer)
        ),
    }


def _intake_calls(people, case):
    """The channels' own services: the public form's filing and status look, a call."""
    from caseledger.intake.form import services as form
    from caseledger.intake.form.account import form_account
    from caseledger.intake.phone.services import phone_call_record

    filed = {}

    def form_submit():
        filed["f"] = form.form_submit(
            actor=form_account(people.sales),
            department=people.sales,
            data={"name": "访客 Visitor", "email": "v@example.com", "category": "other",
                  "subject": "web", "description": "filed on the form"},
            pow_id="0" * 64,
        )  # fmt: skip
        return filed["f"]

    def status_lookup():
        done = filed.get("f") or form_submit()
        return form.status_lookup(
            actor=form_account(people.sales), reference=done.case.reference, code=done.code
        )

    return {
        "caseledger.intake.form.services.form_submit": form_submit,
        "caseledger.intake.form.services.status_lookup": status_lookup,
        "caseledger.intake.phone.services.phone_call_record": lambda: phone_call_record(
            actor=people.agent, data={"number": "13800000000", "case": case.pk, "note": "rang"}
        ),
    }


def _template(people):
    from caseledger.workflow.industries.services import template_adopt

    return template_adopt(actor=people.admin, industry="telecom", department=people.service)


def _queue_calls(people, customer):
    """Issue 12: the department queue."""
    from caseledger.workflow.queues import services as queues
    from tests.factories import make_case

    made = {}

    def queued():
        if "c" not in made:
            made["c"] = make_case(people.agent, customer)
        return made["c"]

    prefix = "caseledger.workflow.queues.services."
    return {
        prefix + "case_take": lambda: queues.case_take(
            actor=people.agent, case=make_case(people.agent, customer)
        ),
        prefix + "case_reassign": lambda: queues.case_reassign(
            actor=people.supervisor, case=queued(), assignee=people.supervisor, reason="cover"
        ),
    }


def _assignment_calls(people, customer, case):
    """Issue 12: assignment rules, absences, repeat links, who sees phones in full."""
    from caseledger.workflow.assign import absences, rules
    from caseledger.workflow.visibility import services as visibility
    from tests.factories import make_case

    made = {}

    def rule():
        if "r" not in made:
            made["r"] = rules.assign_rule_set(
                actor=people.admin,
                data={"name": "sales", "department": "sales", "strategy": "round_robin"},
            )
        return made["r"]

    def away():
        if "a" not in made:
            made["a"] = absences.absence_add(
                actor=people.agent,
                user=people.agent,
                data={"starts_on": "2000-01-01", "ends_on": "2000-01-02", "reason": "leave"},
            )
        return made["a"]

    def auto_assigned():
        rule()
        return make_case(people.agent, customer, category="other", subcategory="")

    def assigned_in_bulk():
        queued = make_case(people.agent, customer, category="other", subcategory="")
        rule()
        return rules.assign_cases(actor=people.agent, cases=[queued])

    def look():
        assigned = make_case(people.agent, customer, assignee=people.agent.pk)
        return visibility.case_contact_show(actor=people.agent, case=assigned)

    w = "caseledger.workflow."
    return {
        w + "assign.rules.assign_rule_set": lambda: rules.assign_rule_set(
            actor=people.admin,
            data={
                "name": "mail",
                "department": "sales",
                "channel": "email",
                "strategy": "least_open",
            },
        ),
        w + "assign.rules.assign_rule_remove": lambda: rules.assign_rule_remove(
            actor=people.admin, rule=rule(), reason="not needed"
        ),
        w + "assign.rules.assign_new_case": auto_assigned,
        w + "assign.rules.assign_cases": assigned_in_bulk,
        w + "assign.absences.absence_add": lambda: absences.absence_add(
            actor=people.admin,
            user=people.supervisor,
            data={"starts_on": "2000-02-01", "ends_on": "2000-02-02", "reason": "training"},
        ),
        w + "assign.absences.absence_cancel": lambda: absences.absence_cancel(
            actor=people.admin, absence=away(), reason="plans changed"
        ),
        # a second case of the same customer on the same subject: case_create links it
        w + "repeats.services.link_repeat": lambda: make_case(people.agent, case.customer),
        w + "visibility.services.visibility_set": lambda: visibility.visibility_set(
            actor=people.admin, role="supervisor", field="phone", scope="department"
        ),
        w + "visibility.services.case_contact_show": look,
    }


def _clock_calls(people, case):
    """Issue 12: clocks."""
    from caseledger.workflow.clocks import services as clocks

    def adopt():
        return clocks.statutory_rules_adopt(
            actor=people.admin, industry="banking", department=people.sales
        )

    def extend():
        adopt()
        return clocks.case_deadline_extend(
            actor=people.supervisor,
            case=case,
            rule="cbirc-complaint",
            reason="complex",
            notice="延长至30日",
        )

    def resume():
        clocks.case_wait(actor=people.agent, case=case, reason="asked", kind="appraisal")
        return clocks.case_resume(actor=people.agent, case=case)

    prefix = "caseledger.workflow.clocks.services."
    return {
        prefix + "statutory_rules_adopt": adopt,
        prefix + "case_deadline_extend": extend,
        prefix + "case_resume": resume,
        prefix + "case_wait": lambda: clocks.case_wait(
            actor=people.agent, case=case, reason="waiting for the statement"
        ),
        prefix + "sla_policy_set": lambda: clocks.sla_policy_set(
            actor=people.admin,
            data={
                "name": "urgent",
                "priority": "urgent",
                "first_response_minutes": 30,
                "resolution_minutes": 240,
            },
        ),
        # Nothing is due yet in this world; the sweep still journals nothing then, so it
        # runs after a wait on a case long overdue (tests/workflow/test_clocks.py has more).
        "caseledger.workflow.clocks.sweep.clock_sweep": lambda: _overdue_sweep(people, case),
        prefix + "clock_alerts_read": lambda: clocks.clock_alerts_read(actor=people.agent),
    }


def _overdue_sweep(people, case):
    import datetime as dt

    from caseledger.core import clock
    from caseledger.workflow.clocks import services as clocks

    with clock.frozen(clock.now() + dt.timedelta(days=40)):
        return clocks.clock_sweep(actor=None)


def _people_calls(people):
    """Issue 12: departments, password resets, offboarding."""
    from caseledger.accounts import services as accounts
    from caseledger.workflow import services as workflow

    made = {}

    def closing():
        if "d" not in made:
            made["d"] = accounts.department_create(actor=people.admin, code="closing", name="C")
        return made["d"]

    import datetime as dt

    from caseledger.workflow.calendars import services as calendars

    def day_set():
        return calendars.calendar_day_set(
            actor=people.admin, day=dt.date(2026, 12, 31), kind="holiday", name="company day"
        )

    def day_remove():
        day_set()
        calendars.calendar_day_remove(actor=people.admin, day=dt.date(2026, 12, 31), reason="r")

    cal = "caseledger.workflow.calendars.services."
    prefix = "caseledger.accounts.services."
    return {
        cal + "calendar_day_set": day_set,
        cal + "calendar_day_remove": day_remove,
        cal + "calendar_adopt": lambda: calendars.calendar_adopt(
            actor=people.admin, preset="cn-2026"
        ),
        cal + "calendar_import_ics": lambda: calendars.calendar_import_ics(
            actor=people.admin,
            text="BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20271001\n"
            "SUMMARY:国庆\nEND:VEVENT\nEND:VCALENDAR\n",
        ),
        cal + "business_hours_set": lambda: calendars.business_hours_set(
            actor=people.admin, department=people.sales, hours=[[(540, 1080)]] * 5 + [[]] * 2
        ),
        prefix + "department_update": lambda: accounts.department_update(
            actor=people.admin, department=people.service, data={"name": "Service 服务部"}
        ),
        prefix + "department_deactivate": lambda: accounts.department_deactivate(
            actor=people.admin, department=closing(), reason="merged into sales"
        ),
        prefix + "user_password_reset": lambda: accounts.user_password_reset(
            actor=people.admin, user=people.auditor
        ),
        "caseledger.workflow.services.user_deactivate": lambda: workflow.user_deactivate(
            actor=people.admin, user=people.outsider, reason="left the company"
        ),
    }


def _retention_calls(people, case):
    from caseledger.retention import services as retention

    holds, schedules = {}, {}

    def hold():
        if "h" not in holds:
            holds["h"] = retention.hold_place(
                actor=people.records_manager, matter="M", reason="r", scope="cases", cases=[case.pk]
            )
        return holds["h"]

    def schedule():
        if "s" not in schedules:
            schedules["s"] = retention.schedule_create(
                actor=people.records_manager,
                data={
                    "name": "Complaints",
                    "record_kind": "case",
                    "period_years": 3,
                    "triggers": ["case_closed"],
                    "action": "review",
                    "legal_source": "common practice",
                },
            )
        return schedules["s"]

    prefix = "caseledger.retention.services."
    return {
        prefix + "hold_place": hold,
        prefix + "hold_release": lambda: retention.hold_release(
            actor=people.compliance, hold=hold(), reason="settled"
        ),
        prefix + "schedule_create": schedule,
        prefix + "schedule_update": lambda: retention.schedule_update(
            actor=people.records_manager, schedule=schedule(), data={"period_years": 5}
        ),
        prefix + "presets_adopt": lambda: retention.presets_adopt(
            actor=people.records_manager, industry="banking"
        ),
        prefix + "retention_recompute": lambda: retention.retention_recompute(
            actor=people.records_manager
        ),
        **_restriction_calls(people, case),
    }


def _restriction_calls(people, case):
    from caseledger.retention import services as retention
    from tests.factories import make_customer

    other = make_customer(people.agent, people.sales)
    restricted = {}

    def restrict():
        if "c" not in restricted:
            restricted["c"] = retention.record_restrict(
                actor=people.compliance, customer=other, reason="AML law Art 19"
            )
        return restricted["c"]

    def unrestrict():
        restrict()
        return retention.record_unrestrict(actor=people.compliance, customer=other, reason="over")

    prefix = "caseledger.retention.services."
    return {
        prefix + "record_restrict": restrict,
        prefix + "record_unrestrict": unrestrict,
        prefix + "retention_erasure_mark": lambda: retention.retention_erasure_mark(
            actor=people.compliance, customer=other, reason="privacy request"
        ),
        prefix + "reminders_send": lambda: retention.reminders_send(actor=people.records_manager),
        prefix + "reminder_mark_read": lambda: retention.reminder_mark_read(
            actor=people.records_manager
        ),
    }
