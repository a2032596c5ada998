"""An attacker with the database and the data directory (not the signing key) rewrites
history with every hash recomputed, or cuts the newest entries, then empties every
checkpoint log within reach (by default the log and both backup destinations sit in the
data directory) and waits for the worker to sign the forged head. The signer remembers the
newest checkpoint it signed beside its key (journal/witness.py): it refuses to sign, and
`journal verify` names the entry.

Runs on whichever engine the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import pytest

from caseledger.cases.services import case_update
from caseledger.core.errors import Conflict
from caseledger.journal import checkpoints, witness
from caseledger.journal.services import checkpoint_create
from caseledger.journal.verify import verify_chain
from tests.factories import make_case
from tests.journal.tamper import rechain_from, sql, triggers_dropped


@pytest.fixture
def signed(people, customer):
    """A journal with a checkpoint of its head, and the case it is about."""
    case = make_case(people.agent, customer)
    case_update(actor=people.agent, case=case, data={"priority": "high"})
    checkpoint_create()
    return sql("SELECT MAX(seq) FROM journal_entry")[0][0], case


def _empty_every_log(settings) -> None:
    settings.JOURNAL_CHECKPOINT_LOG.write_text("")


def test_the_signer_remembers_each_checkpoint_it_signs(signed, people):
    head, case = signed
    assert witness.last().seq == head
    case_update(actor=people.agent, case=case, data={"priority": "low"})
    checkpoint_create()
    assert witness.last().seq == head + 1
    assert verify_chain().ok


def test_a_rewrite_hidden_by_emptying_the_logs_is_refused_by_the_signer(signed, settings):
    head, _case = signed
    with triggers_dropped():
        sql("UPDATE journal_entry SET reason = 'rewritten' WHERE seq = 2")
        rechain_from(2)
    _empty_every_log(settings)

    with pytest.raises(Conflict, match=f"entry #{head} no longer has the hash"):
        checkpoint_create()
    assert checkpoints.read_log().checkpoints == []  # nothing signed for the forgery
    report = verify_chain()
    assert (report.first_problem.seq, report.first_problem.kind) == (head, "rewritten")
    assert "history up to there was rewritten" in report.first_problem.detail


def test_a_cut_tail_hidden_by_emptying_the_logs_is_refused_and_named(signed, settings):
    head, _case = signed
    with triggers_dropped():
        sql("DELETE FROM journal_payload WHERE entry_id >= %s", [head - 1])
        sql("DELETE FROM journal_entry WHERE seq >= %s", [head - 1])
        rechain_from(head - 2)
    _empty_every_log(settings)

    with pytest.raises(Conflict, match=f"signer last signed entry #{head}"):
        checkpoint_create()
    report = verify_chain()
    assert report.first_problem.kind == "truncated"
    assert f"the journal ends at #{head - 2}" in report.first_problem.detail


def test_a_restore_record_resets_the_signers_memory(signed):
    head, _case = signed
    with triggers_dropped():  # as a restore from an older backup leaves the journal
        sql("DELETE FROM journal_payload WHERE entry_id = %s", [head])
        sql("DELETE FROM journal_entry WHERE seq = %s", [head])
        rechain_from(head - 1)
    restored_hash = sql("SELECT hash FROM journal_entry WHERE seq = %s", [head - 1])[0][0]
    checkpoints.sign(head - 1, restored_hash, restored="snap-1")
    assert witness.last().seq == head - 1
    checkpoint_create()  # the worker signs the restored head again
