"""A restored copy verifies on its own: every backup carries the journal's public key (and
its fingerprint in the sealed manifest), never the private key, and `caseledger journal
verify` on the restored copy checks the signed checkpoints with the key that came with it,
while the live installation's signing key is out of reach. Tampering with the copy still
fails the verification."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connection

from tests.procs import REPO, caseledger, isolated_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SETUP = """
import django
django.setup()
from caseledger.accounts.services import department_create, user_create
from tests.factories import make_case, make_customer
sales = department_create(actor=None, code="sales", name="Sales")
agent = user_create(actor=None, username="alice", password="pw-long-enough-1", roles=["agent"], department=sales)
for _ in range(3):
    make_case(agent, make_customer(agent, sales))
"""

EXTRACT = """
import json, sys, django
django.setup()
from pathlib import Path
from caseledger.backup import tarball, crypto
from caseledger.backup.destinations import named
from caseledger.backup.restore import latest, manifest_of
dest, key = named("primary"), crypto.load_key(create=False)
snapshot = latest(dest)
manifest = manifest_of(dest, snapshot, key)
with dest.open_archive(snapshot) as stream:
    read = tarball.read(stream, manifest=manifest, key=key, extract_to=Path(sys.argv[1]))
print(json.dumps({"problems": read.problems, "manifest": manifest}))
"""

TAMPER = """
import django
django.setup()
from django.db import connection
from caseledger.journal import triggers
triggers.remove(connection)  # whoever holds the copy's files can
with connection.cursor() as cursor:
    cursor.execute("UPDATE journal_payload SET body = replace(body, 'Charged', 'Refunded') "
                   "WHERE body LIKE '%Charged%'")
    print(cursor.rowcount)
triggers.install(connection)
"""


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _python(env: dict[str, str], code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    return _ok(done).stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _private_key_needles(path: Path) -> list[bytes]:
    pem = path.read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
    return [pem, body, raw, base64.b64encode(raw), raw.hex().encode()]


def _drop(url: str) -> None:
    import psycopg

    s = connection.settings_dict
    dsn = (
        f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname=postgres"
    )
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_a_restored_copy_verifies_with_the_shipped_public_key_and_no_private_key(tmp_path):
    sqlite = connection.vendor == "sqlite"
    with isolated_env(tmp_path) as env:
        _ok(caseledger(env, "migrate", "-v0"))
        _python(env, SETUP)
        signed = json.loads(_ok(caseledger(env, "journal", "checkpoint", "--json")).stdout)
        _ok(caseledger(env, "backup", "run"))
        data_dir = Path(env["CASELEDGER_DATA_DIR"])
        live_key = data_dir / "keys" / "journal-ed25519.pem"

        extracted = tmp_path / "extracted"
        read = json.loads(_python(env, EXTRACT, str(extracted)))
        assert read["problems"] == []
        shipped = extracted / "checkpoints" / "journal-public-key.pem"
        public = serialization.load_pem_public_key(shipped.read_bytes())
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        import hashlib

        fingerprint = hashlib.sha256(raw).hexdigest()
        assert read["manifest"]["journal"]["public_key_sha256"] == fingerprint
        assert fingerprint.startswith(signed["key_id"])
        needles = _private_key_needles(live_key)
        leaked = [
            str(p)
            for p in extracted.rglob("*")
            if p.is_file() and any(n in p.read_bytes() for n in needles)
        ]
        assert leaked == []

        if sqlite:
            target = str(tmp_path / "restored")
            restored_env = {**env, "CASELEDGER_DATA_DIR": target}
        else:
            target = env["DATABASE_URL"] + "_restored"
            restored_env = {**env, "DATABASE_URL": target}
        try:
            out = json.loads(
                _ok(
                    caseledger(env, "restore", "--from", "primary", "--to", target, "--json")
                ).stdout
            )
            assert out["ok"], out["problems"]
            log = Path(out["files"]) / "checkpoints" / "checkpoints.jsonl"
            # The live installation's signing key is out of reach from here on.
            live_key.rename(tmp_path / "elsewhere.pem")
            restored_env["CASELEDGER_JOURNAL_KEY_FILE"] = str(tmp_path / "no-such-key.pem")
            verify = ["journal", "verify", "--json"] + (
                [] if sqlite else ["--checkpoint-log", str(log)]
            )
            done = caseledger(restored_env, *verify)
            assert done.returncode == 0, done.stdout + done.stderr
            report = json.loads(done.stdout)
            assert report["ok"] and report["checkpoints_checked"] >= 1
            assert list(report["public_keys"]) == [fingerprint]
            assert not (tmp_path / "no-such-key.pem").exists()  # nothing was made up either

            # A tampered restored copy fails, with the same shipped key.
            assert int(_python(restored_env, TAMPER)) > 0
            done = caseledger(restored_env, *verify)
            assert done.returncode != 0, done.stdout
            assert "payload" in done.stdout + done.stderr

            # So does a checkpoint log whose signed hash was altered.
            lines = log.read_text().splitlines()
            entry = json.loads(lines[-1])
            entry["hash"] = "0" * 64
            log.write_text("\n".join([*lines[:-1], json.dumps(entry)]) + "\n")
            done = caseledger(restored_env, *verify)
            assert done.returncode != 0 and "signature" in done.stdout + done.stderr
        finally:
            if not sqlite:
                _drop(target)
