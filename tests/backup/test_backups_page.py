"""The backups page: per destination the newest verified backup, its age, the last drill;
red past the objective; a warning while every destination shares the data's disk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.backup.services import backup_run
from caseledger.core import clock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(people):
    client = Client()
    client.force_login(people.admin)
    return client


def test_only_those_who_run_backups_see_the_page(people, backups):
    agent = Client()
    agent.force_login(people.agent)
    assert agent.get(reverse("web:backups")).status_code == 403


def test_before_any_backup_every_destination_is_red(admin_client, backups):
    html = admin_client.get(reverse("web:backups")).content.decode()
    assert html.count('class="stale"') == 3  # primary, secondary, s3
    assert 'data-destination="s3"' in html or "s3://" in html


def test_a_fresh_verified_backup_is_shown_green_with_its_size(people, admin_client, backups):
    run = backup_run(actor=people.admin)
    assert run.ok
    html = admin_client.get(reverse("web:backups")).content.decode()
    assert 'class="stale"' not in html
    assert html.count(run.snapshot_id) >= 3
    assert "written and read back" in html


def test_an_old_backup_turns_red(people, admin_client, backups):
    with clock.frozen(clock.now() - dt.timedelta(days=2)):
        backup_run(actor=people.admin)
    html = admin_client.get(reverse("web:backups")).content.decode()
    assert html.count('class="stale"') == 3


def test_destinations_on_the_data_disk_only_are_warned_about(admin_client, backups, settings):
    settings.BACKUP_S3 = {**settings.BACKUP_S3, "bucket": None}
    html = admin_client.get(reverse("web:backups")).content.decode()
    assert 'id="one-filesystem"' in html
    settings.BACKUP_S3 = {**settings.BACKUP_S3, "bucket": "elsewhere"}
    html = admin_client.get(reverse("web:backups")).content.decode()
    assert 'id="one-filesystem"' not in html
