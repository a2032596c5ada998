"""A child process that writes cases through the services as fast as it can.

python tests/journal/writer.py setup            -> prints the customer id
python tests/journal/writer.py write USER CUSTOMER N GO_FILE
"""

from __future__ import annotations

import os
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseledger.settings.production")
    django.setup()
    from caseledger.accounts.models import User
    from caseledger.accounts.services import department_create, user_create
    from caseledger.cases.services import case_create, case_update
    from caseledger.customers.services import customer_create

    if sys.argv[1] == "setup":
        dept = department_create(actor=None, code="sales", name="Sales")
        a = user_create(
            actor=None, username="writer-a", password=None, roles=["agent"], department=dept
        )
        user_create(
            actor=None, username="writer-b", password=None, roles=["agent"], department=dept
        )
        customer = customer_create(
            actor=a, data={"kind": "person", "name": "并发 Concurrent", "department": dept.pk}
        )
        print(customer.pk)
        return
    username, customer_id, count, go_file = sys.argv[2:6]
    actor = User.objects.get(username=username)
    while not os.path.exists(go_file):  # both writers start together
        time.sleep(0.01)
    for i in range(int(count)):
        case = case_create(
            actor=actor,
            data={
                "kind": "complaint",
                "channel": "api",
                "category": "service",
                "subject": f"{username} #{i}",
                "department": "sales",
                "customer": customer_id,
            },
        )
        case_update(actor=actor, case=case, data={"priority": "high"})
    print("done")


if __name__ == "__main__":
    main()
