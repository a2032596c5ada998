"""`caseledger serve` spreads keep-alive connections over its workers (cli/balance.py)."""

from __future__ import annotations

import http.client
import os
import re
import time
from pathlib import Path

import pytest

from tests.procs import caseledger, isolated_env, served

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux /proc")


def _workers(master: int) -> list[int]:
    found: list[int] = []
    for task in os.listdir(f"/proc/{master}/task"):
        with open(f"/proc/{master}/task/{task}/children") as f:
            found += [int(pid) for pid in f.read().split()]
    return found


def _connections_per_worker(master: int, port: int) -> list[int]:
    """How many established connections to `port` each worker process holds, sorted."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    established.add(fields[9])  # the socket's inode
    held = []
    for worker in _workers(master):
        n = 0
        for fd in os.listdir(f"/proc/{worker}/fd"):
            try:
                target = os.readlink(f"/proc/{worker}/fd/{fd}")
            except OSError:
                continue
            inode = re.fullmatch(r"socket:\[(\d+)\]", target)
            n += bool(inode and inode.group(1) in established)
        held.append(n)
    return sorted(held)


def test_four_keep_alive_clients_end_up_two_on_each_of_two_workers(tmp_path):
    # Without balancing the split stays as the accept race left it (4/0 one time in eight,
    # 3/1 one time in two) for as long as the clients keep their connections.
    with isolated_env(tmp_path) as env:
        assert caseledger(env, "migrate", "-v0").returncode == 0
        with served(env, "--workers", "2", "--threads", "4") as (server, port):
            deadline = time.monotonic() + 60
            while len(_workers(server.pid)) < 2:
                assert time.monotonic() < deadline
                time.sleep(0.2)
            for _trial in range(3):
                clients = [
                    http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in "abcd"
                ]
                deadline = time.monotonic() + 10
                split: list[int] = []
                while split != [2, 2] and time.monotonic() < deadline:
                    for client in clients:
                        client.request("GET", "/healthz")
                        response = client.getresponse()
                        response.read()
                        assert response.status in (200, 503)  # 503: no job worker heartbeat
                    split = _connections_per_worker(server.pid, port)
                assert split == [2, 2]
                for client in clients:
                    client.close()
                time.sleep(0.3)
