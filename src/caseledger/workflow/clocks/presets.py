"""Statutory complaint deadlines to adopt per department, each with its legal source as
../shared/retention-presets.md gives it. `confirmed=False` rows show as UNCONFIRMED."""

from __future__ import annotations

from typing import Any

BANKING = {
    "code": "cbirc-complaint",
    "name": "银行业保险业消费投诉：处理决定 Decision on a consumer complaint",
    "kinds": ["complaint"],
    "unit": "calendar_days",
    "days": 15,
    # complex cases to 30 days; with senior approval and notice a further 30 (60 at most)
    "extensions": [15, 30],
    "legal_source": "银行业保险业消费投诉处理管理办法 (2020); article UNCONFIRMED",
    "confirmed": False,
}

STATUTORY_PRESETS: dict[str, list[dict[str, Any]]] = {
    "banking": [BANKING],
    "insurance": [BANKING],
    "telecom": [
        {
            "code": "miit-complaint",
            "name": "电信用户投诉：答复 Answer to a telecom user's complaint",
            "kinds": ["complaint"],
            "unit": "calendar_days",
            "days": 15,
            "extensions": [],
            "legal_source": "MIIT Order 35 Arts 10, 14",
            "confirmed": True,
        }
    ],
    "e-commerce": [
        {
            "code": "samr-referral",
            "name": "市场监管转办投诉：受理 Accept or reject a regulator's referral",
            "kinds": ["complaint", "dispute"],
            "unit": "working_days",
            "days": 7,
            "extensions": [],
            "legal_source": "市场监督管理投诉举报处理暂行办法 Art 14",
            "confirmed": True,
        }
    ],
}
