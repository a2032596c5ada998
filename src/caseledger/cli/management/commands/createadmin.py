from __future__ import annotations

from typing import Any

from caseledger.cli import bootstrap
from caseledger.core.command import CaseledgerCommand


class Command(CaseledgerCommand):
    help = (
        "Create an administrator (role administrator, no department). Prints the login and a "
        "generated one-time password once, or with --password-from-env takes the password "
        f"from {bootstrap.PASSWORD_ENV}. Refuses a username that already exists."
    )
    json_output = True

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="login name (default admin)")
        parser.add_argument(
            "--password-from-env",
            action="store_true",
            help=f"use the password in {bootstrap.PASSWORD_ENV}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = (
            bootstrap.password_from_env(required=True) if options["password_from_env"] else None
        )
        admin = bootstrap.admin_create(username=options["username"], password=password)
        data = {"username": admin.username, "roles": ["administrator"]}
        if admin.generated:
            data["password"] = admin.password
        self.emit(data, bootstrap.login_text(admin))
