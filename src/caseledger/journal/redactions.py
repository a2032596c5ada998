"""Whether each redacted payload was redacted by right. A payload's body may be gone only
under `disposition <number>`: a certificate of disposition that exists, matches its own
sha256, is certified by an intact journal entry after the redacted one (the
`disposition.certificate` entry of its batch, or `disposition.certificate_restore` when it
was restored from its file), and lists the record the redacted entry belongs to as done.
Anything else is a forged redaction, and `journal verify` names the entry.

The database's trigger (journal/triggers.py) refuses the same on every UPDATE; this is the
check for a database whose triggers were dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext_noop

from caseledger.journal.canonical import canonical_json

PREFIX = "disposition "
_CERTIFYING = ("disposition.certificate", "disposition.certificate_restore")


@dataclass
class _Certificate:
    number: str
    batch_id: int | None
    intact: bool
    sha256: str
    listed: set[str] = field(default_factory=set)
    certified_at: int | None = None  # the newest seq of an entry certifying it


def _rows(sql: str, params: Iterable[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _certificates() -> dict[str, _Certificate]:
    found: dict[str, _Certificate] = {}
    rows = _rows(
        "SELECT number, batch_id, document, document_sha256 FROM disposition_dispositioncertificate"
    )
    for number, batch_id, raw, stored_sha in rows:
        document = _document(raw)
        sha = hashlib.sha256(canonical_json(document).encode()).hexdigest()
        records = document.get("records")
        if not isinstance(records, list):
            records = []
        listed = {
            f"{r.get('type')}:{r.get('id')}"
            for r in records
            if isinstance(r, dict) and r.get("status") == "done"
        }
        found[number] = _Certificate(
            number=number,
            batch_id=batch_id,
            intact=sha == stored_sha and document.get("number") == number,
            sha256=sha,
            listed=listed,
        )
    return found


def _mark_certified(certs: dict[str, _Certificate], spoiled: set[int]) -> None:
    """Find the entries that certify each certificate. An entry the walk found edited or
    whose payload is not intact (`spoiled`) certifies nothing."""
    placeholders = ", ".join(["%s"] * len(_CERTIFYING))
    rows = _rows(
        "SELECT e.seq, e.action, e.object_id, p.body FROM journal_entry e "
        "LEFT JOIN journal_payload p ON p.entry_id = e.seq "
        f"WHERE e.action IN ({placeholders}) ORDER BY e.seq",
        _CERTIFYING,
    )
    for seq, action, object_id, body in rows:
        if seq in spoiled or body is None:
            continue
        extra = _document(body).get("extra") or {}
        if action == "disposition.certificate":
            cert = certs.get(str(extra.get("certificate")))
            if cert is None or str(cert.batch_id) != object_id:
                cert = None
        else:
            cert = certs.get(object_id)
            if cert is not None and object_id != cert.number:
                cert = None
        if cert is not None and extra.get("sha256") == cert.sha256:
            cert.certified_at = seq


def _roots(seqs: list[int]) -> dict[int, str]:
    roots: dict[int, str] = {}
    for start in range(0, len(seqs), 500):
        part = seqs[start : start + 500]
        placeholders = ", ".join(["%s"] * len(part))
        for seq, root in _rows(
            f"SELECT seq, root FROM journal_entry WHERE seq IN ({placeholders})", part
        ):
            roots[seq] = root
    return roots


Why = tuple[str, dict[str, Any]]  # an English msgid marked with gettext_noop, its params


def problems(redactions: list[dict], spoiled: set[int]) -> list[tuple[int, Why]]:
    """(seq, why) for every redaction that does not check out, in seq order."""
    if not redactions:
        return []
    certs = _certificates()
    _mark_certified(certs, spoiled)
    roots = _roots(sorted(r["seq"] for r in redactions))
    found: list[tuple[int, Why]] = []
    for redaction in sorted(redactions, key=lambda r: r["seq"]):
        seq, ref = redaction["seq"], str(redaction["by"] or "")
        why = _why(seq, ref, roots.get(seq, ""), certs)
        if why:
            found.append((seq, why))
    return found


def _why(seq: int, ref: str, root: str, certs: dict[str, _Certificate]) -> Why | None:
    if not ref.startswith(PREFIX):
        return (
            gettext_noop("redacted by %(ref)s, which names no certificate of disposition"),
            {"ref": repr(ref)},
        )
    number = ref[len(PREFIX) :]
    cert = certs.get(number)
    if cert is None:
        return gettext_noop("redacted by certificate %(number)s, which does not exist"), {
            "number": number
        }
    if not cert.intact:
        return gettext_noop(
            "redacted by certificate %(number)s, which does not match its sha256"
        ), {"number": number}
    if cert.certified_at is None:
        return gettext_noop(
            "redacted by certificate %(number)s, which no intact journal entry certifies"
        ), {"number": number}
    if cert.certified_at <= seq:
        return gettext_noop(
            "redacted by certificate %(number)s, certified at entry #%(at)s, "
            "before this entry was written"
        ), {"number": number, "at": cert.certified_at}
    if root not in cert.listed:
        if root:
            return gettext_noop(
                "redacted by certificate %(number)s, which does not list %(root)s"
            ), {"number": number, "root": root}
        return gettext_noop("redacted by certificate %(number)s, which does not list its record"), {
            "number": number
        }
    return None
