"""Each industry template's taxonomy (categories beyond the default, with English and
Chinese labels) and process step rules (required fields, approvals, the acknowledgement
time), installed by `template adopt` through cases.services.taxonomy_adopt.

Legal sources as ../shared/retention-presets.md gives them; where the figure is practice
and the article could not be read in the source, the source says UNCONFIRMED.
"""

from __future__ import annotations

from typing import Any

DAY = 8 * 60  # working minutes

CBIRC = "银行业保险业消费投诉处理管理办法 (2020); article UNCONFIRMED"
ISO = "ISO 10002:2018 §8.3 / GB/T 19012-2019 (acknowledge promptly); time is practice, UNCONFIRMED"


def _cat(code: str, en: str, zh: str, subs: tuple[tuple[str, str, str], ...] = ()) -> list:
    rows: list[dict[str, Any]] = [{"code": code, "label_en": en, "label_zh": zh}]
    rows += [{"code": s, "parent": code, "label_en": e, "label_zh": z} for s, e, z in subs]
    return rows


def _rules(ack_days: float, source: str, *, approval: bool = False, root_cause: bool = False):
    closed: dict[str, Any] = {"fields": ["resolution", *(["root_cause"] if root_cause else [])]}
    if approval:
        closed["approval_severities"] = ["high", "critical"]
        closed["legal_source"] = CBIRC
    return {
        "acknowledged": {"within_minutes": int(ack_days * DAY), "legal_source": source},
        "assessing": {"fields": ["severity", "priority"]},
        "closed": closed,
    }


TAXONOMIES: dict[str, dict[str, Any]] = {
    "banking": {
        "entries": [
            *_cat(
                "bank_cards",
                "Bank cards",
                "银行卡",
                (
                    ("card_fraud", "Card fraud", "盗刷"),
                    ("card_fee", "Card fees", "卡费"),
                ),
            ),
            *_cat(
                "bank_loans",
                "Loans and credit",
                "贷款与信用",
                (
                    ("loan_rate", "Interest rate", "利率"),
                    ("credit_report", "Credit report", "征信记录"),
                ),
            ),
            *_cat(
                "bank_wealth",
                "Wealth products",
                "理财产品",
                (("mis_selling", "Mis-selling", "误导销售"),),
            ),
        ],
        "rules": _rules(1, CBIRC, approval=True, root_cause=True),
    },
    "insurance": {
        "entries": [
            *_cat(
                "ins_claims",
                "Claims",
                "理赔",
                (
                    ("claim_denied", "Claim denied", "拒赔"),
                    ("claim_slow", "Slow claim", "理赔慢"),
                ),
            ),
            *_cat("ins_policy", "Policy terms", "保单条款"),
        ],
        "rules": _rules(1, CBIRC, approval=True, root_cause=True),
    },
    "securities": {
        "entries": [*_cat("sec_trading", "Trading and accounts", "交易与账户")],
        "rules": _rules(1, ISO, root_cause=True),
    },
    "telecom": {
        "entries": [
            *_cat("tel_network", "Network and coverage", "网络与信号"),
            *_cat("tel_plan", "Plans and charges", "套餐与资费"),
        ],
        "rules": _rules(1, "MIIT Order 35 Arts 10, 14 (answer within 15 days); time UNCONFIRMED"),
    },
    "e-commerce": {
        "entries": [
            *_cat("ec_seller", "Seller conduct", "商家行为"),
            *_cat("ec_counterfeit", "Counterfeit goods", "假冒商品"),
        ],
        "rules": _rules(1, ISO),
    },
    "saas": {"entries": [*_cat("saas_outage", "Outage", "服务中断")], "rules": _rules(1, ISO)},
    "medical": {
        "entries": [*_cat("med_treatment", "Treatment", "诊疗")],
        "rules": _rules(1, ISO, root_cause=True),
    },
    "education": {"entries": [*_cat("edu_course", "Courses", "课程")], "rules": _rules(1, ISO)},
    "manufacturing": {
        "entries": [*_cat("mfg_recall", "Recall", "召回")],
        "rules": _rules(1, ISO, root_cause=True),
    },
}
