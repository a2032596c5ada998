"""The e-mail channel's rows for tests/test_every_service_journals.py."""

from __future__ import annotations


def mail_calls(people) -> dict:
    from caseledger.intake.mail import outbound, quarantine
    from caseledger.intake.mail import receive as receive_mod
    from caseledger.intake.mail import services as mail
    from caseledger.intake.models import QuarantinedMessage

    made = {}

    def create(name: str = "journaled"):
        if name not in made:
            made[name] = mail.mailbox_create(
                actor=people.admin,
                data={
                    "name": name, "department": people.sales,
                    "address": f"{name}@caseledger.test", "intake_user": people.agent,
                    "password": "secret",
                },
            )  # fmt: skip
        return made[name]

    def receive(name: str, body: bytes = b"My order never came."):
        raw = (
            b"From: Buyer <buyer@example.com>\r\nTo: in@caseledger.test\r\n"
            b"Subject: Order " + name.encode() + b"\r\nMessage-ID: <" + name.encode()
            + b"@example.com>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0800\r\n\r\n" + body
        )  # fmt: skip
        return receive_mod.mail_receive(
            actor=people.agent, mailbox=create(), raw=raw, source=f"walk:{name}"
        )

    def reply():
        received = receive("walk-reply")
        return outbound.mail_reply(actor=people.agent, case=received.case, body="We are on it.")

    def retry():
        receive_mod.mail_receive(
            actor=people.agent, mailbox=create(), raw=b"\x00\xff not mail", source="walk:bad"
        )
        message = QuarantinedMessage.objects.filter(resolved_at__isnull=True).latest("id")
        return quarantine.quarantine_retry(actor=people.agent, message=message)

    return {
        "caseledger.intake.mail.receive.mail_receive": lambda: receive("walk-receive"),
        "caseledger.intake.mail.outbound.mail_reply": reply,
        "caseledger.intake.mail.quarantine.quarantine_retry": retry,
        "caseledger.intake.mail.services.mailbox_create": lambda: create("made"),
        "caseledger.intake.mail.services.mailbox_update": lambda: mail.mailbox_update(
            actor=people.admin, mailbox=create(), data={"folder": "Complaints"}
        ),
    }
