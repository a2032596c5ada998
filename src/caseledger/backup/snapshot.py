"""A consistent copy of the live database, with the journal head and row counts it holds.

Dangerous module: a copy taken across a moving database would restore to a state that never
existed. Guarantees: SQLite copies with `VACUUM INTO` (one read transaction); PostgreSQL
exports a snapshot from a REPEATABLE READ transaction and both reads the head and counts in
it and hands it to `pg_dump --snapshot`, so the dump, the head and the counts are of one
moment.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils.translation import gettext as _

from caseledger.journal.models import GENESIS_HASH


@dataclass(frozen=True)
class DatabaseCopy:
    path: Path
    name: str  # inside the archive
    engine: str
    head_seq: int
    head_hash: str
    counts: dict[str, int]


def record_tables() -> list[str]:
    """Every table of caseledger's own models: what a restore must give back."""
    return sorted(
        {
            m._meta.db_table
            for m in apps.get_models()
            if m.__module__.startswith("caseledger.") and m._meta.managed
        }
    )


def take(directory: Path) -> DatabaseCopy:
    if connection.vendor == "sqlite":
        return _sqlite(directory)
    if connection.vendor == "postgresql":
        return _postgresql(directory)
    raise RuntimeError(
        _("backups do not support the %(engine)s engine") % {"engine": connection.vendor}
    )


def _sqlite(directory: Path) -> DatabaseCopy:
    path = directory / "caseledger.sqlite3"
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    with sqlite3.connect(path) as copy:
        head = copy.execute("SELECT seq, hash FROM journal_chainhead WHERE id = 1").fetchone()
        counts = {
            t: copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in record_tables()
        }
    copy.close()
    seq, head_hash = head if head else (0, GENESIS_HASH)
    return DatabaseCopy(path, "database/caseledger.sqlite3", "sqlite", seq, head_hash, counts)


def pg_params(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Command-line connection arguments and environment for pg_dump/pg_restore/psql."""
    args = [
        "-h",
        str(settings_dict.get("HOST") or "127.0.0.1"),
        "-p",
        str(settings_dict.get("PORT") or 5432),
        "-U",
        str(settings_dict.get("USER") or "postgres"),
    ]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def pg_connect(settings_dict: dict[str, Any], dbname: str | None = None, **kwargs: Any) -> Any:
    import psycopg

    return psycopg.connect(
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or "postgres",
        password=settings_dict.get("PASSWORD") or None,
        dbname=dbname or settings_dict["NAME"],
        **kwargs,
    )


def _postgresql(directory: Path) -> DatabaseCopy:
    path = directory / "caseledger.dump"
    settings_dict = connection.settings_dict
    with pg_connect(settings_dict) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot_name = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        head = conn.execute("SELECT seq, hash FROM journal_chainhead WHERE id = 1").fetchone()
        counts = {
            t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in record_tables()
        }
        args, env = pg_params(settings_dict)
        done = subprocess.run(
            [
                "pg_dump",
                *args,
                "-Fc",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_name}",
                "-f",
                str(path),
                settings_dict["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        conn.rollback()
    if done.returncode != 0:
        raise RuntimeError(_("pg_dump failed: %(said)s") % {"said": done.stderr.strip()})
    seq, head_hash = head if head else (0, GENESIS_HASH)
    return DatabaseCopy(path, "database/caseledger.dump", "postgresql", seq, head_hash, counts)
