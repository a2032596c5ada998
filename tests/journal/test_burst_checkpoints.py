"""A checkpoint is signed when a write burst ends (writes pause) or every N entries,
whichever first, so the newest entries are never long without one.

Needs real commits (the checkpoint follows the commit), hence transactional tests.
"""

from __future__ import annotations

import time

import pytest

from caseledger.cases.services import case_update
from caseledger.journal import bursts, checkpoints
from caseledger.journal.models import ChainHead
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on_writes(settings):
    settings.JOURNAL_CHECKPOINT_ON_WRITES = True
    settings.JOURNAL_CHECKPOINT_IDLE_SECONDS = 0.3
    settings.JOURNAL_CHECKPOINT_EVERY_ENTRIES = 1000
    bursts._bursts.pending = 0
    yield settings
    bursts._bursts.pending = 0


def _head() -> tuple[int, str]:
    return ChainHead.objects.values_list("seq", "hash").get(pk=1)


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_checkpoint_follows_a_burst_once_writes_pause(on_writes, people, customer):
    case = make_case(people.agent, customer)
    for priority in ("high", "urgent", "low"):
        case_update(actor=people.agent, case=case, data={"priority": priority})
    head = _head()

    def signed_head() -> bool:
        last = checkpoints.last_in_log()
        return last is not None and (last.seq, last.hash) == head

    assert _wait_for(signed_head), "no checkpoint of the head after the burst"
    signed = len(checkpoints.read_log().checkpoints)
    time.sleep(1.0)  # idle: nothing more to sign
    assert len(checkpoints.read_log().checkpoints) == signed


def test_a_long_burst_is_checkpointed_every_n_entries(on_writes, people, customer):
    on_writes.JOURNAL_CHECKPOINT_IDLE_SECONDS = 3600  # only the count can trigger one
    on_writes.JOURNAL_CHECKPOINT_EVERY_ENTRIES = 5
    case = make_case(people.agent, customer)
    before = len(checkpoints.read_log().checkpoints)
    for n in range(12):
        case_update(actor=people.agent, case=case, data={"subject": f"subject {n}"})
    signed = checkpoints.read_log().checkpoints
    assert len(signed) - before >= 2
    assert all(c.seq <= _head()[0] for c in signed)


def test_no_checkpoint_when_the_setting_is_off(settings, people, customer):
    settings.JOURNAL_CHECKPOINT_ON_WRITES = False
    make_case(people.agent, customer)
    time.sleep(0.5)
    assert checkpoints.read_log().checkpoints == []


def test_the_head_already_signed_is_not_signed_again(on_writes, people, customer):
    make_case(people.agent, customer)
    bursts.sign()
    count = len(checkpoints.read_log().checkpoints)
    bursts.sign()
    assert len(checkpoints.read_log().checkpoints) == count
