"""The e-mail channel's rows for tests/test_every_service_journals.py."""

from __future__ import annotations


def mail_calls(people, case) -> dict:
    from caseledger.intake.mail import services as mail
    from caseledger.intake.mail.quarantine import quarantine_retry
    from caseledger.intake.mail.receive import mail_receive
    from caseledger.intake.models import MailMessage, QuarantinedMessage
    from caseledger.intake.reply import services as reply
    from tests.intake.mail.conftest import sample

    made = {}

    def create(name: str = "journaled"):
        if name not in made:  # each caller its own mailbox: the walk's order is by name
            made[name] = mail.mailbox_create(
                actor=people.admin,
                data={
                    "name": name, "department": people.sales,
                    "address": f"{name}@caseledger.test", "intake_user": people.agent,
                    "password": "secret",
                },
            )  # fmt: skip
        return made[name]

    def receive(name: str = "gbk.eml"):
        return mail_receive(
            actor=people.agent, mailbox=create("received"), raw=sample(name), source="walk"
        )

    def retry_quarantined():
        receive("malformed.eml")
        held = QuarantinedMessage.objects.filter(resolved_at__isnull=True).order_by("pk").last()
        assert held is not None, "malformed.eml was not quarantined"
        return quarantine_retry(actor=people.agent, message=held)

    def send():
        made["reply"] = reply.reply_send(actor=people.agent, case=case, body="reply", to="c@x.cn")
        return made["reply"]

    def retry_reply():
        row = (made.get("reply") or send()).message
        MailMessage.objects.filter(pk=row.pk).update(outcome="failed", reason="refused")
        row.refresh_from_db()
        return reply.reply_retry(actor=people.agent, message=row)

    return {
        "caseledger.intake.mail.receive.mail_receive": receive,
        "caseledger.intake.mail.quarantine.quarantine_retry": retry_quarantined,
        "caseledger.intake.reply.services.reply_send": send,
        "caseledger.intake.reply.services.reply_retry": retry_reply,
        "caseledger.intake.mail.services.mailbox_create": lambda: create("made"),
        "caseledger.intake.mail.services.mailbox_update": lambda: mail.mailbox_update(
            actor=people.admin, mailbox=create(), data={"folder": "Complaints"}
        ),
    }
