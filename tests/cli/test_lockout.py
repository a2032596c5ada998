"""`caseledger lockout list | clear`: the desk's way to see and lift a sign-in lockout."""

from __future__ import annotations

from django.test import Client

from caseledger.journal.models import Entry
from tests.cli.helpers import run


def test_the_desk_sees_a_locked_account_and_unlocks_it_with_a_reason(people):
    guesser = Client(REMOTE_ADDR="198.51.100.11")
    for n in range(10):
        guesser.post("/login/", {"username": "alice", "password": f"guess {n}"})

    listed = run("lockout", "list", "--json").json()
    assert listed[0]["account"] == "alice" and listed[0]["locked"] is True
    assert "(locked)" in run("lockout", "list").out

    result = run(
        "lockout", "clear", "--user", "alice", "--address", "198.51.100.11", "--reason", "called"
    )
    assert "Unlocked alice and 198.51.100.11: 10 failure(s) forgotten." in result.out
    assert run("lockout", "list").out.strip() == "No failed sign-ins are counted."
    login = guesser.post("/login/", {"username": "alice", "password": people.password})
    assert login.status_code == 302
    assert Entry.objects.filter(action="login.unlock", reason="called").count() == 1
