"""E-mailing notifications, in each reader's language, when their preference says.

- immediate: each run mails what is new, unless the reader's local time is inside their
  quiet hours; then it waits for their end.
- digest: one mail with everything unmailed, once the reader's digest hour has passed
  since the oldest of it arrived (so at most one a day, at that hour or the first run
  after it).
- off: the inbox only.

A clock notice whose clock has since stopped being due soon or breached (the case was
closed, the clock paused overnight for the customer, or met) is not mailed when its time
comes: the inbox keeps it, `mail_skipped` says why. Quiet hours and digests work in the
reader's own time zone.

Each mail is claimed first (an atomic update of `emailed_at` whose row count proves it), so
two workers never send the same one; a failed send clears the claim for the next run.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caseledger.core import clock
from caseledger.core.logging import get_logger
from caseledger.notify.models import Mode, Notification, Preference
from caseledger.notify.words import line_of

log = get_logger("caseledger.notify")
STILL_DUE = {"due_soon": ("soon", "breached"), "breach": ("breached",), "escalated": ("breached",)}
DEFAULT = Preference(mode=Mode.IMMEDIATE, digest_hour=9, quiet_start=22, quiet_end=8)


def local_now(pref: Preference, now: dt.datetime) -> dt.datetime:
    try:
        zone = zoneinfo.ZoneInfo(pref.timezone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return now.astimezone(zone)


def quiet(pref: Preference, now: dt.datetime) -> bool:
    """Inside the reader's quiet hours ([start, end), across midnight when start > end)."""
    start, end = pref.quiet_start, pref.quiet_end
    if start is None or end is None or start == end:
        return False
    hour = local_now(pref, now).hour
    return start <= hour < end if start < end else (hour >= start or hour < end)


def last_digest_moment(pref: Preference, now: dt.datetime) -> dt.datetime:
    """The latest moment at or before `now` when the reader's digest hour struck."""
    here = local_now(pref, now)
    struck = here.replace(hour=pref.digest_hour, minute=0, second=0, microsecond=0)
    if struck > here:
        struck -= dt.timedelta(days=1)
    return struck


def _stale(n: Notification) -> str:
    """Why a clock notice should no longer be mailed ("" when it should)."""
    if n.kind not in STILL_DUE or n.case_id is None:
        return ""
    from caseledger.workflow.models import CaseClock

    state = (
        CaseClock.objects.filter(case_id=n.case_id, kind=n.clock)
        .values_list("state", flat=True)
        .first()
    )
    return "" if state is None or state in STILL_DUE[n.kind] else f"clock {state}"


def _due(pref: Preference, pending: list[Notification], now: dt.datetime) -> bool:
    if pref.mode == Mode.OFF or not pending:
        return False
    if pref.mode == Mode.DIGEST:
        return min(n.created_at for n in pending) < last_digest_moment(pref, now)
    return not quiet(pref, now)


def _claim(ids: list[int], now: dt.datetime) -> list[int]:
    claimed = []
    for pk in ids:
        if Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=now):
            claimed.append(pk)
    return claimed


def _send(user, pref: Preference, notes: list[Notification]) -> None:
    language = pref.language or settings.LANGUAGE_CODE
    with translation.override(language):
        lines = [line_of(n) for n in notes]
        if len(notes) == 1:
            subject = f"[caseledger] {lines[0]}"
        else:
            subject = "[caseledger] " + ngettext(
                "%(n)d notification", "%(n)d notifications", len(notes)
            ) % {"n": len(notes)}
        link = settings.NOTIFY_BASE_URL.rstrip("/") + "/inbox/"
        body = "\n".join(f"- {line}" for line in lines)
        body += "\n\n" + _("Your inbox: %(link)s") % {"link": link}
        body += "\n" + _("Change when you receive these e-mails on the inbox's settings page.")
    send_mail(subject, body, None, [user.email])


def send_due(*, limit: int = 5_000) -> dict[str, int]:
    """Mail every reader whose notifications are due, by their preference."""
    now = clock.now()
    pending: dict[int, list[Notification]] = defaultdict(list)
    for n in (
        Notification.objects.filter(emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("id")[:limit]
    ):
        pending[n.recipient_id].append(n)
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=list(pending))}
    counts = {"mails": 0, "notifications": 0, "skipped": 0}
    for user_id, notes in pending.items():
        pref = prefs.get(user_id, DEFAULT)
        user = notes[0].recipient
        if not user.email or not user.is_active or pref.mode == Mode.OFF:
            why = "no address" if not user.email else "off"
            ids = [n.pk for n in notes]
            Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
                emailed_at=now, mail_skipped=why
            )
            counts["skipped"] += len(ids)
            continue
        if not _due(pref, notes, now):
            continue
        keep = []
        for n in notes:
            why = _stale(n)
            if why:
                Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(
                    emailed_at=now, mail_skipped=why
                )
                counts["skipped"] += 1
            else:
                keep.append(n)
        claimed = set(_claim([n.pk for n in keep], now))
        chosen = [n for n in keep if n.pk in claimed]
        if not chosen:
            continue
        try:
            _send(user, pref, chosen)
        except Exception as exc:  # the next run tries again
            Notification.objects.filter(pk__in=claimed).update(emailed_at=None)
            log.warning("notify.mail_failed", user=user_id, error=type(exc).__name__)
            continue
        counts["mails"] += 1
        counts["notifications"] += len(chosen)
    return counts
