"""Retention schedules in the reader's language. A schedule adopted from a preset keeps the
preset's English name and source note as its data (they are what was adopted, and what a
certificate cites); pages show them translated while they are unchanged, and as written
once someone has edited them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from caseledger.retention.presets import PRESETS

# A schedule keeps its preset's words until someone edits them (adopted codes carry the
# industry, `banking-financial-complaint`, so the words themselves are what is matched).
_PRESET_NAMES = frozenset(p.name for p in PRESETS)
_PRESET_NOTES = frozenset(p.source for p in PRESETS)

# The presets' names and source notes, for the catalogue (makemessages reads literals).
# tests/web/test_every_page_speaks_chinese.py checks each preset text is here.
_PRESET_MSGIDS = (
    gettext_noop("Customer identity records (AML)"),
    gettext_noop(
        "反洗钱法 (2024) Art 34: customer identity records 10 years after the end of the business relationship (replaced the old 5-year rule)."
    ),
    gettext_noop("Complaint files (financial institution)"),
    gettext_noop(
        "No Chinese rule sets a period for the complaint file itself; default: the longer of the underlying product record's period and any open dispute or hold. Underlying: 反洗钱法 (2024) Art 34, transaction information 10 years after the end of the transaction. Audio/video of complaint handling must be kept (银行业保险业消费投诉处理管理办法 Art 7; period UNCONFIRMED)."
    ),
    gettext_noop("Account opening, orders, trades, business records"),
    gettext_noop(
        "证券法 (2019) Art 137: 20 years; clock start UNCONFIRMED (record date or account closure; account closure assumed)."
    ),
    gettext_noop("Complaint files (securities firm)"),
    gettext_noop(
        "No Chinese rule sets a period for the complaint file itself; default: the longer of the underlying product record's period and any open dispute or hold. Underlying: 证券法 (2019) Art 137, business records 20 years."
    ),
    gettext_noop("Insurance business files (policies over 1 year)"),
    gettext_noop(
        "保险法 Art 87: 10 years from contract termination for policies over 1 year (5 for policies of 1 year or less); the relationship end stands for the contract end."
    ),
    gettext_noop("Complaint files (insurer)"),
    gettext_noop(
        "No Chinese rule sets a period for the complaint file itself; default: the longer of the underlying product record's period and any open dispute or hold. Underlying: 保险法 Art 87, 10 years. Audio/video of complaint handling must be kept (银行业保险业消费投诉处理管理办法 Art 7; period UNCONFIRMED)."
    ),
    gettext_noop("Complaint files (e-commerce platform)"),
    gettext_noop(
        "No Chinese rule sets a period for the complaint file itself; default: the longer of the underlying product record's period and any open dispute or hold. Underlying: 电子商务法 Art 31, listings and transaction information 3 years from transaction completion."
    ),
    gettext_noop("Real-name registration information"),
    gettext_noop(
        "电话用户真实身份信息登记规定 Art 11: the service period plus 2 years after service termination."
    ),
    gettext_noop("Complaint files (telecom)"),
    gettext_noop(
        "No Chinese rule sets a period for the complaint file itself; default: the longer of the underlying product record's period and any open dispute or hold. Underlying: 电话用户真实身份信息登记规定 Art 11, service period + 2 years; the latest of case closure and service end starts the clock."
    ),
    gettext_noop("Complaint files (medical institution)"),
    gettext_noop(
        "No Chinese rule sets a period for the complaint file itself; default: the longer of the underlying product record's period and any open dispute or hold. Underlying: 医疗机构病历管理规定 (2013), outpatient records 15 years from the last visit (inpatient 30 years from the last discharge)."
    ),
    gettext_noop("Patient records (outpatient)"),
    gettext_noop(
        "医疗机构病历管理规定 (2013): outpatient records 15 years from the last visit (inpatient records 30 years from the last discharge: adjust for inpatients)."
    ),
    gettext_noop("Complaint records (manufacturing, retail)"),
    gettext_noop(
        "Common practice, no statute: complaint records 2–3 years after the case is closed."
    ),
    gettext_noop("Complaint records (durable goods, after warranty)"),
    gettext_noop(
        "Common practice, no statute: warranty end + 1–2 years. Needs a warranty end date on the record (not recorded yet: such cases wait for their trigger)."
    ),
    gettext_noop("Complaint files (no statutory period)"),
    gettext_noop(
        "个人信息保护法 Art 19: personal information with no legal period is kept for the shortest period the purpose needs; review when the purpose is achieved. The 3 years follow the common complaint practice; confirm them."
    ),
    gettext_noop("Customer personal information after the relationship"),
    gettext_noop(
        "个人信息保护法 Art 19: personal information with no legal period is kept for the shortest period the purpose needs; review when the purpose is achieved."
    ),
)


def schedule_name(schedule: Any) -> str:
    name = str(_field(schedule, "name"))
    return _(name) if name in _PRESET_NAMES else name


def schedule_note(schedule: Any) -> str:
    note = str(_field(schedule, "legal_source"))
    return _(note) if note in _PRESET_NOTES else note


def _field(row: Any, name: str) -> Any:
    """Rows come as schedules or as the review page's dicts."""
    value = row.get(name) if isinstance(row, dict) else getattr(row, name, "")
    return value or ""


def period_words(schedule: Any) -> str:
    """ "10 年，自结案起" rather than `10y · case_closed`."""
    from caseledger.retention.models import Trigger

    parts = []
    for count, one, many in (
        (_field(schedule, "period_years"), "%(n)d year", "%(n)d years"),
        (_field(schedule, "period_months"), "%(n)d month", "%(n)d months"),
        (_field(schedule, "period_days"), "%(n)d day", "%(n)d days"),
    ):
        if count:
            parts.append(ngettext(one, many, count) % {"n": count})
    period = " ".join(parts) or _("no fixed period")
    labels = dict(Trigger.choices)
    triggers = [str(labels.get(t, t)) for t in (_field(schedule, "triggers") or [])]
    if not triggers:
        return period
    return _("%(period)s from: %(triggers)s") % {
        "period": period,
        "triggers": _(", ").join(triggers),
    }
