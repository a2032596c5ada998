"""The e-mail channel's rows for tests/test_every_service_journals.py."""

from __future__ import annotations


def mail_calls(people) -> dict:
    from caseledger.intake.mail import services as mail

    made = {}

    def create():
        if "box" not in made:
            made["box"] = mail.mailbox_create(
                actor=people.admin,
                data={
                    "name": "journaled", "department": people.sales,
                    "address": "in@caseledger.test", "intake_user": people.agent,
                    "password": "secret",
                },
            )  # fmt: skip
        return made["box"]

    return {
        "caseledger.intake.mail.services.mailbox_create": create,
        "caseledger.intake.mail.services.mailbox_update": lambda: mail.mailbox_update(
            actor=people.admin, mailbox=create(), data={"folder": "Complaints"}
        ),
    }
