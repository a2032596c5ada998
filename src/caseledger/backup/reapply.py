"""Run reapply_dispositions in a restored copy, from a process pointed at it (the restored
database is not this process's database), with the live data directory's certificates.

Part of restoring (it was disposition/reapply.py, which reached up into backup's private
helpers): backup stands above disposition, so it reads disposition's certificate folder and
runs `caseledger disposition reapply` by name (ADR 0010)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from caseledger.disposition import certificates


def after_restore(restored: Any, to: str) -> dict[str, Any]:
    from caseledger.backup import tarball
    from caseledger.backup.restore import is_postgres, probe_env

    folder = certificates.directory()
    if not folder.is_dir() or not any(folder.glob("DC-*.json")):
        return {"certificates": 0}
    data_dir = Path(restored.files_dir)
    if is_postgres(to):
        database_url: str | None = to
    else:
        db_path = Path(restored.target)
        database_url = (
            None if db_path == data_dir / "caseledger.sqlite3" else f"sqlite:///{db_path}"
        )
    env = probe_env(
        data_dir=data_dir, database_url=database_url, log=data_dir / tarball.CHECKPOINT_LOG
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "caseledger",
            "disposition",
            "reapply",
            "--from",
            str(folder),
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or [_("no output")])[-1]
        raise RuntimeError(
            _("re-applying dispositions to the restored copy failed: %(said)s") % {"said": tail}
        )
    return json.loads(done.stdout)
