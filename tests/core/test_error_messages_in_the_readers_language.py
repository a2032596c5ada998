"""A service error reaches a reader in their language (issue 11 item 11): a message raised
as a catalogue msgid is translated where it is rendered; one raised in English without a
translation is led by what that kind of refusal means, in the reader's language."""

from __future__ import annotations

from django.utils import translation

from caseledger.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


def test_a_catalogued_message_is_translated_where_it_is_shown():
    error = ValidationFailed("is required", field="subject", code="required")
    with translation.override("zh-hans"):
        assert error.shown() == "必填"
        assert error.as_dict()["message"] == error.shown()
    with translation.override("en"):
        assert error.shown() == "is required"


def test_an_english_only_message_is_led_by_its_meaning_in_chinese():
    with translation.override("zh-hans"):
        missing = NotFound("case 999 does not exist", field="case").shown()
        refused = PermissionDenied("only the archive worker may purge").shown()
        busy = Conflict("batch 3 is executing", code="executing").shown()
    assert missing == "该记录不存在，或您无权查看。（case 999 does not exist）"
    assert refused.startswith("您无权执行此操作。")
    assert busy.startswith("记录当前的状态不允许此操作。")


def test_a_message_already_in_chinese_or_read_in_english_is_left_as_it_is():
    with translation.override("zh-hans"):
        assert NotFound("案件 999 不存在").shown() == "案件 999 不存在"
    with translation.override("en"):
        assert NotFound("case 999 does not exist").shown() == "case 999 does not exist"


def test_a_code_inside_a_message_reads_as_its_label_for_a_chinese_reader():
    from caseledger.core.errors import value_word
    from caseledger.disposition.models import BatchAction

    with translation.override("zh-hans"):
        assert value_word(BatchAction, "anonymize") == "匿名化"
        assert value_word(BatchAction, "shred") == "shred"  # no code of the class: as given
    with translation.override("en"):
        assert value_word(BatchAction, "anonymize") == "anonymize"
