"""Archive reads: which cases may be archived, where an archived case's record is, and the
segment registry. Nothing here reads segment content (that is journaled: services)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.archive.models import ArchivedRecord, ArchiveSegment, SegmentState
from caseledger.cases.models import Case, Status
from caseledger.core import clock
from caseledger.core.errors import NotFound

LIVE = (SegmentState.SEALED, SegmentState.APPLIED)


def cutoff(on: dt.date | None = None) -> dt.datetime:
    """Cases closed and untouched before this moment are archivable on `on`."""
    day = on or timezone.localdate(clock.now())
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    return start - dt.timedelta(days=settings.ARCHIVE_AFTER_DAYS)


def eligible(on: dt.date | None = None) -> QuerySet[Case]:
    """Closed, inactive since the cutoff, not archived, not restricted. Legal holds are
    checked per batch (retention.holds), where saved filters can be evaluated; a restricted
    case keeps its own, narrower access and stays in the hot store."""
    moment = cutoff(on)
    return Case.objects.filter(
        status=Status.CLOSED,
        closed_at__lt=moment,
        updated_at__lt=moment,
        archived_at__isnull=True,
        restricted_at__isnull=True,
    )


def record_of(case_id: int) -> ArchivedRecord:
    """The record a stub points to: the newest in a live segment."""
    found = (
        ArchivedRecord.objects.select_related("segment")
        .filter(case_id=case_id, segment__state=SegmentState.APPLIED)
        .order_by("-id")
        .first()
    )
    if found is None:
        raise NotFound(
            _("case %(case_id)s has no archived record") % {"case_id": case_id}, field="case"
        )
    return found


def segment_list() -> QuerySet[ArchiveSegment]:
    return ArchiveSegment.objects.order_by("id")
