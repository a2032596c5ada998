"""What the demo generator hands out: staff, sensitive identifiers in plaintext on their
way to the vault (resident ids, bank cards), and rows in database and JSON form.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from caseledger.demo import texts
from caseledger.vault.validators import luhn_check_digit, resident_id_check_char

NOTE_COLUMNS = ("id", "case_id", "kind", "channel", "body", "author_id", "created_at")
IDENTIFIER_COLUMNS = (
    "id",
    "customer_id",
    "kind",
    "ciphertext",
    "key_id",
    "blind_index",
    "masked",
    "created_at",
)


@dataclass(frozen=True)
class Staff:
    """Who works a department's cases: database ids."""

    department_id: int
    agents: tuple[int, ...]
    supervisor: int


@dataclass(frozen=True)
class Sensitive:
    """A sensitive identifier in plaintext, on its way to the vault; `at`: when entered."""

    kind: str
    value: str
    at: int


@dataclass
class Row:
    """One record: database values and JSON-encoded values, both in column order."""

    values: list
    encoded: list[str]


def resident_id(rng: random.Random) -> str:
    """GB 11643: region, birth date, sequence (odd for men), MOD 11-2 check character."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    first17 = f"{rng.choice(texts.REGION_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check_char(first17)


def bank_card(rng: random.Random) -> str:
    """A UnionPay debit card: 62 prefix, 16 or 19 digits, Luhn check digit last."""
    length = 19 if rng.random() < 0.4 else 16
    payload = rng.choice(texts.CARD_PREFIXES)
    payload += "".join(str(rng.randrange(10)) for _ in range(length - 1 - len(payload)))
    return payload + luhn_check_digit(payload)
