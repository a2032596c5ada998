"""`caseledger token create | list | revoke`."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from caseledger.accounts.models import ApiToken
from caseledger.accounts.services import token_authenticate
from caseledger.core.errors import NotFound
from caseledger.journal.queries import history
from tests.cli.helpers import run

pytestmark = pytest.mark.django_db


def test_create_prints_the_token_alone_on_the_last_line_and_it_authenticates(people):
    result = run(
        "token",
        "create",
        "--user",
        "alice",
        "--scopes",
        "cases:read,cases:write",
        "--name",
        "crm sync",
    )

    secret = result.lines[-1]
    assert " " not in secret
    user = token_authenticate(secret)
    assert user == people.agent
    assert sorted(user.token_scopes) == ["cases:read", "cases:write"]
    token = ApiToken.objects.get(user=people.agent)
    assert token.name == "crm sync"
    assert secret not in str([h.state for h in history(f"token:{token.pk}")])


def test_create_as_a_named_administrator_is_journaled_as_them(people):
    run("token", "create", "--user", "alice", "--scopes", "cases:read", "--as", "adam")

    token = ApiToken.objects.get(user=people.agent)
    [entry] = history(f"token:{token.pk}")
    assert (entry.actor_name, entry.via) == ("adam", "cli")


def test_create_as_someone_without_the_permission_is_refused(people):
    with pytest.raises(CommandError, match="do not allow you to manage API tokens"):
        run("token", "create", "--user", "alice", "--scopes", "cases:read", "--as", "oscar")
    assert not ApiToken.objects.exists()


def test_create_for_an_unknown_user_names_the_user(people):
    with pytest.raises(CommandError, match="user 'nobody' does not exist"):
        run("token", "create", "--user", "nobody", "--scopes", "cases:read")


def test_create_with_unknown_scopes_lists_the_known_ones(people):
    with pytest.raises(CommandError, match=r"unknown scope\(s\) cases:delete; known: cases:read"):
        run("token", "create", "--user", "alice", "--scopes", "cases:read,cases:delete")
    assert not ApiToken.objects.exists()


def test_create_without_scopes_is_refused(people):
    with pytest.raises(CommandError, match="scopes"):
        run("token", "create", "--user", "alice", "--scopes", " , ")


def test_list_shows_tokens_but_never_the_secret(people):
    secret = run("token", "create", "--user", "alice", "--scopes", "cases:read").lines[-1]
    run("token", "create", "--user", "sam", "--scopes", "journal:read")

    text = run("token", "list").out
    rows = run("token", "list", "--user", "alice", "--json").json()

    assert secret not in text
    assert secret[:12] in text and "sam" in text
    assert [r["user"] for r in rows] == ["alice"]
    assert rows[0]["scopes"] == ["cases:read"] and rows[0]["status"] == "active"
    assert secret not in str(rows) and "token_hash" not in rows[0]


def test_revoke_needs_a_reason_and_stops_the_token(people):
    secret = run("token", "create", "--user", "alice", "--scopes", "cases:read").lines[-1]
    token = ApiToken.objects.get()

    with pytest.raises(CommandError, match="--reason"):
        run("token", "revoke", str(token.pk))
    result = run("token", "revoke", str(token.pk), "--reason", "laptop lost")

    assert f"Revoked token {token.pk}" in result.out
    with pytest.raises(NotFound):
        token_authenticate(secret)
    assert history(f"token:{token.pk}")[-1].reason == "laptop lost"
    assert run("token", "list", "--active").out.strip() == "No tokens."


def test_revoke_twice_or_unknown_is_a_clear_error(people):
    run("token", "create", "--user", "alice", "--scopes", "cases:read")
    token = ApiToken.objects.get()
    run("token", "revoke", str(token.pk), "--reason", "rotated")

    with pytest.raises(CommandError, match="already revoked"):
        run("token", "revoke", str(token.pk), "--reason", "again")
    with pytest.raises(CommandError, match="token 999 does not exist"):
        run("token", "revoke", "999", "--reason", "typo")


def test_a_verb_is_required():
    with pytest.raises(CommandError, match="VERB"):
        run("token")


def test_create_with_expires_in_days_or_on_a_date_and_list_shows_it_expired_later(people):
    import datetime as dt

    from django.utils import timezone

    from caseledger.core import clock

    secret = run(
        "token", "create", "--user", "alice", "--scopes", "cases:read", "--expires", "30"
    ).lines[-1]
    in_days = ApiToken.objects.get(user=people.agent)
    assert abs(in_days.expires_at - (clock.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=5)
    last_day = timezone.localdate(clock.now()) + dt.timedelta(days=10)
    run(
        "token", "create", "--user", "sam", "--scopes", "cases:read",
        "--expires", last_day.isoformat(),
    )  # fmt: skip
    on_date = ApiToken.objects.get(user=people.supervisor)
    assert timezone.localtime(on_date.expires_at).date() == last_day + dt.timedelta(days=1)

    with clock.frozen(clock.now() + dt.timedelta(days=31)):
        rows = {r["user"]: r for r in run("token", "list", "--json").json()}
        assert rows["alice"]["status"] == "expired" and rows["sam"]["status"] == "expired"
        text = run("token", "list").out
        assert "expired" in text and "active" not in text
        assert run("token", "list", "--active").out.strip() == "No tokens."
        with pytest.raises(NotFound):
            token_authenticate(secret)
    assert {r["status"] for r in run("token", "list", "--json").json()} == {"active"}


@pytest.mark.parametrize("bad", ["0", "yesterday", "2001-01-01", "99999"])
def test_create_with_a_bad_or_past_expiry_is_refused_by_name(people, bad):
    with pytest.raises(CommandError, match="expires"):
        run("token", "create", "--user", "alice", "--scopes", "cases:read", "--expires", bad)
    assert not ApiToken.objects.exists()
