"""One S3 client recipe (retries, timeouts, credentials) for every app that stores objects:
backup destinations and cold archive segments. In core so archive, which stands below
backup, need not borrow backup's client (docs/architecture.md, floors)."""

from __future__ import annotations

from typing import Any


def s3_client(options: dict[str, Any]) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=options.get("endpoint_url") or None,
        region_name=options.get("region") or None,
        aws_access_key_id=options.get("access_key_id") or None,
        aws_secret_access_key=options.get("secret_access_key") or None,
        config=Config(
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
        ),
    )
