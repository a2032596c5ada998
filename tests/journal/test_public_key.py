"""Verification needs only the public key: the file beside the checkpoint log, else the one
derived from the private signing key; a public key that is not the signing key's is
refused; the private key is never written beside the log."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from caseledger.journal import checkpoints
from caseledger.journal.services import checkpoint_create
from caseledger.journal.verify import verify_chain


def test_a_checkpoint_writes_the_public_key_beside_the_log(people, case, settings):
    signed = checkpoint_create(actor=None)
    beside = Path(settings.JOURNAL_CHECKPOINT_LOG).parent / "journal-public-key.pem"
    assert beside.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert b"PRIVATE" not in beside.read_bytes()
    found = checkpoints.load_public_key()
    assert found.source == str(beside) and found.fingerprint.startswith(signed.key_id)


def test_verify_without_the_private_key_uses_the_public_key_beside_the_log(
    people, case, settings, tmp_path
):
    checkpoint_create(actor=None)
    Path(settings.JOURNAL_SIGNING_KEY_FILE).rename(tmp_path / "away.pem")
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checkpoints_checked == 1
    assert list(report.public_keys.values()) == [
        str(Path(settings.JOURNAL_CHECKPOINT_LOG).parent / "journal-public-key.pem")
    ]


def test_without_the_public_key_file_it_is_derived_from_the_private_key(people, case, settings):
    checkpoint_create(actor=None)
    (Path(settings.JOURNAL_CHECKPOINT_LOG).parent / "journal-public-key.pem").unlink()
    report = verify_chain()
    assert report.ok, report.problems
    assert list(report.public_keys.values()) == [
        f"derived from {settings.JOURNAL_SIGNING_KEY_FILE}"
    ]


def test_a_public_key_that_is_not_the_signing_keys_is_refused(people, case, settings):
    checkpoint_create(actor=None)
    beside = Path(settings.JOURNAL_CHECKPOINT_LOG).parent / "journal-public-key.pem"
    checkpoints.write_public_key(Ed25519PrivateKey.generate().public_key(), beside)
    report = verify_chain()
    assert not report.ok
    assert report.problems[0].kind == "signature"
    assert "not this installation's signing key" in report.problems[0].detail


def test_with_neither_key_a_signed_log_cannot_be_checked(people, case, settings, tmp_path):
    checkpoint_create(actor=None)
    (Path(settings.JOURNAL_CHECKPOINT_LOG).parent / "journal-public-key.pem").unlink()
    Path(settings.JOURNAL_SIGNING_KEY_FILE).rename(tmp_path / "away.pem")
    report = verify_chain()
    assert [p.kind for p in report.problems] == ["signature"]
    assert "journal public key not found" in report.problems[0].detail
