"""Checks for Chinese identity and account numbers, and phone numbers.

Each check returns a `Checked`: the normalized value, the errors that make it unusable and the
warnings a person should look at. Messages say what is wrong but never repeat the value: these
numbers are sensitive, and messages end up in logs, API errors and screens.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import phonenumbers
from django.utils.translation import gettext as _

from caseledger.core import clock


@dataclass(frozen=True)
class Checked:
    value: str  # normalized; "" when it could not be normalized
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


# ---- resident identity number, GB 11643-1999 ----------------------------------------------

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECKS = "10X98765432"  # indexed by S mod 11
# First two digits: the provinces of GB/T 2260, 83 (Taiwan residents' permits) and 91
# (the 2023 foreigners' permanent residence card, which follows the same number layout).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
)
EARLIEST_BIRTH = dt.date(1900, 1, 1)
CHINA = ZoneInfo("Asia/Shanghai")


def resident_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECKS[total % 11]


def check_resident_id(raw: str) -> Checked:
    value = re.sub(r"\s", "", raw).upper()
    if len(value) != 18:
        return Checked("", (_("must be 18 characters, not %(n)d") % {"n": len(value)},))
    if not value[:17].isascii() or not value[:17].isdigit():
        return Checked("", (_("the first 17 characters must be digits"),))
    if not (value[17].isascii() and (value[17].isdigit() or value[17] == "X")):
        return Checked("", (_("the last character must be a digit or X"),))
    errors = []
    if int(value[:2]) not in PROVINCES:
        errors.append(_("the region code (characters 1–6) names no province"))
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        errors.append(_("the birth date (characters 7–14) is not a real date"))
    else:
        if born > clock.now().astimezone(CHINA).date():
            errors.append(_("the birth date (characters 7–14) is in the future"))
        elif born < EARLIEST_BIRTH:
            errors.append(_("the birth date (characters 7–14) is before 1900"))
    if resident_id_check_char(value[:17]) != value[17]:
        errors.append(_("the check character (the 18th) does not match; a character is wrong"))
    return Checked(value if not errors else "", tuple(errors))


# ---- unified social credit code, GB 32100-2015 ---------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z; values 0..30
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def check_uscc(raw: str) -> Checked:
    value = re.sub(r"\s", "", raw).upper()
    if len(value) != 18:
        return Checked("", (_("must be 18 characters, not %(n)d") % {"n": len(value)},))
    bad = [i + 1 for i, ch in enumerate(value) if ch not in USCC_CHARSET]
    if bad:
        return Checked(
            "",
            (
                _("character %(pos)s is not allowed (0-9 and A-Y without I, O, S, V, Z)")
                % {"pos": ", ".join(map(str, bad))},
            ),
        )
    warnings: tuple[str, ...] = ()
    if uscc_check_char(value[:17]) != value[17]:
        # Some codes issued early fail the check and are still real: warn, do not refuse.
        warnings = (_("the check character (the 18th) does not match; please verify the code"),)
    return Checked(value, (), warnings)


# ---- bank card: Luhn, UnionPay --------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    for d in "0123456789":
        if luhn_ok(payload + d):
            return d
    raise AssertionError("unreachable: one digit always completes a Luhn sum")


def check_bank_card(raw: str) -> Checked:
    value = re.sub(r"[\s-]", "", raw)
    if not value.isascii() or not value.isdigit():
        return Checked("", (_("a card number has digits only"),))
    if not 12 <= len(value) <= 19:
        return Checked("", (_("a card number has 12 to 19 digits, not %(n)d") % {"n": len(value)},))
    warnings = []
    if not luhn_ok(value):
        warnings.append(_("the check digit (Luhn) does not match; please verify the number"))
    if value.startswith("62") and not 16 <= len(value) <= 19:
        warnings.append(_("a UnionPay card (starting 62) has 16 to 19 digits"))
    return Checked(value, (), tuple(warnings))


def check_bank_account(raw: str) -> Checked:
    value = re.sub(r"[\s-]", "", raw).upper()
    if not re.fullmatch(r"[0-9A-Z]{6,34}", value):
        return Checked("", (_("an account number has 6 to 34 letters and digits"),))
    return Checked(value)


def check_passport(raw: str) -> Checked:
    value = re.sub(r"\s", "", raw).upper()
    if not re.fullmatch(r"[0-9A-Z]{5,20}", value):
        return Checked("", (_("a passport number has 5 to 20 letters and digits"),))
    return Checked(value)


def check_text(raw: str, max_length: int = 200) -> Checked:
    value = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not value:
        return Checked("", (_("must not be empty"),))
    if len(value) > max_length:
        return Checked("", (_("must be at most %(n)d characters") % {"n": max_length},))
    return Checked(value)


# ---- phone numbers ------------------------------------------------------------------------

MAINLAND_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


def check_phone(raw: str, region: str = "CN") -> Checked:
    """Mainland mobiles by their pattern; everything else through phonenumbers. E.164 out."""
    compact = re.sub(r"[\s\-()]", "", raw)
    match = MAINLAND_MOBILE.match(compact)
    if match:
        return Checked("+86" + match.group(1))
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return Checked("", (_("is not a phone number"),))
    if not phonenumbers.is_valid_number(number):
        return Checked("", (_("is not a valid phone number"),))
    return Checked(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


# ---- by the kind of a customer's identifier -------------------------------------------------

BY_KIND = {
    "resident_id": check_resident_id,
    "passport": check_passport,
    "bank_card": check_bank_card,
    "bank_account": check_bank_account,
    "health": check_text,
    "minor": check_text,
    "other": check_text,
}


def check_identifier(kind: str, raw: str) -> Checked:
    return BY_KIND[kind](raw)
