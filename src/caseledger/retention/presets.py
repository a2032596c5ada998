"""Schedules an administrator adopts in one step (`caseledger retention presets`), from
/work/shared/retention-presets.md. Each carries its source. Where the source does not
itself give the figure (UNCONFIRMED there), or the figure is our derivation for the
complaint file (no Chinese rule sets one), the preset is adopted as needs_confirmation.

Industries the facts file does not list (saas, education) get PIPL Art 19: keep personal
information only as long as the purpose needs, so their schedules end in a *review*, not
a destruction, and their complaint period is marked as needing confirmation.

Statutory periods are minimums, so their action is `review`: a person decides after the
minimum, never the clock alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INDUSTRIES = (
    "banking",
    "insurance",
    "securities",
    "ecommerce",
    "telecom",
    "medical",
    "manufacturing",
    "retail",
    "saas",
    "education",
)

_COMPLAINT_NOTE = (
    "No Chinese rule sets a period for the complaint file itself; default: the longer of "
    "the underlying product record's period and any open dispute or hold. "
)
_PIPL_19 = (
    "个人信息保护法 Art 19: personal information with no legal period is kept for the "
    "shortest period the purpose needs; review when the purpose is achieved."
)


@dataclass(frozen=True)
class Preset:
    code: str
    name: str
    industries: tuple[str, ...]
    record_kind: str
    years: int
    triggers: tuple[str, ...]
    action: str
    source: str
    confirmed: bool
    months: int = 0
    case_kind: str = ""
    extra: dict = field(default_factory=dict)


PRESETS: tuple[Preset, ...] = (
    Preset(
        "aml-customer-identity",
        "Customer identity records (AML)",
        ("banking", "insurance", "securities"),
        "customer",
        10,
        ("relationship_ended",),
        "review",
        "反洗钱法 (2024) Art 34: customer identity records 10 years after the end of the "
        "business relationship (replaced the old 5-year rule).",
        True,
    ),
    Preset(
        "financial-complaint",
        "Complaint files (financial institution)",
        ("banking",),
        "case",
        10,
        ("case_closed",),
        "review",
        _COMPLAINT_NOTE + "Underlying: 反洗钱法 (2024) Art 34, transaction information 10 years "
        "after the end of the transaction. Audio/video of complaint handling must be kept "
        "(银行业保险业消费投诉处理管理办法 Art 7; period UNCONFIRMED).",
        False,
    ),
    Preset(
        "securities-account-records",
        "Account opening, orders, trades, business records",
        ("securities",),
        "customer",
        20,
        ("relationship_ended",),
        "review",
        "证券法 (2019) Art 137: 20 years; clock start UNCONFIRMED (record date or account "
        "closure; account closure assumed).",
        False,
    ),
    Preset(
        "securities-complaint",
        "Complaint files (securities firm)",
        ("securities",),
        "case",
        20,
        ("case_closed",),
        "review",
        _COMPLAINT_NOTE + "Underlying: 证券法 (2019) Art 137, business records 20 years.",
        False,
    ),
    Preset(
        "insurance-business-files",
        "Insurance business files (policies over 1 year)",
        ("insurance",),
        "customer",
        10,
        ("relationship_ended",),
        "review",
        "保险法 Art 87: 10 years from contract termination for policies over 1 year (5 for "
        "policies of 1 year or less); the relationship end stands for the contract end.",
        True,
    ),
    Preset(
        "insurance-complaint",
        "Complaint files (insurer)",
        ("insurance",),
        "case",
        10,
        ("case_closed",),
        "review",
        _COMPLAINT_NOTE + "Underlying: 保险法 Art 87, 10 years. Audio/video of complaint "
        "handling must be kept (银行业保险业消费投诉处理管理办法 Art 7; period UNCONFIRMED).",
        False,
    ),
    Preset(
        "ecommerce-complaint",
        "Complaint files (e-commerce platform)",
        ("ecommerce",),
        "case",
        3,
        ("case_closed",),
        "review",
        _COMPLAINT_NOTE + "Underlying: 电子商务法 Art 31, listings and transaction information "
        "3 years from transaction completion.",
        False,
    ),
    Preset(
        "telecom-real-name",
        "Real-name registration information",
        ("telecom",),
        "customer",
        2,
        ("relationship_ended",),
        "review",
        "电话用户真实身份信息登记规定 Art 11: the service period plus 2 years after service "
        "termination.",
        True,
    ),
    Preset(
        "telecom-complaint",
        "Complaint files (telecom)",
        ("telecom",),
        "case",
        2,
        ("case_closed", "relationship_ended"),
        "review",
        _COMPLAINT_NOTE + "Underlying: 电话用户真实身份信息登记规定 Art 11, service period + "
        "2 years; the latest of case closure and service end starts the clock.",
        False,
    ),
    Preset(
        "medical-complaint",
        "Complaint files (medical institution)",
        ("medical",),
        "case",
        15,
        ("case_closed",),
        "review",
        _COMPLAINT_NOTE + "Underlying: 医疗机构病历管理规定 (2013), outpatient records 15 "
        "years from the last visit (inpatient 30 years from the last discharge).",
        False,
    ),
    Preset(
        "medical-patient",
        "Patient records (outpatient)",
        ("medical",),
        "customer",
        15,
        ("last_activity",),
        "review",
        "医疗机构病历管理规定 (2013): outpatient records 15 years from the last visit "
        "(inpatient records 30 years from the last discharge: adjust for inpatients).",
        True,
    ),
    Preset(
        "goods-complaint",
        "Complaint records (manufacturing, retail)",
        ("manufacturing", "retail"),
        "case",
        3,
        ("case_closed",),
        "anonymize",
        "Common practice, no statute: complaint records 2–3 years after the case is closed.",
        False,
    ),
    Preset(
        "durable-goods-complaint",
        "Complaint records (durable goods, after warranty)",
        ("manufacturing", "retail"),
        "case",
        2,
        ("warranty_end", "case_closed"),
        "anonymize",
        "Common practice, no statute: warranty end + 1–2 years. Needs a warranty end date on "
        "the record (not recorded yet: such cases wait for their trigger).",
        False,
        case_kind="dispute",
    ),
    Preset(
        "service-complaint",
        "Complaint files (no statutory period)",
        ("saas", "education"),
        "case",
        3,
        ("case_closed",),
        "review",
        _PIPL_19 + " The 3 years follow the common complaint practice; confirm them.",
        False,
    ),
    Preset(
        "customer-purpose-ended",
        "Customer personal information after the relationship",
        ("ecommerce", "manufacturing", "retail", "saas", "education"),
        "customer",
        0,
        ("relationship_ended",),
        "review",
        _PIPL_19,
        True,
    ),
)


def presets_for(industry: str) -> list[Preset]:
    return [p for p in PRESETS if industry in p.industries]
