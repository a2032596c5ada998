"""Plain-text rendering of journal history and verification reports for the terminal."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.utils import timezone


def value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, default=str)


def local(at) -> str:
    return timezone.localtime(at).isoformat(sep=" ", timespec="seconds")


def history_text(ref: str, items: list) -> str:
    if not items:
        return f"No journal entries for {ref}."
    out = [f"{len(items)} journal entries for {ref}:"]
    for item in items:
        out.append("")
        out.append(
            f"#{item.seq}  {local(item.at)}  {item.action}  "
            f"{item.object_type}:{item.object_id}  by {item.actor_name} via {item.via}"
        )
        if item.reason:
            out.append(f"    reason: {item.reason}")
        if item.redacted:
            out.append("    (payload redacted by disposition)")
            continue
        for field, change in sorted((item.changes or {}).items()):
            before, after = (
                [*change, None, None][:2] if isinstance(change, list) else (None, change)
            )
            out.append(f"    {field}: {value(before)} → {value(after)}")
    return "\n".join(out)


def state_text(ref: str, at_text: str, state: dict) -> str:
    out = [f"{ref} as of {at_text}:"]
    width = max((len(k) for k in state), default=0)
    out += [f"  {key:<{width}}  {value(val)}" for key, val in sorted(state.items())]
    return "\n".join(out)


def redactions_text(redactions: list[dict]) -> list[str]:
    if not redactions:
        return []
    by: dict[str, list[int]] = defaultdict(list)
    for r in redactions:
        by[r.get("by") or "unknown"].append(r["seq"])
    out = [f"Redacted payloads: {len(redactions)} (the chain still covers them)"]
    for ref, seqs in sorted(by.items()):
        shown = ", ".join(f"#{s}" for s in seqs[:20])
        more = f" and {len(seqs) - 20} more" if len(seqs) > 20 else ""
        out.append(f"  by {ref}: {shown}{more}")
    return out


def verify_text(report) -> str:
    first = report.first_problem
    if first is None:
        out = [
            f"Journal OK: {report.entries} entries, head #{report.head_seq} "
            f"({report.head_hash[:16]}…), {report.checkpoints_checked} signed "
            "checkpoints agree."
        ]
    else:
        out = [
            f"Journal BROKEN: first problem at {first}",
            f"{report.entries} entries read, {report.checkpoints_checked} checkpoints "
            f"checked, {len(report.problems)} problem(s):",
        ]
        out += [f"  - {p}" for p in report.problems]
    out += redactions_text(report.redactions)
    out += [
        f"Signatures checked with public key {fp} ({where})."
        for fp, where in getattr(report, "public_keys", {}).items()
    ]
    out += [f"Note: {n}" for n in report.notes]
    return "\n".join(out)


def records_text(records) -> str:
    checked = ", ".join(f"{n} {kind}s" for kind, n in records.checked.items())
    if records.ok:
        return f"Records OK: {checked} equal their state rebuilt from the journal."
    out = [f"Records DRIFTED: {records.total_drifts} of {checked} differ from the journal:"]
    out += [f"  - {d}" for d in records.drifts]
    if records.total_drifts > len(records.drifts):
        out.append(f"  … and {records.total_drifts - len(records.drifts)} more")
    return "\n".join(out)
