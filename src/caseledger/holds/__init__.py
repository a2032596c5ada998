"""The guards every write calls, low enough for every caller to reach (ADR 0011).

- `restriction`: PIPL Art 47 restriction, read from the record's own fields.
- `guards`: legal holds. The holds themselves (retention.models.LegalHold, saved filters
  over cases) live in retention, a higher floor; retention registers the answer at start-up
  (`caseledger.core.hooks`), and a guard called before it did refuses to guess.
- `errors.Held`: the refusal a hold causes.

Not a Django app: it has no models.
"""
