"""What each industry template holds. SLA budgets are working minutes (first response,
resolution, next update) per priority; statutory deadlines come from workflow.clocks.presets
with their legal sources; every template adopts the shipped holiday calendar.

The SLA budgets are practice, not law. The next-update interval in particular: ISO 10002 /
GB/T 19012 ask that a complainant be kept informed of progress, and no rule read for these
templates sets how often (NEXT_UPDATE_SOURCE, UNCONFIRMED; it is journaled with each
adopted policy)."""

from __future__ import annotations

from typing import Any

H = 60  # minutes in an hour
D = 8 * H  # a working day

NEXT_UPDATE_SOURCE = (
    "next update: practice (ISO 10002:2018 / GB/T 19012-2019, keep the complainant informed); "
    "interval UNCONFIRMED"
)

# priority -> (first response, resolution, next update), working minutes
FINANCE = {
    "urgent": (H, D, 2 * H),
    "high": (2 * H, 2 * D, 4 * H),
    "normal": (4 * H, 5 * D, D),
    "low": (D, 10 * D, 2 * D),
}
SERVICE = {
    "urgent": (H, D, 4 * H),
    "high": (4 * H, 3 * D, D),
    "normal": (D, 5 * D, 2 * D),
    "low": (2 * D, 10 * D, 3 * D),
}

TEMPLATES: dict[str, dict[str, Any]] = {
    "banking": {"sla": FINANCE, "statutory": "banking", "calendar": "cn-2026"},
    "insurance": {"sla": FINANCE, "statutory": "insurance", "calendar": "cn-2026"},
    "securities": {"sla": FINANCE, "statutory": None, "calendar": "cn-2026"},
    "telecom": {"sla": SERVICE, "statutory": "telecom", "calendar": "cn-2026"},
    "e-commerce": {"sla": SERVICE, "statutory": "e-commerce", "calendar": "cn-2026"},
    "saas": {"sla": SERVICE, "statutory": None, "calendar": "cn-2026"},
    "medical": {"sla": SERVICE, "statutory": None, "calendar": "cn-2026"},
    "education": {"sla": SERVICE, "statutory": None, "calendar": "cn-2026"},
    "manufacturing": {"sla": SERVICE, "statutory": None, "calendar": "cn-2026"},
}
