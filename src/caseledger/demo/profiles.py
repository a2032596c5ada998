"""What the demo's departments handle and how often: departments, the industries they
look after, case profiles, channels, severities, priorities, hours to close, satisfaction.
"""

from __future__ import annotations

HOUR_US = 3_600_000_000

DEPARTMENTS = [
    ("sales", "销售部 Sales"),
    ("service", "客服部 Customer service"),
    ("after-sales", "售后部 After-sales"),
    ("claims", "理赔部 Claims"),
]

# Which department looks after a customer, by the customer's industry.
DEPARTMENT_WEIGHTS = {
    "banking": {"sales": 3, "service": 4, "claims": 2},
    "insurance": {"sales": 2, "service": 3, "claims": 5},
    "ecommerce": {"sales": 1, "service": 5, "after-sales": 4},
    "telecom": {"sales": 3, "service": 6, "after-sales": 1},
    "manufacturing": {"sales": 3, "service": 1, "after-sales": 6},
    "retail": {"sales": 2, "service": 4, "after-sales": 4},
    "saas": {"sales": 4, "service": 4, "after-sales": 2},
}

# What each department's cases are about: (kind, category, subcategory, weight).
PROFILES = {
    "sales": [
        ("sales_objection", "sales_practice", "price_objection", 30),
        ("sales_objection", "contract", "terms", 10),
        ("sales_objection", "sales_practice", "misleading", 8),
        ("complaint", "sales_practice", "pressure", 8),
        ("complaint", "sales_practice", "misleading", 8),
        ("inquiry", "contract", "renewal", 8),
        ("complaint", "billing", "hidden_fee", 8),
        ("complaint", "privacy", "marketing", 6),
        ("dispute", "contract", "cancellation", 6),
        ("inquiry", "other", "", 4),
    ],
    "service": [
        ("complaint", "service", "attitude", 12),
        ("complaint", "service", "wait_time", 12),
        ("complaint", "service", "no_response", 10),
        ("complaint", "billing", "wrong_charge", 12),
        ("complaint", "billing", "refund", 8),
        ("complaint", "delivery", "late", 10),
        ("complaint", "delivery", "lost", 4),
        ("inquiry", "billing", "hidden_fee", 6),
        ("complaint", "privacy", "leak", 3),
        ("inquiry", "privacy", "access", 3),
        ("inquiry", "other", "", 6),
        ("complaint", "product_quality", "not_as_described", 6),
    ],
    "after-sales": [
        ("complaint", "after_sales", "repair", 18),
        ("complaint", "after_sales", "warranty", 14),
        ("complaint", "after_sales", "return", 12),
        ("complaint", "product_quality", "defect", 18),
        ("complaint", "product_quality", "safety", 4),
        ("complaint", "delivery", "damaged", 10),
        ("dispute", "after_sales", "warranty", 6),
        ("inquiry", "after_sales", "repair", 6),
    ],
    "claims": [
        ("dispute", "contract", "terms", 14),
        ("dispute", "billing", "refund", 14),
        ("complaint", "service", "no_response", 12),
        ("dispute", "after_sales", "warranty", 8),
        ("complaint", "contract", "cancellation", 8),
        ("dispute", "billing", "wrong_charge", 10),
        ("inquiry", "contract", "terms", 8),
    ],
}
# Categories that make no sense for an industry's products (a mortgage is not delivered).
UNLIKELY = {
    "banking": ("delivery", "product_quality", "after_sales"),
    "insurance": ("delivery", "product_quality", "after_sales"),
    "telecom": ("delivery",),
    "saas": ("delivery",),
}
CHANNELS = {
    "phone": 35,
    "email": 15,
    "web_form": 15,
    "in_person": 8,
    "social_media": 10,
    "api": 12,
    "import": 5,
}
SEVERITIES = {"low": 25, "medium": 45, "high": 22, "critical": 8}
SERIOUS = {("product_quality", "safety"), ("privacy", "leak")}
PRIORITY_OF = {
    "low": ("low", "normal"),
    "medium": ("normal", "normal", "normal", "high"),
    "high": ("high", "high", "urgent"),
    "critical": ("urgent",),
}
# Typical hours to close by severity; the spread around it comes from r**2.
# Lifecycle marks a fresh record does not have: (database values, JSON encodings) of
# restricted_at, restricted_reason, merged_into_id, merged_at / archived_at, restricted_at,
# restricted_reason.
UNMARKED_CUSTOMER = ((None, "", None, None), ("null", '""', "null", "null"))
UNMARKED_CASE = ((None, None, ""), ("null", "null", '""'))
HOURS_TO_CLOSE = {"critical": 30, "high": 80, "medium": 140, "low": 260}
SATISFACTION = (5,) * 40 + (4,) * 30 + (3,) * 15 + (2,) * 8 + (1,) * 7


def expand(weights: dict) -> list:
    """A weighted choice as a flat list, so a pick is one index."""
    return [key for key, weight in weights.items() for _ in range(weight)]
