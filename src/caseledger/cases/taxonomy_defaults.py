"""The built-in default taxonomy: complaint categories → subcategories, the sales objection
types, and what each process step needs. Labels are translatable. It is what a fresh
database reads until an administrator edits the taxonomy (cases.taxonomy), and what is then
written as the first records (cases.services.taxonomy); never read it directly elsewhere."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CATEGORIES: dict[str, tuple[object, dict[str, object]]] = {
    "product_quality": (
        _("Product quality"),
        {
            "defect": _("Defect"),
            "safety": _("Safety"),
            "not_as_described": _("Not as described"),
        },
    ),
    "service": (
        _("Service"),
        {
            "attitude": _("Staff attitude"),
            "wait_time": _("Waiting time"),
            "no_response": _("No response"),
        },
    ),
    "billing": (
        _("Billing and fees"),
        {
            "wrong_charge": _("Wrong charge"),
            "hidden_fee": _("Hidden fee"),
            "refund": _("Refund"),
        },
    ),
    "delivery": (
        _("Delivery and logistics"),
        {
            "late": _("Late"),
            "damaged": _("Damaged"),
            "lost": _("Lost"),
        },
    ),
    "sales_practice": (
        _("Sales practice"),
        {
            "misleading": _("Misleading information"),
            "pressure": _("Pressure selling"),
            "price_objection": _("Price objection"),
        },
    ),
    "contract": (
        _("Contract terms"),
        {
            "cancellation": _("Cancellation"),
            "renewal": _("Renewal"),
            "terms": _("Unfair terms"),
        },
    ),
    "privacy": (
        _("Privacy and data"),
        {
            "marketing": _("Unwanted marketing"),
            "leak": _("Data leak"),
            "access": _("Access request"),
        },
    ),
    "after_sales": (
        _("After-sales and warranty"),
        {
            "repair": _("Repair"),
            "warranty": _("Warranty claim"),
            "return": _("Return"),
        },
    ),
    "other": (_("Other"), {}),
}


OBJECTION_TYPES: dict[str, tuple[object, dict[str, object]]] = {
    "price": (_("Price"), {}),
    "need": (_("No need"), {}),
    "timing": (_("Timing"), {}),
    "trust": (_("Trust"), {}),
    "competitor": (_("Competitor"), {}),
    "authority": (_("Authority to decide"), {}),
}

# status -> what the move into it needs (cases.models.StepRule's fields)
STEP_RULES: dict[str, dict[str, object]] = {
    "closed": {"fields": ["resolution"]},
    "reopened": {"reason_required": True},
}
