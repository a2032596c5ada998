"""Sign-in throttling: guessed passwords and guessed API tokens lock the account or the
address for a while, the person is told plainly, and each lockout is journaled."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from caseledger.accounts.services import token_create
from caseledger.accounts.throttle import client_address
from caseledger.journal.models import Entry
from caseledger.journal.queries import state_as_of


def _sign_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def _lockouts() -> list[Entry]:
    return list(Entry.objects.filter(action="login.lockout").order_by("seq"))


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(people):
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    answers = [_sign_in(guesser, "alice", f"guess number {n}").status_code for n in range(20)]
    # The first nine are plain "wrong password"; from the tenth on, the lockout page.
    assert answers[:9] == [200] * 9 and set(answers[9:]) == {429}

    refused = _sign_in(guesser, "alice", people.password)
    assert refused.status_code == 429
    assert "_auth_user_id" not in guesser.session
    assert "Too many failed sign-ins" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0

    # The account is locked wherever alice is: her own desk is refused too.
    at_her_desk = Client(REMOTE_ADDR="192.0.2.10")
    assert _sign_in(at_her_desk, "alice", people.password).status_code == 429

    # One entry for the one lockout, naming the account, the address and why.
    (entry,) = _lockouts()
    assert (entry.object_type, entry.object_id, entry.actor_name, entry.via) == (
        "lockout",
        f"user:{people.agent.pk}",
        "system",
        "web",
    )
    state = state_as_of("lockout", f"user:{people.agent.pk}")
    assert (state["account"], state["address"], state["kind"]) == (
        "alice",
        "198.51.100.7",
        "password",
    )
    assert state["locked_by"] == ["ip_address", "username"] and state["failures"] == 10


def test_guessing_many_accounts_from_one_address_locks_the_address_only(people):
    sprayer = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(10):
        _sign_in(sprayer, f"nobody{n}", "password123")
    # From that address even a right password is refused; from another it works.
    assert _sign_in(sprayer, "sam", people.password).status_code == 429
    elsewhere = Client(REMOTE_ADDR="192.0.2.20")
    assert _sign_in(elsewhere, "sam", people.password).status_code == 302

    (entry,) = _lockouts()
    # No account by those names: the journal names the address, never the name typed
    # (it may be a password typed into the wrong box).
    assert entry.object_id == "address:203.0.113.5"
    state = state_as_of("lockout", "address:203.0.113.5")
    assert state["account"] is None and "nobody" not in str(state)
    assert state["locked_by"] == ["ip_address"]


def test_a_locked_out_person_is_told_in_their_own_language(people):
    guesser = Client(REMOTE_ADDR="198.51.100.8", HTTP_ACCEPT_LANGUAGE="zh-hans")
    guesser.cookies["django_language"] = "zh-hans"
    for n in range(10):
        _sign_in(guesser, "alice", f"guess {n}")
    page = _sign_in(guesser, "alice", people.password).content.decode()
    assert "登录失败次数过多" in page and "Too many" not in page


def test_guessed_api_tokens_lock_the_address_and_a_real_token_is_then_refused(people):
    _, secret = token_create(actor=None, user=people.agent, name="crm", scopes=["cases:read"])
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    answers = [
        guesser.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer clt_guess{n}").status_code
        for n in range(12)
    ]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]

    refused = guesser.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    # The token's owner elsewhere is not affected: the lock is on the address.
    owner = Client(REMOTE_ADDR="192.0.2.30")
    assert owner.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    (entry,) = _lockouts()
    assert (entry.object_id, entry.via) == ("address:198.51.100.9", "api")
    assert state_as_of("lockout", "address:198.51.100.9")["kind"] == "token"


def test_no_one_but_the_throttle_may_write_a_lockout(people):
    from caseledger.accounts.services import lockout_record
    from caseledger.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        lockout_record(
            actor=people.admin,
            username="alice",
            address="192.0.2.1",
            kind="password",
            locked_by=["username"],
            failures=10,
            until=None,
        )
    assert _lockouts() == []


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.1", "10.0.0.1"),  # no proxy configured: the header is not trusted
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # a client's own prefix is ignored
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.9", "203.0.113.1"),
        (1, "not-an-address", "10.0.0.1"),
        (2, "203.0.113.1", "10.0.0.1"),  # fewer hops than proxies: the header is forged
    ],
)
def test_the_address_behind_trusted_proxies_is_the_one_they_saw(
    settings, proxies, forwarded, expected
):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_an_administrator_lifts_a_lockout_and_the_journal_says_who_and_why(people):
    from caseledger.accounts.services import lockout_clear
    from caseledger.core.errors import PermissionDenied

    guesser = Client(REMOTE_ADDR="198.51.100.10")
    for n in range(10):
        _sign_in(guesser, "alice", f"guess {n}")
    assert _sign_in(guesser, "alice", people.password).status_code == 429

    with pytest.raises(PermissionDenied):
        lockout_clear(actor=people.supervisor, username="alice", reason="she asked")
    assert (
        lockout_clear(
            actor=people.admin, username="alice", address="198.51.100.10", reason="she called"
        )
        == 10
    )
    assert _sign_in(guesser, "alice", people.password).status_code == 302

    entry = Entry.objects.get(action="login.unlock")
    assert (entry.actor_name, entry.object_id, entry.reason) == (
        "adam",
        f"user:{people.agent.pk}",
        "she called",
    )
