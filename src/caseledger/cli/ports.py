"""Is a port free to listen on? Asked before starting anything, for a clear error."""

from __future__ import annotations

import errno
import socket

from django.utils.translation import gettext as _

from caseledger.core.errors import Conflict, ValidationFailed


def ensure_free(host: str, port: int) -> None:
    if not 0 < port < 65536:
        raise ValidationFailed(
            _("%(port)s is not a port number (1-65535)") % {"port": port}, field="port"
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise Conflict(
                    _(
                        "port %(port)s on %(host)s is already in use: stop what runs "
                        "there or pick another with --port"
                    )
                    % {"port": port, "host": host},
                    field="port",
                ) from exc
            raise ValidationFailed(
                _("cannot listen on %(host)s:%(port)s: %(reason)s")
                % {"host": host, "port": port, "reason": exc.strerror},
                field="host",
            ) from exc


def display_host(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(  # noqa: S104
        host, f"[{host}]" if ":" in host else host
    )
