"""backup_run and drill_run against real files, a real S3 API, and a real restore in a child
process: every destination written, damage named, failures recorded, journaled and alerted."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core import mail

from caseledger.backup import destinations
from caseledger.backup.models import BackupRun, Drill
from caseledger.backup.queries import backup_list, health_check
from caseledger.backup.restore import verify_backup
from caseledger.backup.services import backup_run, drill_run
from caseledger.cases.services import case_attachment_add
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied
from caseledger.journal.models import Entry
from caseledger.journal.services import checkpoint_create
from tests.backup.conftest import immutable, mutable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records(people, customer, case):
    case_attachment_add(
        actor=people.agent, case=case, stream=io.BytesIO(b"%PDF-1.4 evidence"), filename="e.pdf"
    )
    checkpoint_create()
    return case


def _by_name():
    return {d.name: d for d in destinations.configured()}


def test_a_backup_reaches_every_destination_complete_and_journaled(backups, people, records):
    run = backup_run(actor=people.admin)

    assert run.ok, [(r.destination, r.error) for r in run.results.all()]
    assert {r.destination for r in run.results.all()} == {"primary", "secondary", "s3"}
    listed = backup_list()
    assert {(i["destination"], i["snapshot"]) for i in listed} == {
        (name, run.snapshot_id) for name in ("primary", "secondary", "s3")
    }
    head = Entry.objects.filter(action="backup.run").values_list("seq", flat=True).get()
    assert all(i["journal_head_seq"] == head - 1 for i in listed)
    for destination in _by_name().values():
        report = verify_backup(destination, run.snapshot_id)
        assert report["ok"], report["problems"]
        # database, checkpoint log, the journal's public key, one attachment
        assert report["files_checked"] == 4
    # The key never travels with the backup, and the archive is not plaintext.
    archive = backups / "primary" / run.snapshot_id / destinations.ARCHIVE
    assert b"evidence" not in archive.read_bytes()
    assert not list(backups.rglob("backup.key"))
    assert health_check()["ok"] is True


def test_only_administrators_may_take_backups(backups, people):
    with pytest.raises(PermissionDenied, match="do not allow you to run and verify backups"):
        backup_run(actor=people.agent)
    assert not BackupRun.objects.exists()


def test_a_read_only_destination_fails_alone_and_is_reported(backups, people, records, caplog):
    people.admin.email = "adam@example.com"
    people.admin.save(update_fields=["email"])
    readonly = backups / "secondary"
    if not immutable(readonly):
        pytest.skip("cannot make a read-only directory here")
    try:
        run = backup_run(actor=None)
    finally:
        mutable(readonly)

    results = {r.destination: r for r in run.results.all()}
    assert not run.ok
    assert not results["secondary"].ok and "PermissionError" in results["secondary"].error
    assert results["primary"].ok and results["s3"].ok
    assert run.snapshot_id in _by_name()["primary"].snapshot_ids()
    assert run.snapshot_id not in _by_name()["secondary"].snapshot_ids()
    state = json.loads(Entry.objects.get(action="backup.run").payload.body)["state"]
    assert state["destinations"]["secondary"]["ok"] is False
    health = health_check()
    assert health["ok"] is False and health["failing_destinations"] == ["secondary"]
    assert [m.to for m in mail.outbox] == [["adam@example.com"]]
    assert "secondary" in mail.outbox[0].subject


def test_a_flipped_byte_is_named_by_verify_and_by_the_drill(backups, people, records):
    people.admin.email = "adam@example.com"
    people.admin.save(update_fields=["email"])
    run = backup_run(actor=people.admin)
    archive = backups / "secondary" / run.snapshot_id / destinations.ARCHIVE
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x40
    archive.write_bytes(bytes(data))

    report = verify_backup(_by_name()["secondary"], run.snapshot_id)
    assert not report["ok"]
    assert any(p.startswith(f"{destinations.ARCHIVE}: chunk 0") for p in report["problems"])
    assert verify_backup(_by_name()["primary"], run.snapshot_id)["ok"]

    drills = {d.destination: d for d in drill_run(actor=people.admin)}

    assert drills["primary"].ok and drills["s3"].ok, drills["primary"].details
    assert drills["primary"].details["sample"]["compared"] > 0
    assert not drills["secondary"].ok
    assert destinations.ARCHIVE in drills["secondary"].details["problems"][0]
    assert Entry.objects.filter(action="backup.drill").count() == 3
    assert Drill.objects.count() == 3
    assert health_check()["failed_drills"] == ["secondary"]
    assert any("drill failed at secondary" in m.subject for m in mail.outbox)


def test_an_altered_manifest_is_refused_by_name(backups, people, records):
    run = backup_run(actor=people.admin)
    manifest = backups / "primary" / run.snapshot_id / destinations.MANIFEST
    body = json.loads(manifest.read_bytes())
    body["journal"]["head_seq"] += 1
    manifest.write_text(json.dumps(body))

    report = verify_backup(_by_name()["primary"], run.snapshot_id)

    assert report["problems"] == [
        f"{destinations.MANIFEST}: its seal does not match its contents (altered)"
    ]


def test_pruning_keeps_the_newest_verified_backup(backups, people, records, settings):
    settings.BACKUP_KEEP = {"hourly": 1, "daily": 0, "weekly": 0, "monthly": 0}
    hour = clock.now().replace(minute=0, second=0, microsecond=0)
    with clock.frozen(hour + dt.timedelta(seconds=1)):
        first = backup_run(actor=people.admin)
    with clock.frozen(hour + dt.timedelta(seconds=1, microseconds=1)):  # same second
        second = backup_run(actor=people.admin)
    assert first.ok and second.ok
    for destination in _by_name().values():
        assert destination.snapshot_ids() == [second.snapshot_id]
    assert first.snapshot_id in second.results.get(destination="primary").pruned
