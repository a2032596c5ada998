"""A Chinese operator reads the refusals of the command line, backups, the archive store,
the vault's keys and mail imports in Chinese, whole (issue 11): each is raised through
gettext while the operator's language is active, so it is translated where it is made."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

_CJK = re.compile(r"[\u3400-\u9fff]")
# Three English words in a row: a sentence left untranslated (paths, codes and option
# names the message quotes are single words).
_ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")


class _EmptyStore:
    def get(self, name: str) -> bytes:
        return b"not json"


def _calls(tmp_path: Path) -> dict[str, tuple[Callable[[], object], str]]:
    """Where → (a call that refuses, a piece of the Chinese it must say)."""
    from caseledger.archive import segments
    from caseledger.archive.store import DirectoryStore
    from caseledger.backup import crypto, destinations, replication
    from caseledger.cli import lookups, ports
    from caseledger.intake.mail.imports import messages_in
    from caseledger.vault import crypto as vault_crypto
    from caseledger.vault import keys

    def backup_dirs_without_equals():
        with override_settings(BACKUP_DIRS="nowhere"):
            destinations.configured()

    return {
        "cli.lookups.day": (lambda: lookups.day_named("31/02"), "“31/02”不是日期"),
        "cli.lookups.record": (lambda: lookups.record_ref("nothing"), "不是记录"),
        "cli.ports": (lambda: ports.ensure_free("127.0.0.1", 70000), "不是端口号"),
        "backup.crypto.key": (
            lambda: crypto._decode_key("!!", "CASELEDGER_BACKUP_KEY"),
            "不是 base64",
        ),
        "backup.crypto.header": (
            lambda: crypto.DecryptingReader(io.BytesIO(b"x" * 64), b"k" * 32, "db.tar.zst.enc"),
            "不是 caseledger 备份文件",
        ),
        "backup.destinations": (backup_dirs_without_equals, "不是 名称=目录 的形式"),
        "backup.replication.at": (lambda: replication.parse_at("yesterday"), "不是 ISO 8601 时间"),
        "backup.replication.zone": (lambda: replication.parse_at("2026-03-01T12:00"), "没有时区"),
        "archive.store": (lambda: DirectoryStore(tmp_path).get("seg-1.zst"), "归档存储中缺少"),
        "archive.segments": (
            lambda: segments.read_manifest(_EmptyStore(), "seg-1"),
            "清单不是 JSON",
        ),
        "vault.keys.json": (lambda: keys.parse("{", "keys.json"), "不是含 active"),
        "vault.crypto.value": (
            lambda: vault_crypto.decrypt("plain", record="customer", field="name", owner="c1"),
            "不是保险库中的值",
        ),
        "vault.crypto.truncated": (
            lambda: vault_crypto.decrypt(
                f"{vault_crypto.VERSION}:k1:abcd", record="customer", field="name", owner="c1"
            ),
            "被截断",
        ),
        "mail.imports": (
            lambda: list(messages_in(tmp_path / "missing")),
            "不是文件、mbox 或 Maildir",
        ),
    }


CALLS = sorted(_calls(Path("/")).keys())


@pytest.mark.parametrize("where", CALLS)
def test_an_operator_reading_chinese_meets_each_refusal_in_chinese(where, tmp_path):
    call, expected = _calls(tmp_path)[where]
    with translation.override("zh-hans"), pytest.raises(Exception) as caught:
        call()
    message = str(getattr(caught.value, "message", caught.value))

    assert expected in message, message
    assert _CJK.search(message)
    assert not _ENGLISH_RUN.search(message), message


def test_the_same_refusal_reads_english_for_an_english_operator(tmp_path):
    from caseledger.cli import ports

    with translation.override("en"), pytest.raises(Exception, match="is not a port number"):
        ports.ensure_free("127.0.0.1", 70000)
