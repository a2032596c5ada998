"""Plain-text rendering of journal history and verification reports for the terminal, in
the operator's language (the command activates it); field names, codes and values stay as
the journal holds them, since this is the record itself."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _


def value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, default=str)


def local(at) -> str:
    return timezone.localtime(at).isoformat(sep=" ", timespec="seconds")


def history_text(ref: str, items: list) -> str:
    if not items:
        return _("No journal entries for %(record)s.") % {"record": ref}
    out = [_("%(count)s journal entries for %(record)s:") % {"count": len(items), "record": ref}]
    for item in items:
        out.append("")
        out.append(
            f"#{item.seq}  {local(item.at)}  {item.action}  {item.object_type}:{item.object_id}  "
            + _("by %(actor)s via %(via)s") % {"actor": item.actor_name, "via": item.via}
        )
        if item.reason:
            out.append("    " + _("reason: %(reason)s") % {"reason": item.reason})
        if item.redacted:
            out.append("    " + _("(payload redacted by disposition)"))
            continue
        for field, change in sorted((item.changes or {}).items()):
            before, after = (
                [*change, None, None][:2] if isinstance(change, list) else (None, change)
            )
            out.append(f"    {field}: {value(before)} → {value(after)}")
    return "\n".join(out)


def state_text(ref: str, at_text: str, state: dict) -> str:
    out = [_("%(record)s as of %(moment)s:") % {"record": ref, "moment": at_text}]
    width = max((len(k) for k in state), default=0)
    out += [f"  {key:<{width}}  {value(val)}" for key, val in sorted(state.items())]
    return "\n".join(out)


def redactions_text(redactions: list[dict]) -> list[str]:
    if not redactions:
        return []
    by: dict[str, list[int]] = defaultdict(list)
    for r in redactions:
        by[r.get("by") or _("unknown")].append(r["seq"])
    out = [
        _("Redacted payloads: %(count)s (the chain still covers them)") % {"count": len(redactions)}
    ]
    for ref, seqs in sorted(by.items()):
        shown = ", ".join(f"#{s}" for s in seqs[:20])
        more = _(" and %(count)s more") % {"count": len(seqs) - 20} if len(seqs) > 20 else ""
        out.append("  " + _("by %(ref)s: %(entries)s") % {"ref": ref, "entries": shown + more})
    return out


def verify_text(report) -> str:
    first = report.first_problem
    if first is None:
        out = [
            _(
                "Journal OK: %(entries)s entries, head #%(seq)s (%(hash)s…), "
                "%(checkpoints)s signed checkpoints agree."
            )
            % {
                "entries": report.entries,
                "seq": report.head_seq,
                "hash": report.head_hash[:16],
                "checkpoints": report.checkpoints_checked,
            }
        ]
    else:
        out = [
            _("Journal BROKEN: first problem at %(problem)s") % {"problem": first.shown()},
            _(
                "%(entries)s entries read, %(checkpoints)s checkpoints checked, "
                "%(count)s problem(s):"
            )
            % {
                "entries": report.entries,
                "checkpoints": report.checkpoints_checked,
                "count": len(report.problems),
            },
        ]
        out += [f"  - {p.shown()}" for p in report.problems]
    out += redactions_text(report.redactions)
    out += [
        _("Signatures checked with public key %(key)s (%(where)s).") % {"key": fp, "where": where}
        for fp, where in getattr(report, "public_keys", {}).items()
    ]
    out += [_("Note: %(note)s") % {"note": n} for n in report.notes]
    return "\n".join(out)


def _counted(kind: str, n: int) -> str:
    """`12 cases`, `3 customers` (in English: the words scripts read), `12 件案件` in zh-Hans."""
    if kind == "case":
        return _("%(count)s cases") % {"count": n}
    if kind == "customer":
        return _("%(count)s customers") % {"count": n}
    if kind == "user":
        return _("%(count)s people") % {"count": n}
    if kind == "token":
        return _("%(count)s API tokens") % {"count": n}
    if kind == "legal_hold":
        return _("%(count)s legal holds") % {"count": n}
    return f"{n} {kind}s"


def records_text(records) -> str:
    checked = ", ".join(_counted(kind, n) for kind, n in records.checked.items())
    if records.ok:
        return _("Records OK: %(checked)s equal their state rebuilt from the journal.") % {
            "checked": checked
        }
    out = [
        _("Records DRIFTED: %(count)s of %(checked)s differ from the journal:")
        % {"count": records.total_drifts, "checked": checked}
    ]
    out += [f"  - {d.shown()}" for d in records.drifts]
    if records.total_drifts > len(records.drifts):
        out.append(
            "  …" + _(" and %(count)s more") % {"count": records.total_drifts - len(records.drifts)}
        )
    return "\n".join(out)
