"""What each industry template holds. SLA budgets are working minutes (first response,
resolution) per priority; statutory deadlines come from workflow.clocks.presets with their
legal sources; every template adopts the shipped holiday calendar."""

from __future__ import annotations

from typing import Any

H = 60  # minutes in an hour
D = 8 * H  # a working day

# priority -> (first response, resolution), working minutes
FINANCE = {"urgent": (H, D), "high": (2 * H, 2 * D), "normal": (4 * H, 5 * D), "low": (D, 10 * D)}
SERVICE = {"urgent": (H, D), "high": (4 * H, 3 * D), "normal": (D, 5 * D), "low": (2 * D, 10 * D)}

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
