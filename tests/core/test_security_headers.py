"""Headers and cookies: a Content-Security-Policy on every page, HSTS and Secure cookies over
HTTPS (directly or behind a trusted proxy), and templates that the policy lets through."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

import caseledger

TEMPLATES = Path(caseledger.__file__).parent


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def _sign_in(client: Client, password: str, *, secure: bool, **extra):
    return client.post(
        "/login/", {"username": "alice", "password": password}, secure=secure, **extra
    )


def test_every_kind_of_response_carries_a_policy_without_inline_script_or_style(people):
    client = Client()
    client.force_login(people.agent)
    for path in ("/login/", "/cases/", "/api/v1/docs", "/api/v1/openapi.json", "/healthz"):
        policy = _policy(client.get(path))
        assert policy["script-src"] == "'self'", path
        assert policy["style-src"] == "'self'", path
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert "unsafe" not in " ".join(policy.values())


def test_over_plain_http_there_is_no_hsts_and_cookies_are_not_marked_secure(people):
    client = Client()
    response = _sign_in(client, people.password, secure=False)
    assert response.status_code == 302
    assert "Strict-Transport-Security" not in response
    assert response.cookies["sessionid"]["secure"] == ""
    assert response.cookies["sessionid"]["httponly"] is True


def test_over_https_hsts_is_sent_and_every_cookie_is_secure(people):
    client = Client()
    page = client.get("/login/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    assert page.cookies["csrftoken"]["secure"] is True
    response = _sign_in(client, people.password, secure=True)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] is True
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"}, secure=True)
    assert switched.cookies["django_language"]["secure"] is True


def test_behind_a_trusted_proxy_its_https_counts_and_a_clients_claim_does_not(settings, people):
    # Without a proxy configured, a client's own X-Forwarded-Proto changes nothing.
    assert "Strict-Transport-Security" not in Client().get(
        "/login/", HTTP_X_FORWARDED_PROTO="https"
    )
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    page = Client().get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert page["Strict-Transport-Security"].startswith("max-age=")
    assert page.cookies["csrftoken"]["secure"] is True


def _settings_in_a_fresh_process(**env: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='caseledger.settings.production';"
        "from django.conf import settings as s;"
        "print(s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_documented_deployment_settings_do_what_they_say(tmp_path):
    data = str(tmp_path / "data")
    assert _settings_in_a_fresh_process(CASELEDGER_DATA_DIR=data) == ("None False False 31536000")
    assert _settings_in_a_fresh_process(
        CASELEDGER_DATA_DIR=data,
        CASELEDGER_PROXY_COUNT="1",
        CASELEDGER_HTTPS_ONLY="true",
        CASELEDGER_HSTS_SECONDS="600",
    ) == ("('HTTP_X_FORWARDED_PROTO', 'https') True True 600")


# What the policy refuses, as it would appear in a template.
_FORBIDDEN = [
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"<style[\s>]", re.I), "a <style> element"),
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize(
    "template",
    sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.glob("**/templates/**/*.html")),
)
def test_no_template_holds_what_the_policy_would_refuse(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    found = [what for pattern, what in _FORBIDDEN if pattern.search(text)]
    assert not found, f"{template} holds {', '.join(found)}: move it to static/caseledger/"
