"""A notification in words, in the active language, put together when shown or mailed: the
row keeps only the kind, the case reference, who acted and which clock (never case content,
so nothing masked elsewhere can be read here)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caseledger.notify.models import Notification


def clock_word(kind: str) -> str:
    if kind == "first_response":
        return _("first response")
    if kind == "resolution":
        return _("resolution")
    if kind == "next_update":
        return _("next update")
    if kind.startswith("statutory:"):
        return _("statutory deadline %(code)s") % {"code": kind.split(":", 1)[1]}
    return kind


def line_of(n: Notification) -> str:
    ref, by, clock = n.reference, n.by, clock_word(n.clock)
    if n.kind == "assigned":
        return _("%(by)s assigned %(ref)s to you") % {"by": by, "ref": ref}
    if n.kind == "mention":
        return _("%(by)s mentioned you in a note on %(ref)s") % {"by": by, "ref": ref}
    if n.kind == "due_soon":
        return _("%(ref)s: the %(clock)s clock is due soon") % {"ref": ref, "clock": clock}
    if n.kind == "breach":
        return _("%(ref)s: the %(clock)s clock is breached") % {"ref": ref, "clock": clock}
    if n.kind == "escalated":
        return _("%(ref)s was escalated to you: the %(clock)s clock is breached") % {
            "ref": ref,
            "clock": clock,
        }
    if n.kind == "imported":
        return ngettext(
            "%(by)s's import gave you %(count)d case",
            "%(by)s's import gave you %(count)d cases",
            n.count,
        ) % {"by": by, "count": n.count}
    return f"{ref} {n.kind}"
