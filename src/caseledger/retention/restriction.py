"""PIPL Art 47 restriction: defined in `caseledger.holds.restriction` (the floor every write
can reach, ADR 0011), re-exported here."""

from caseledger.holds.restriction import (
    Restricted,
    ensure_not_restricted,
    ensure_readable,
    hide_restricted,
    may_see_restricted,
    restriction_of,
)

__all__ = [
    "Restricted",
    "ensure_not_restricted",
    "ensure_readable",
    "hide_restricted",
    "may_see_restricted",
    "restriction_of",
]
