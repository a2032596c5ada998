"""Cases that go take their place in an "imported" notification with them.

A notification about one case goes with its case (its foreign key cascades). An import's
assignments are counted into one notification per person and follower batch (entries
`seq`..`last_seq`), which no foreign key ties to the cases it counts: when cases are
destroyed (a disposition, an undone import), each one's assignment entries say who was
told of it and in which entry, and that person's notification covering the entry counts
one case fewer; at none it is removed. Entries the follower has not read yet raise nothing
later, since their cases are gone by then.
"""

from __future__ import annotations

import bisect
from collections import Counter

from django.db.models import Q

from caseledger.core.erasure import Erasure
from caseledger.notify import events
from caseledger.notify.follow import items_where
from caseledger.notify.models import Notification

PART = 900


def on_erasure(request: Erasure) -> None:
    if request.mode != "destroy" or not request.case_ids:
        return
    told: Counter[tuple[int, int]] = Counter()  # (recipient, entry seq)
    ids = sorted(request.case_ids)
    for start in range(0, len(ids), PART):
        roots = [f"case:{pk}" for pk in ids[start : start + PART]]
        for item in items_where(Q(root__in=roots, object_type="case", via="import")):
            for notice in events.notices(item):
                if notice.kind == "imported" and notice.recipient_id is not None:
                    told[(notice.recipient_id, item.seq)] += 1
    if not told:
        return
    fewer: Counter[int] = Counter()
    for recipient in {who for who, _seq in told}:
        covering = list(
            Notification.objects.filter(recipient_id=recipient, kind="imported")
            .order_by("seq")
            .values_list("seq", "last_seq", "id")
        )
        firsts = [first for first, _last, _pk in covering]
        for (who, seq), n in told.items():
            at = bisect.bisect_right(firsts, seq) - 1  # the last notification starting <= seq
            if who == recipient and at >= 0:
                first, last, pk = covering[at]
                if seq <= (last or first):
                    fewer[pk] += n
    for note in Notification.objects.filter(pk__in=[pk for pk, n in fewer.items() if n]):
        note.count -= fewer[note.pk]
        if note.count <= 0:
            note.delete()
        else:
            note.save(update_fields=["count"])
