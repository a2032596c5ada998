"""A backup carries the archive's segments and manifests; a restore puts them back, and the
restored copy's `archive verify` and `archive show` work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection

from tests.archive.test_crash import FUTURE, _ok
from tests.procs import caseledger, isolated_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_segments_travel_with_the_backup(tmp_path):
    with isolated_env(tmp_path) as env:
        _ok(caseledger(env, "migrate", "-v0"))
        _ok(caseledger(env, "demo", "--cases", "30", "--seed", "4"))
        run = json.loads(_ok(caseledger(env, "archive", "run", "--on", FUTURE, "--json")).stdout)
        assert run["archived"] > 0
        live_store = Path(env["CASELEDGER_DATA_DIR"]) / "archive"
        names = sorted(p.name for p in live_store.iterdir() if not p.name.startswith("."))
        live = json.loads(_ok(caseledger(env, "archive", "verify", "--json")).stdout)
        _ok(caseledger(env, "backup", "run"))
        target = (
            f"{env['DATABASE_URL']}_restored"
            if "DATABASE_URL" in env
            else str(tmp_path / "restored")
        )
        try:
            summary = json.loads(
                _ok(
                    caseledger(env, "restore", "--from", "primary", "--to", target, "--json")
                ).stdout
            )
            assert summary["ok"], summary["problems"]
            restored_store = Path(summary["files"]) / "archive"
            assert sorted(p.name for p in restored_store.iterdir()) == names
            check = {**env, "CASELEDGER_ARCHIVE_DIR": str(restored_store)}
            if "DATABASE_URL" in env:
                check["DATABASE_URL"] = target
            else:
                check["CASELEDGER_DATA_DIR"] = target
            verified = json.loads(_ok(caseledger(check, "archive", "verify", "--json")).stdout)
            assert verified["ok"] and verified["records"] == live["records"] >= run["archived"]
        finally:
            if connection.vendor == "postgresql":
                import psycopg

                base, name = target.rsplit("/", 1)
                with psycopg.connect(base + "/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
