"""What `caseledger serve` answers to a request gunicorn refuses before Django sees it: a
page in both languages naming the problem (cli/http_refusals.py), not gunicorn's bare
English one; and an address up to gunicorn's maximum reaches Django's own pages."""

from __future__ import annotations

import http.client
import socket

from tests.procs import caseledger, isolated_env, served


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], str]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body.decode()


def test_over_long_addresses_and_headers_get_a_clear_page_and_long_ones_reach_django(tmp_path):
    with isolated_env(tmp_path) as env:
        assert caseledger(env, "migrate", "-v0").returncode == 0
        with served(env, "--workers", "1", "--threads", "2") as (_server, port):
            status, headers, body = _raw(
                port,
                b"GET /api/v1/cases?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
            )
            assert status == 414
            assert headers["X-Caseledger-Refusal"] == "uri_too_long"
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert "地址太长" in body and "The address is too long" in body
            assert "Request Line is too large" not in body  # not gunicorn's own text

            status, headers, body = _raw(
                port,
                b"GET / HTTP/1.1\r\nHost: localhost\r\nCookie: " + b"a" * 9000 + b"\r\n\r\n",
            )
            assert status == 431 and headers["X-Caseledger-Refusal"] == "headers_too_large"
            assert "Cookie" in body and "请求头太大" in body

            status, headers, body = _raw(port, b"NOT HTTP AT ALL\r\n\r\n")
            assert status == 400 and "无法识别的请求" in body

            # 6000 bytes: gunicorn's default limit (4094) refused it; now Django answers,
            # with the API's JSON for an API address.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/v1/cases?q=" + "x" * 6000)
            answer = conn.getresponse()
            assert answer.status == 401
            assert answer.getheader("Content-Type", "").startswith("application/json")
            answer.read()
            conn.close()
