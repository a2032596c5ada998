"""Structured logs through structlog. Values are logged by key; secrets are never passed in."""

from __future__ import annotations

import logging
from typing import Any

import structlog

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]

structlog.configure(
    processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)


def formatter(json: bool = True) -> logging.Formatter:
    """JSON lines in production; the console renderer (which prints tracebacks itself) with
    CASELEDGER_DEBUG. A JSON line carries a failure's traceback as text under `exception`:
    without `format_exc_info` the renderer wrote only the repr of the traceback object, so a
    500 in the server log named the error but not where it happened."""
    steps: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if json:
        steps += [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ]
    else:
        steps.append(structlog.dev.ConsoleRenderer(colors=False))
    return structlog.stdlib.ProcessorFormatter(processors=steps, foreign_pre_chain=_SHARED)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
