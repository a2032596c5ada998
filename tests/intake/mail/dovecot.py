"""A throwaway Dovecot IMAP server for the e-mail tests: its own config, mail and sockets
in a temp dir, plain IMAP on a free port of 127.0.0.1, one passwd-file user. Nothing
system-wide is read or changed; `make dovecot` installs the binary when it is missing."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BINARY_PATHS = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
USER = "support"
PASSWORD = "imap secret 密码"  # non-ASCII on purpose: the login must carry it whole


def binary() -> str | None:
    found = shutil.which("dovecot")
    if found:
        return found
    return next((p for p in BINARY_PATHS if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Dovecot:
    root: Path
    port: int
    process_pid: int
    user: str = USER
    password: str = PASSWORD

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 15)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and pid_file.exists():
                time.sleep(0.05)  # the master removes its pid file as it exits
        shutil.rmtree(self.root, ignore_errors=True)


def _owner() -> tuple[str, str, int, int]:
    """Who the server runs as: the current user; as root, Debian's dovecot users (Dovecot
    refuses mail access as UID 0)."""
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    internal = pwd.getpwnam("dovecot")
    return "dovecot", "dovenull", internal.pw_uid, internal.pw_gid


CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
mail_location = maildir:{root}/mail/%u
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def start(root: Path) -> Dovecot:
    exe = binary()
    if exe is None:
        raise FileNotFoundError("dovecot")
    internal, login, uid, gid = _owner()
    port = free_port()
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(root / sub, 0o755)  # noqa: S103 - Dovecot wants its base_dir world-readable
    os.chown(root / "mail", uid, gid)
    (root / "passwd").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/mail/{USER}::\n", encoding="utf-8"
    )
    os.chmod(root / "passwd", 0o644)  # the auth process runs as the internal user
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(root=root, port=port, internal=internal, login=login, uid=uid),
        encoding="utf-8",
    )
    # The master daemonizes; its children would hold captured pipes open, so no capture.
    with (root / "start.log").open("wb") as out:
        subprocess.run([exe, "-c", str(config)], check=True, stdout=out, stderr=out, timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    pid = int((root / "run" / "master.pid").read_text().split()[0])
                    return Dovecot(root=root, port=port, process_pid=pid)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not start: {(root / 'dovecot.log').read_text()[-2000:]}")
