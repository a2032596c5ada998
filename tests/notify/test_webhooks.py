"""Webhooks against a real HTTP receiver on 127.0.0.1: signed deliveries from the durable
outbox, retried with back-off when the receiver fails, the last answer kept, no customer
data in the body, private addresses refused unless allowed."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from zoneinfo import ZoneInfo

import pytest

from caseledger.cases.services import case_update
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.notify import follow, sending
from caseledger.notify.models import Delivery, DeliveryState
from caseledger.notify.services import (
    webhook_create,
    webhook_redeliver,
    webhook_remove,
    webhook_secret_rotate,
    webhook_update,
)
from tests.factories import make_case

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH)


class Receiver:
    """An http.server in a thread: records each request; answers `fail_first` requests with
    503 before it answers 204."""

    def __init__(self, fail_first: int = 0) -> None:
        self.requests: list[dict] = []
        self.fail_first = fail_first
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                outer.requests.append({"headers": dict(self.headers), "body": body})
                failing = len(outer.requests) <= outer.fail_first
                self.send_response(503 if failing else 204)
                self.end_headers()
                if failing:
                    self.wfile.write(b"down for maintenance")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/caseledger"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local(db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver lives on 127.0.0.1
    follow.catch_up()


def subscribe(people, url, events=("case.created", "case.status_changed", "case.closed")):
    return webhook_create(
        actor=people.admin, data={"name": "crm", "url": url, "events": list(events)}
    )


def test_a_new_case_reaches_the_receiver_signed_and_without_customer_data(local, people, customer):
    with Receiver() as receiver:
        _sub, secret = subscribe(people, receiver.url)
        with clock.frozen(T0):
            case = make_case(people.agent, customer)
            follow.catch_up()
            assert sending.deliver_due() == {"sent": 1, "failed": 0}

    (got,) = receiver.requests
    headers, body = got["headers"], got["body"]
    assert headers[sending.HEADER_EVENT] == "case.created"
    with clock.frozen(T0):
        assert sending.verify(
            secret, headers[sending.HEADER_TIMESTAMP], body, headers[sending.HEADER_SIGNATURE]
        )
        assert not sending.verify(
            "whsec_wrong",
            headers[sending.HEADER_TIMESTAMP],
            body,
            headers[sending.HEADER_SIGNATURE],
        )
        assert not sending.verify(
            secret, headers[sending.HEADER_TIMESTAMP], body + " ", headers[sending.HEADER_SIGNATURE]
        )
    data = json.loads(body)
    assert data["event"] == "case.created" and data["delivery"] == headers[sending.HEADER_DELIVERY]
    assert data["case"] == {
        "id": case.pk,
        "reference": case.reference,
        "status": "received",
        "category": "billing",
        "subcategory": "wrong_charge",
        "department_id": people.sales.pk,
        "department": "sales",
    }
    assert customer.name not in body and "扣费" not in body and "Charged" not in body
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.last_status, delivery.attempts) == ("delivered", 204, 1)


def test_a_failing_receiver_is_retried_with_back_off_until_it_recovers(local, people, case):
    with Receiver(fail_first=2) as receiver:
        subscribe(people, receiver.url)
        with clock.frozen(T0):
            case_update(actor=people.agent, case=case, data={"status": "acknowledged"})
            follow.catch_up()
            sending.deliver_due()
        first = Delivery.objects.get()
        assert (first.state, first.attempts, first.last_status) == ("pending", 1, 503)
        assert first.last_response == "down for maintenance"
        assert first.next_attempt_at == T0 + dt.timedelta(seconds=30)
        with clock.frozen(T0 + dt.timedelta(seconds=10)):
            assert sending.deliver_due() == {"sent": 0, "failed": 0}  # not yet
        with clock.frozen(T0 + dt.timedelta(seconds=31)):
            sending.deliver_due()
        second = Delivery.objects.get()
        assert second.next_attempt_at == T0 + dt.timedelta(seconds=31 + 60)  # doubled
        with clock.frozen(T0 + dt.timedelta(seconds=95)):
            sending.deliver_due()

    done = Delivery.objects.get()
    assert (done.state, done.attempts, done.last_status) == ("delivered", 3, 204)
    bodies = {r["body"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(bodies) == 1  # the same body each time
    assert json.loads(bodies.pop())["previous_status"] == "received"


def test_the_back_off_is_capped_and_a_delivery_gives_up_then_can_be_sent_again(
    local, people, case, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    assert sending.backoff(30) == dt.timedelta(seconds=settings.WEBHOOK_BACKOFF_MAX_SECONDS)
    with Receiver(fail_first=10) as receiver:
        subscribe(people, receiver.url)
        moment = T0
        with clock.frozen(moment):
            case_update(actor=people.agent, case=case, data={"status": "acknowledged"})
            follow.catch_up()
        for _n in range(3):
            moment += dt.timedelta(hours=7)
            with clock.frozen(moment):
                sending.deliver_due()
        gave_up = Delivery.objects.get()
        assert (gave_up.state, gave_up.attempts) == ("failed", 3)
        receiver.fail_first = 0
        with clock.frozen(moment):
            webhook_redeliver(actor=people.admin, delivery=gave_up)
            sending.deliver_due()
    assert Delivery.objects.get().state == "delivered"
    assert Entry.objects.filter(action="webhook.redeliver").count() == 1


def test_a_dead_receiver_leaves_its_error_for_the_administrator(local, people, case):
    with Receiver() as receiver:
        url = receiver.url
    subscribe(people, url)  # the receiver is gone: the port refuses
    with clock.frozen(T0):
        case_update(actor=people.agent, case=case, data={"status": "acknowledged"})
        follow.catch_up()
        sending.deliver_due()
    failed = Delivery.objects.get()
    assert failed.state == "pending" and failed.last_status is None
    assert "ConnectionRefused" in failed.last_error


def test_closing_a_case_sends_status_changed_and_closed_once_each_even_when_replayed(
    local, people, case
):
    with Receiver() as receiver:
        subscribe(people, receiver.url, events=("case.closed", "case.assigned"))
        with clock.frozen(T0):
            case_update(actor=people.agent, case=case, data={"status": "acknowledged"})
            case_update(
                actor=people.agent, case=case, data={"status": "closed", "resolution": "Refunded"}
            )
            case_update(
                actor=people.agent,
                case=case,
                data={"status": "reopened"},
                reason="the customer wrote again",
            )
            case_update(actor=people.agent, case=case, data={"assignee": people.supervisor.pk})
            follow.catch_up()
            from caseledger.notify.models import FollowState

            FollowState.objects.filter(pk=1).update(seq=0)
            follow.catch_up()
            sending.deliver_due()
    events = sorted(json.loads(r["body"])["event"] for r in receiver.requests)
    assert events == ["case.assigned", "case.closed"]
    assigned = next(json.loads(r["body"]) for r in receiver.requests if "assigned" in r["body"])
    assert assigned["assignee_id"] == people.supervisor.pk


def test_private_addresses_are_refused_unless_allowed(people, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in (
        "http://127.0.0.1:9/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "http://169.254.169.254/",
    ):
        with pytest.raises(ValidationFailed, match="private or local"):
            subscribe(people, url)
    answer = sending.post("http://127.0.0.1:9/x", "{}", {})
    assert answer.status is None and "private or local" in answer.error


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "x", "url": "ftp://example.com/", "events": ["case.created"]}, "url"),
        ({"name": "x", "url": "https://u:p@example.com/", "events": ["case.created"]}, "url"),
        ({"name": "x", "url": "https://example.com:99999/", "events": ["case.created"]}, "url"),
        ({"name": "x", "url": "https://example.com/", "events": ["case.deleted"]}, "events"),
        ({"name": "x", "url": "https://example.com/", "events": []}, "events"),
        ({"name": "", "url": "https://example.com/", "events": ["case.created"]}, "name"),
        ({"name": "x", "url": "https://example.com/", "events": ["case.created"], "x": 1}, "x"),
    ],
)
def test_bad_subscriptions_are_refused_with_the_field_named(people, settings, data, field):
    settings.WEBHOOK_CHECK_ON_SAVE = False  # no DNS in tests
    with pytest.raises(ValidationFailed) as refused:
        webhook_create(actor=people.admin, data=data)
    fields = {e.field for e in (refused.value.errors or [refused.value])}
    assert field in fields


def test_subscriptions_are_journaled_without_their_secret(local, people):
    with Receiver() as receiver:
        sub, secret = subscribe(people, receiver.url)
        webhook_update(actor=people.admin, subscription=sub, data={"is_active": False})
        new_secret = webhook_secret_rotate(actor=people.admin, subscription=sub)
        webhook_remove(actor=people.admin, subscription=sub, reason="CRM retired")
    from caseledger.journal.models import Payload

    actions = list(
        Entry.objects.filter(object_type="webhook").order_by("seq").values_list("action", flat=True)
    )
    assert actions == [
        "webhook.create",
        "webhook.update",
        "webhook.secret_rotate",
        "webhook.remove",
    ]
    bodies = "".join(
        Payload.objects.filter(entry__object_type="webhook").values_list("body", flat=True)
    )
    assert secret not in bodies and new_secret not in bodies and sub.secret not in bodies
    sub.refresh_from_db()
    assert secret not in sub.secret and sending.unseal(sub) == new_secret


def test_only_administrators_manage_webhooks(people, settings):
    settings.WEBHOOK_CHECK_ON_SAVE = False
    for who in (people.agent, people.supervisor, people.compliance, people.auditor):
        with pytest.raises(PermissionDenied):
            webhook_create(
                actor=who,
                data={"name": "x", "url": "https://example.com/", "events": ["case.created"]},
            )


def test_a_removed_subscription_cancels_what_it_had_pending(local, people, case):
    sub, _secret = subscribe(people, "http://127.0.0.1:9/never")
    with clock.frozen(T0):
        case_update(actor=people.agent, case=case, data={"status": "acknowledged"})
        follow.catch_up()
    webhook_remove(actor=people.admin, subscription=sub)
    assert Delivery.objects.get().state == DeliveryState.FAILED
    with clock.frozen(T0):
        assert sending.deliver_due() == {"sent": 0, "failed": 0}


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://exa mple.com/", "https://", "http://\u2603.invalid:80:80/"]
)
def test_malformed_addresses_are_refused_not_crashed(people, url):
    with pytest.raises(ValidationFailed) as refused:
        webhook_create(
            actor=people.admin, data={"name": "x", "url": url, "events": ["case.created"]}
        )
    assert refused.value.field == "url"


def test_a_crash_mid_batch_loses_nothing_and_the_rerun_queues_each_event_once(
    local, people, case, monkeypatch
):
    from caseledger.notify.models import FollowState

    subscribe(people, "http://127.0.0.1:9/x", events=("case.status_changed",))
    before = FollowState.objects.get().seq
    case_update(actor=people.agent, case=case, data={"status": "acknowledged"})

    def crash(items):
        raise RuntimeError("killed")

    monkeypatch.setattr(follow, "_notify", crash)
    with pytest.raises(RuntimeError):
        follow.catch_up()
    assert FollowState.objects.get().seq == before and not Delivery.objects.exists()
    monkeypatch.undo()
    follow.catch_up()
    follow.catch_up()
    assert Delivery.objects.filter(event="case.status_changed").count() == 1


def test_a_delivery_claimed_by_another_worker_is_not_sent_twice(local, people, case):
    subscribe(people, "http://127.0.0.1:9/x", events=("case.status_changed",))
    with clock.frozen(T0):
        case_update(actor=people.agent, case=case, data={"status": "acknowledged"})
        follow.catch_up()
        Delivery.objects.update(claimed_until=T0 + dt.timedelta(seconds=30))  # the other one
        assert sending.deliver_due() == {"sent": 0, "failed": 0}
    with clock.frozen(T0 + dt.timedelta(minutes=5)):  # it died: its claim expired
        assert sending.deliver_due() == {"sent": 0, "failed": 1}


def test_a_secret_that_no_longer_unseals_is_an_error_on_the_delivery_not_a_crash(
    local, people, case
):
    from caseledger.notify.models import Subscription

    sub, _secret = subscribe(people, "http://127.0.0.1:9/x", events=("case.status_changed",))
    Subscription.objects.filter(pk=sub.pk).update(secret=sub.secret[:-6] + "AAAAAA")
    with clock.frozen(T0):
        case_update(actor=people.agent, case=case, data={"status": "acknowledged"})
        follow.catch_up()
        assert sending.deliver_due() == {"sent": 0, "failed": 1}
    assert "rotate it" in Delivery.objects.get().last_error
