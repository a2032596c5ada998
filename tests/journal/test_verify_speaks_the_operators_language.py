"""`journal verify` names what is wrong in the operator's language (issue 11 item 11): the
problems are found in English (worker processes know no language) and said in zh-Hans where
the report is printed; `--json` keeps its English fields for scripts."""

from __future__ import annotations

import io
import json
import pickle

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from caseledger.cases.services import case_update
from caseledger.journal.verify import verify_chain
from tests.factories import make_case
from tests.journal.tamper import sql, triggers_dropped


@pytest.fixture
def tampered(people, customer):
    """A case with some history, and entry #3's reason changed behind the journal's back."""
    case = make_case(people.agent, customer)
    case_update(actor=people.agent, case=case, data={"priority": "urgent"})
    with triggers_dropped():
        sql("UPDATE journal_entry SET reason = 'nothing to see' WHERE seq = 3")
    return case


def _verify(*args: str) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("journal", "verify", *args, stdout=out, stderr=io.StringIO())
    assert caught.value.returncode == 1
    return out.getvalue(), str(caught.value)


def test_a_chinese_operator_reads_a_tampered_entry_named_in_chinese(tampered):
    out, failure = _verify("--lang", "zh-Hans")

    assert "条目 #3：被改动：内容与其哈希不符" in out
    assert "条目 #3：被改动：内容与其哈希不符" in failure
    assert "its contents do not match its hash" not in out + failure


def test_an_english_operator_reads_the_same_problem_in_english_as_before(tampered):
    out, failure = _verify("--lang", "en")

    assert "entry #3: edited: its contents do not match its hash" in out
    assert "entry #3: edited: its contents do not match its hash" in failure


def test_the_json_report_keeps_its_english_fields_in_chinese_too(tampered):
    out, _ = _verify("--lang", "zh-Hans", "--json")

    first = json.loads(out)["problems"][0]
    assert (first["seq"], first["kind"]) == (3, "edited")
    assert first["detail"] == "its contents do not match its hash"
    assert first["shown"] == "条目 #3：被改动：内容与其哈希不符"


def test_a_row_changed_in_the_database_is_named_in_chinese(people, customer):
    case = make_case(people.agent, customer)
    sql("UPDATE cases_case SET subject = 'x' WHERE id = %s", [case.pk])

    out, failure = _verify("--records", "--lang", "zh-Hans")

    assert f"case:{case.pk}（{case.reference}）：不一致：以下字段不一致：subject" in out
    assert f"case:{case.pk}" in failure and "differs in" not in failure


def test_a_problem_found_in_a_worker_process_is_said_in_the_language_of_the_report(tampered):
    # The parallel walk sends its problems through a pipe: they travel as English and codes.
    found = pickle.loads(pickle.dumps(verify_chain().first_problem))  # noqa: S301 (our own)

    assert str(found) == "entry #3: edited: its contents do not match its hash"
    with translation.override("zh-hans"):
        assert found.shown() == "条目 #3：被改动：内容与其哈希不符"
    with translation.override("en"):
        assert found.shown() == str(found)
