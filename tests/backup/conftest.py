"""Backups under test: destinations in the test's own directory, and a real S3 API (moto's
standalone server, a child process on a loopback port) for the object-storage destination."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

MOTO = Path(sys.executable).with_name("moto_server")
S3_KEYS = {"access_key_id": "testing", "secret_access_key": "testing"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    port = _free_port()
    proc = subprocess.Popen(
        [str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.1)
    yield url
    proc.kill()
    proc.wait(timeout=10)


def make_bucket(endpoint: str) -> str:
    import secrets

    import boto3

    name = f"cl-{secrets.token_hex(4)}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=name)
    return name


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    return {
        "CASELEDGER_BACKUP_S3_BUCKET": bucket,
        "CASELEDGER_BACKUP_S3_ENDPOINT_URL": endpoint,
        "CASELEDGER_BACKUP_S3_ACCESS_KEY_ID": "testing",
        "CASELEDGER_BACKUP_S3_SECRET_ACCESS_KEY": "testing",
    }


@pytest.fixture
def backups(settings, tmp_path, s3_endpoint):
    """Two directory destinations and an S3 bucket, all in this test's own space."""
    settings.DATA_DIR = tmp_path / "data"
    settings.BACKUP_DIRS = (
        f"primary={tmp_path / 'dest' / 'primary'},secondary={tmp_path / 'dest' / 'secondary'}"
    )
    settings.BACKUP_KEY = None
    settings.BACKUP_KEY_FILE = tmp_path / "keys" / "backup.key"
    settings.BACKUP_S3 = {
        "bucket": make_bucket(s3_endpoint),
        "prefix": "caseledger/",
        "endpoint_url": s3_endpoint,
        "region": "us-east-1",
        **S3_KEYS,
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return tmp_path / "dest"


def immutable(path: Path) -> bool:
    """Make a directory refuse writes, even to root (chattr +i); False when impossible."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        path.chmod(0o555)
        return True
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    return done.returncode == 0


def mutable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
    else:
        path.chmod(0o755)
