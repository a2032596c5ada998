"""The exact bytes that are hashed. Changing anything here breaks every existing chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from caseledger.core.state import format_time

__all__ = ["canonical_json", "entry_digest", "format_time", "payload_digest"]


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


def canonical_json(data: Any) -> str:
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default
    )


def payload_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def entry_digest(
    prev_hash: str,
    seq: int,
    at_text: str,
    actor_id: int | None,
    actor_name: str,
    via: str,
    action: str,
    object_type: str,
    object_id: str,
    root: str,
    reason: str,
    payload_hash: str,
) -> str:
    header = _dumps(
        [
            seq,
            at_text,
            actor_id,
            actor_name,
            via,
            action,
            object_type,
            object_id,
            root,
            reason,
            payload_hash,
        ]
    )
    return hashlib.sha256((prev_hash + header).encode("utf-8")).hexdigest()
