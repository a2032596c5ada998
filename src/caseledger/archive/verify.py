"""`archive verify`: every live segment re-read, every checksum checked against the
manifest and the registry, and the store compared with the registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop

from caseledger.archive import segments, store
from caseledger.archive.models import ArchiveSegment, SegmentState
from caseledger.core.errors import CaseledgerError


@dataclass
class Report:
    store: str
    segments: int = 0
    records: int = 0
    problems: list[str] = field(default_factory=list)  # English, as scripts read them
    shown: list[str] = field(default_factory=list)  # the same in the active language
    unregistered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "store": self.store,
            "segments": self.segments,
            "records": self.records,
            "problems": self.problems,
            "shown": self.shown,
            "unregistered": self.unregistered,
        }


def verify_all(progress: Callable[[int], None] | None = None) -> Report:
    target = store.configured()
    report = Report(store=target.describe())
    registered = set()
    live = ArchiveSegment.objects.filter(
        state__in=(SegmentState.SEALED, SegmentState.APPLIED)
    ).order_by("id")
    for segment in live.iterator():
        registered.add(segment.name)
        report.segments += 1
        try:
            opened = segments.read(
                target, segment.name, manifest_sha256=segment.manifest_sha256, sha256=segment.sha256
            )
        except CaseledgerError as exc:
            report.problems.append(exc.message)
            report.shown.append(exc.shown())
            continue
        expected = dict(segment.items.values_list("case_id", "sha256"))
        found = {line.case_id: line.sha256 for line in opened.lines}
        if expected != found:
            msgid = gettext_noop(
                "segment %(name)s: its records differ from the registry "
                "(%(found)s in the file, %(expected)s registered)"
            )
            params = {"name": segment.name, "found": len(found), "expected": len(expected)}
            report.problems.append(msgid % params)
            report.shown.append(gettext(msgid) % params)
        report.records += len(opened.lines)
        if progress:
            progress(len(opened.lines))
    for name in target.names():
        base = name.rsplit(".", 2)[0] if name.endswith(".jsonl.zst") else name.split(".")[0]
        if base not in registered:
            report.unregistered.append(name)
    return report
