"""The default complaint taxonomy: category → subcategories. Labels are translatable."""

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


def category_choices() -> list[tuple[str, object]]:
    return [(key, label) for key, (label, _subs) in CATEGORIES.items()]


def subcategories(category: str) -> dict[str, object]:
    return CATEGORIES.get(category, ("", {}))[1]
