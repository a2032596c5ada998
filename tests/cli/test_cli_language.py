"""A Chinese operator reads the command line in Chinese (issue 11): `--lang`, then
CASELEDGER_LANGUAGE, then the terminal's locale, then the installation's language."""

from __future__ import annotations

import re

import pytest
from django.core.management.base import CommandError
from django.test import override_settings

from caseledger.core.cli_language import cli_language
from tests.cli.helpers import run
from tests.procs import caseledger, isolated_env

_CJK = re.compile(r"[\u3400-\u9fff]")
_ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")


@pytest.mark.parametrize(
    ("given", "environ", "expected"),
    [
        ("zh-Hans", {"CASELEDGER_LANGUAGE": "en", "LANG": "en_US.UTF-8"}, "zh-hans"),
        ("en", {"LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"CASELEDGER_LANGUAGE": "zh-hans", "LANG": "en_US.UTF-8"}, "zh-hans"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        (None, {"LANGUAGE": "zh_TW:en_US", "LANG": "en_US.UTF-8"}, "zh-hans"),
        (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LANG": "C.UTF-8"}, "zh-hans"),  # C says nothing: the installation's default
        (None, {}, "zh-hans"),
    ],
)
def test_an_operator_language_is_chosen_from_option_setting_locale_then_default(
    given, environ, expected
):
    with override_settings(LANGUAGE_CODE="zh-hans", CLI_LANGUAGE_FROM_LOCALE=True):
        assert cli_language(given, environ) == expected


@pytest.mark.django_db
def test_an_operator_asking_for_an_unknown_case_in_chinese_reads_chinese():
    with pytest.raises(CommandError) as caught:
        run("journal", "show", "case:987654", "--lang", "zh-Hans")

    message = str(caught.value)
    assert "案件 987654 不存在" in message
    assert not _ENGLISH_RUN.search(message)


@pytest.mark.django_db
def test_the_same_refusal_in_english_stays_english():
    with pytest.raises(CommandError, match="case 987654 does not exist"):
        run("journal", "show", "case:987654", "--lang", "en")


@pytest.mark.django_db
def test_a_verb_takes_the_language_before_or_after_it(people):
    with pytest.raises(CommandError, match="令牌 424242 不存在"):
        run("token", "--lang", "zh-hans", "revoke", "424242", "--reason", "r")
    with pytest.raises(CommandError, match="“tomorrow”不是日期"):
        run(
            "token",
            "create",
            "--user",
            people.admin.username,
            "--scopes",
            "cases:read",
            "--expires",
            "tomorrow",
            "--lang",
            "zh-hans",
        )


@pytest.mark.django_db
def test_a_chinese_terminal_gets_the_command_line_refusal_in_chinese(tmp_path):
    with isolated_env(tmp_path) as env:
        env.pop("CASELEDGER_LANGUAGE", None)
        env.update({"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": ""})
        chinese = caseledger(env, "serve", "--port", "70000")
        english = caseledger(env, "serve", "--port", "70000", "--lang", "en")

    assert chinese.returncode != 0
    assert "70000 不是端口号（1-65535）" in chinese.stderr, chinese.stderr
    assert "70000 is not a port number (1-65535)" in english.stderr, english.stderr


@pytest.mark.django_db
def test_a_chinese_operator_reads_the_journal_verification_and_history_in_chinese(case):
    run("journal", "checkpoint")

    verified = run("journal", "verify", "--records", "--lang", "zh-hans")
    history = run("journal", "show", f"case:{case.pk}", "--lang", "zh-hans")

    assert verified.out.startswith("日志完好：")
    assert "记录完好：" in verified.out and "件案件" in verified.out
    assert f"case:{case.pk} 的日志条目共" in history.out
    assert "由 " in history.out.splitlines()[2]  # "by … via …": the values below are the record's
    assert not _ENGLISH_RUN.search(verified.out), verified.out


@pytest.mark.django_db
def test_a_chinese_operator_reads_the_health_report_and_its_failure_in_chinese():
    from caseledger.core.services import heartbeat_beat
    from caseledger.journal.services import checkpoint_create

    with pytest.raises(CommandError, match="状态异常：worker, checkpoint"):
        run("status", "--lang", "zh-hans")
    heartbeat_beat(name="worker")
    checkpoint_create()

    healthy = run("status", "--lang", "zh-hans").out

    assert healthy.startswith("caseledger 运行正常")
    assert "正常" in healthy.splitlines()[1]


QUIET_COMMANDS = [
    ("search", "status"),
    ("insights", "status"),
    ("clocks", "sweep"),
    ("retention", "schedules"),
    ("retention", "plan"),
    ("disposition", "list"),
    ("keys", "status"),
    ("hold", "list"),
    ("calendar", "list"),
    ("mail", "quarantine"),
    ("mail", "fetch"),
    ("lockout", "list"),
    ("disposition", "certificate"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("command", QUIET_COMMANDS, ids=" ".join)
def test_every_everyday_command_answers_a_chinese_operator_in_chinese(command):
    out = run(*command, "--lang", "zh-hans").out

    assert _CJK.search(out), out
