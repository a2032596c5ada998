"""Display masks, computed on the server from the value (retention-presets.md, "Display
masking"). A mask hides characters; it is never an encoding that could be reversed."""

from __future__ import annotations

import re
from typing import Any

STAR = "*"


def keep(value: str, first: int, last: int) -> str:
    """Show `first` leading and `last` trailing characters; star the rest. A value too
    short to hide anything between them is starred completely."""
    if len(value) <= first + last:
        return STAR * len(value)
    return value[:first] + STAR * (len(value) - first - last) + (value[-last:] if last else "")


def mask_resident_id(value: str) -> str:
    return keep(value, 1, 1)  # 1****************X


def mask_bank_card(value: str) -> str:
    return keep(value, 0, 4)  # ************2631


def mask_chinese_name(value: str) -> str:
    return keep(value, 0, 1)  # *明


def mask_text(value: str) -> str:
    """Other sensitive text: the first and the last third show, the middle third is hidden."""
    third = len(value) // 3
    return keep(value, third, third)


def mask_mobile(value: str) -> str:
    """138******78 for a mainland mobile; other numbers keep their country code and the
    same first-three, last-two rule on the national number."""
    digits = re.sub(r"\D", "", value)
    if value.startswith("+86") or (len(digits) == 11 and digits.startswith("1")):
        national = digits[2:] if value.startswith("+86") else digits
        return keep(national, 3, 2)
    if value.startswith("+"):
        import phonenumbers

        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            return keep(digits, 3, 2)
        return f"+{number.country_code} " + keep(str(number.national_number), 3, 2)
    return keep(digits, 3, 2)


def mask_identifier(kind: str, value: str) -> str:
    if kind == "resident_id":
        return mask_resident_id(value)
    if kind in ("bank_card", "bank_account"):
        return mask_bank_card(value)
    return mask_text(value)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def mask_person_name(value: str) -> str:
    """A person's name: `**明` for a Chinese name (the last character shows); otherwise the
    first letter of each word and a star, `J* S*` for "John Smith"."""
    value = value.strip()
    if _CJK.search(value):
        return mask_chinese_name(re.sub(r"\s+", "", value))
    return " ".join(word[0] + STAR for word in value.split()) or value


def display_name(customer: Any, revealed: bool = False) -> str:
    """A customer's name as every interface shows it (pages, API, exports, messages).

    A person's name is personal information and masked unless `revealed` (the caller has
    had the reveal journaled: customers.services.customer_name_reveal). An organisation's
    name is not personal information and shows in full, unless an administrator marked
    customer.name sensitive, which masks every name."""
    from caseledger.vault.sensitivity import is_marked

    name = customer.name or ""
    if revealed:
        return name
    if is_marked("customer.name"):
        return mask_person_name(name) if customer.kind == "person" else mask_text(name)
    return mask_person_name(name) if customer.kind == "person" else name


def shown(field: str, value: Any) -> Any:
    """A value of `field` as interfaces show it: masked (first and last third) if an
    administrator marked the field sensitive (vault.sensitivity), else unchanged."""
    from caseledger.vault.sensitivity import is_marked

    if value in (None, "") or not is_marked(field):
        return value
    return mask_text(str(value))


def mask_email(value: str) -> str:
    """The first third of the mailbox name and the whole domain: `cus******@example.com`.
    (retention-presets.md "other text" shows the first and last thirds; the domain stands
    in for the last third, since it identifies no one on its own.)"""
    local, at, domain = value.rpartition("@")
    if not at:
        return mask_text(value)
    return keep(local, max(1, len(local) // 3), 0) + "@" + domain


def contact_masked(kind: str, value: str) -> str:
    """A contact point as every interface shows it unless it was revealed (personal data,
    vault.sensitivity): phones 138******78, e-mail cus******@example.com, addresses with
    their middle third hidden."""
    if kind == "phone":
        return mask_mobile(value)
    if kind == "email":
        return mask_email(value)
    return mask_text(value)


class _Named:
    def __init__(self, name: str, kind: str) -> None:
        self.name, self.kind = name, kind


_SEALED_PARTS = ("ciphertext", "key_id", "blind_index", "masked")


def _mask_contact_state(point: Any) -> Any:
    """A journaled contact point as people read it: its mask as its value. Points journaled
    sealed (customers/sealing.py) carry the mask; older ones the value, masked here."""
    if isinstance(point, dict) and isinstance(point.get("masked"), str):
        shown = {k: v for k, v in point.items() if k not in _SEALED_PARTS}
        return {**shown, "value": point["masked"]}
    if isinstance(point, dict) and isinstance(point.get("value"), str):
        return {**point, "value": contact_masked(str(point.get("kind", "")), point["value"])}
    return point


def mask_state(object_type: str, state: dict[str, Any] | None) -> dict[str, Any] | None:
    """A journaled state (or a diff's before/after values) as interfaces show it: the same
    masking as the live record (names of persons, contact values, fields an administrator
    marked sensitive). The journal itself keeps the stored form; this is for display."""
    if not state:
        return state
    shown_state = dict(state)
    if object_type == "customer":
        name = shown_state.get("name")
        if isinstance(name, str):
            kind = str(shown_state.get("kind") or "person")
            shown_state["name"] = display_name(_Named(name, kind))
        points = shown_state.get("contact_points")
        if isinstance(points, list):
            shown_state["contact_points"] = [_mask_contact_state(p) for p in points]
    elif object_type == "contact_point":
        shown_state = _mask_contact_state(shown_state)
    for key, value in list(shown_state.items()):
        if isinstance(value, str):
            shown_state[key] = shown(f"{object_type}.{key}", value)
    return shown_state


def mask_changes(
    object_type: str, changes: dict[str, Any] | None, state: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A diff {field: [before, after]} masked like mask_state (a customer's kind is taken
    from its state, so a name change of a person is masked on both sides)."""
    if not changes:
        return changes
    kind = (state or {}).get("kind", "person")
    before = {k: v[0] for k, v in changes.items() if isinstance(v, list) and len(v) == 2}
    after = {k: v[1] for k, v in changes.items() if isinstance(v, list) and len(v) == 2}
    if object_type == "customer":
        before.setdefault("kind", kind)
        after.setdefault("kind", kind)
    masked_before = mask_state(object_type, before) or {}
    masked_after = mask_state(object_type, after) or {}
    return {
        k: [masked_before.get(k), masked_after.get(k)] if k in before else v
        for k, v in changes.items()
    }
