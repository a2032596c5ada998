"""The demo's privacy records, made through the privacy services (they are few): sensitive
changes waiting for a second person, privacy requests of every kind (some near and some
past their due date), and consents, a few of them withdrawn."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings

from caseledger.accounts.models import User
from caseledger.core import clock
from caseledger.customers.models import Customer, CustomerKind, Identifier
from caseledger.demo.rows import bank_card, resident_id
from caseledger.privacy import request_due
from caseledger.privacy.models import LegalBasis, ObtainedBy, QualitySample, RequestKind
from caseledger.privacy.services import (
    consent_grant,
    consent_withdraw,
    identifier_change_propose,
    privacy_request_assign,
    privacy_request_complete,
    privacy_request_open,
    quality_check_record,
    quality_sample_draw,
)

CONSENT_PURPOSES = [
    ("营销短信 Marketing by SMS", "手机号 mobile number", "sms", LegalBasis.CONSENT),
    ("电话回访 Follow-up calls", "手机号 mobile number", "phone", LegalBasis.CONSENT),
    ("满意度调查 Satisfaction survey", "联系方式 contact details", "email", LegalBasis.CONSENT),
    ("合同履行 Contract performance", "身份与账户 identity, account", "", LegalBasis.CONTRACT),
]


QUALITY_OUTCOMES = [("ok", "")] * 8 + [
    ("corrected", "地址已更新 address updated after a call"),
    ("unverifiable", "电话无人接听 no answer on the phone"),
]


@dataclass
class PrivacyCounts:
    pending_changes: int = 0
    privacy_requests: dict[str, int] = field(default_factory=dict)
    consents: int = 0
    consents_withdrawn: int = 0
    quality_samples: int = 0
    quality_checks: int = 0


def _people(department_id: int) -> list[User]:
    return list(
        User.objects.filter(department_id=department_id, username__contains=".agent").order_by(
            "username"
        )
    )


def make_privacy_records(*, seed: int, customers: int) -> PrivacyCounts:
    """The demo's privacy records: pending changes, requests at each age, consents,
    quality samples. Long because they come from one seeded random stream in a fixed
    order."""
    rng = random.Random(f"{seed}:privacy")
    counts = PrivacyCounts()
    persons = list(
        Customer.objects.filter(kind=CustomerKind.PERSON)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not persons:
        return counts
    agents: dict[int, list[User]] = {}

    def maker(customer: Customer) -> User:
        found = agents.get(customer.department_id)
        if found is None:
            found = agents[customer.department_id] = _people(customer.department_id)
        return rng.choice(found)

    def pick(n: int) -> list[Customer]:
        chosen = sorted(rng.sample(persons, min(n, len(persons))))
        return list(Customer.objects.filter(pk__in=chosen).order_by("pk"))

    # Sensitive changes entered by an agent, waiting for a supervisor or compliance.
    for customer in pick(max(3, min(40, customers // 500))):
        existing = Identifier.objects.filter(customer=customer, kind="resident_id").first()
        if existing is not None and rng.random() < 0.5:
            kind, value, replaces = "resident_id", resident_id(rng), existing
            reason = "客户提供新身份证 new ID card presented"
        else:
            kind, value, replaces = "bank_card", bank_card(rng), None
            reason = "客户新增退款账户 refund card added"
        identifier_change_propose(
            actor=maker(customer),
            customer=customer,
            kind=kind,
            value=value,
            reason=reason,
            replaces=replaces,
        )
        counts.pending_changes += 1

    # Privacy requests: each kind fresh, near its due date, overdue, and (but deletion,
    # which waits for disposition) completed.
    handler = User.objects.get(username="compliance")
    today = request_due.today()
    days = settings.PRIVACY_REQUEST_DAYS
    ages = {"fresh": 3, "near": max(days - 4, 0), "overdue": days + 9, "done": days + 20}
    for kind in RequestKind.values:
        for stage, customer in zip(ages, pick(len(ages)), strict=False):
            request = privacy_request_open(
                actor=handler,
                customer=customer,
                kind=kind,
                received_on=today - dt.timedelta(days=ages[stage]),
                channel=rng.choice(["email", "phone", "web_form", "in_person"]),
                details=f"Demo {kind} request ({stage})",
            )
            if stage in ("near", "done") and request.status == "open":
                request = privacy_request_assign(actor=handler, request=request, handler=handler)
            if stage == "done" and kind != RequestKind.DELETION:
                privacy_request_complete(
                    actor=handler, request=request, outcome="已按要求办理 Done as requested"
                )
            counts.privacy_requests[kind] = counts.privacy_requests.get(kind, 0) + 1

    # Consents, granted some time after the customer arrived; a few withdrawn since.
    for customer in pick(max(5, min(400, customers // 50))):
        purpose, data_scope, channel, basis = rng.choice(CONSENT_PURPOSES)
        granted = min(
            customer.created_at + dt.timedelta(days=rng.randint(0, 60), hours=rng.random()),
            clock.now() - dt.timedelta(hours=1),
        )
        consent = consent_grant(
            actor=maker(customer),
            customer=customer,
            data={
                "purpose": purpose,
                "data_scope": data_scope,
                "channel_scope": channel,
                "legal_basis": basis,
                "obtained_by": rng.choice(ObtainedBy.values[:3]),
                "granted_at": granted,
                "expires_at": granted + dt.timedelta(days=730) if rng.random() < 0.5 else None,
                "retention_promised": "撤回后30天内删除 deleted within 30 days of withdrawal",
            },
        )
        counts.consents += 1
        if basis == LegalBasis.CONSENT and rng.random() < 0.12:
            consent_withdraw(actor=maker(customer), consent=consent, reason="客户来电撤回")
            counts.consents_withdrawn += 1

    # Data-quality samples: last month's checked by the departments' supervisors, this
    # month's drawn and waiting.
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    for sample in quality_sample_draw(actor=None, month=last_month):
        reviewer = User.objects.filter(supervised_departments=sample.department_id).first()
        if reviewer is None:
            continue
        for check in sample.checks.filter(outcome="pending").order_by("id"):
            outcome, note = rng.choice(QUALITY_OUTCOMES)
            quality_check_record(actor=reviewer, check=check, outcome=outcome, note=note)
            counts.quality_checks += 1
    counts.quality_samples = len(quality_sample_draw(actor=None, month=this_month)) + len(
        QualitySample.objects.filter(month=last_month)
    )
    return counts
