"""`caseledger journal verify | show | checkpoint`."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from caseledger.cases.services import case_update
from caseledger.core import clock
from caseledger.journal import checkpoints, triggers
from tests.cli.helpers import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def tampered(people):
    """An attacker with database access drops the triggers and edits entry #3."""
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE journal_entry SET reason = 'nothing to see' WHERE seq = 3")
        yield 3
    finally:
        triggers.install(connection)


def test_verify_passes_on_a_good_chain_with_a_checkpoint(case):
    run("journal", "checkpoint")

    result = run("journal", "verify")
    report = run("journal", "verify", "--json").json()

    assert result.out.startswith("Journal OK: ")
    assert "1 signed checkpoints agree" in result.out
    assert report["ok"] is True and report["problems"] == []
    assert report["entries"] == report["head_seq"] > 9


def test_verify_exits_1_naming_the_first_bad_entry(tampered):
    with pytest.raises(CommandError, match="entry #3: edited") as raised:
        run("journal", "verify")

    assert raised.value.returncode == 1


def test_verify_json_reports_the_problem_and_still_fails(tampered):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("journal", "verify", "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert report["problems"][0] == {
        "seq": 3,
        "kind": "edited",
        "detail": "its contents do not match its hash",
        # the line as the operator reads it, in their language (English here)
        "shown": "entry #3: edited: its contents do not match its hash",
    }


def test_verify_catches_a_rewrite_with_an_extra_checkpoint_log(people, tmp_path):
    """A rewrite that recomputed the hashes passes the chain but not a copied checkpoint."""
    run("journal", "checkpoint")
    copy = tmp_path / "offsite.jsonl"
    copy.write_text(checkpoints.log_path().read_text())
    signed = checkpoints.read_log().checkpoints[0]
    forged = checkpoints.sign(signed.seq, "f" * 64)
    checkpoints.append_to_log(forged, copy)

    with pytest.raises(CommandError, match=f"entry #{signed.seq}: rewritten"):
        run("journal", "verify", "--checkpoint-log", str(copy))


def test_verify_refuses_a_missing_checkpoint_log(people, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("journal", "verify", "--checkpoint-log", str(tmp_path / "nope.jsonl"))


def test_show_prints_every_entry_with_its_diff(people, case):
    case_update(
        actor=people.agent,
        case=case,
        data={"subject": "Charged three times"},
        reason="customer called back",
    )

    text = run("journal", "show", case.reference).out
    same = run("journal", "show", f"case:{case.pk}").out
    data = run("journal", "show", f"case:{case.pk}", "--json").json()

    assert text == same
    assert "case.create" in text and "case.update" in text
    assert 'subject: "扣费两次 Charged twice" → "Charged three times"' in text
    assert "reason: customer called back" in text
    assert "by alice via" in text
    assert data["object"] == f"case:{case.pk}"
    assert data["entries"][-1]["changes"]["subject"] == [
        "扣费两次 Charged twice",
        "Charged three times",
    ]


def test_show_as_of_prints_the_state_at_that_time(people, case):
    before = clock.now()
    with clock.frozen(before + dt.timedelta(hours=1)):
        case_update(actor=people.agent, case=case, data={"subject": "Charged three times"})

    old = run("journal", "show", case.reference, "--as-of", before.isoformat()).out
    new = run(
        "journal",
        "show",
        case.reference,
        "--as-of",
        (before + dt.timedelta(hours=2)).isoformat(),
        "--json",
    ).json()

    assert '"扣费两次 Charged twice"' in old and "three" not in old
    assert new["state"]["subject"] == "Charged three times"


def test_show_as_of_before_the_record_existed_says_so(case):
    with pytest.raises(CommandError, match="no recorded state"):
        run("journal", "show", f"case:{case.pk}", "--as-of", "2001-01-01")


def test_show_customer_and_user(people, customer):
    assert "customer.create" in run("journal", "show", f"customer:{customer.pk}").out
    assert "user.create" in run("journal", "show", f"user:{people.agent.pk}").out


def test_show_as_a_user_follows_their_permissions(people, case):
    assert "case.create" in run("journal", "show", case.reference, "--as", "audrey").out

    with pytest.raises(CommandError, match="not visible to you"):
        run("journal", "show", case.reference, "--as", "oscar")
    with pytest.raises(CommandError, match="do not allow you to read the journal"):
        run("journal", "show", f"user:{people.admin.pk}", "--as", "alice")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CL-1999-000404", "case CL-1999-000404 does not exist"),
        ("case:404", "case 404 does not exist"),
        ("12", "is not a record"),
        ("user:4040", "no entries for user:4040"),
    ],
)
def test_show_names_what_it_cannot_find(people, text, message):
    with pytest.raises(CommandError, match=message):
        run("journal", "show", text)


def test_show_rejects_a_bad_time(case):
    with pytest.raises(CommandError, match="not a date or time"):
        run("journal", "show", case.reference, "--as-of", "yesterday")


def test_checkpoint_signs_the_head_and_appends_to_the_log(people):
    data = run("journal", "checkpoint", "--json").json()

    [logged] = checkpoints.read_log().checkpoints
    assert (logged.seq, logged.hash) == (data["seq"], data["hash"])
    assert data["seq"] > 0
    assert checkpoints.signature_valid(logged, checkpoints.public_key())


def test_checkpoint_as_a_user_without_the_permission_is_refused(people):
    with pytest.raises(CommandError, match="do not allow you to sign journal checkpoints"):
        run("journal", "checkpoint", "--as", "alice")
    assert checkpoints.read_log().checkpoints == []
