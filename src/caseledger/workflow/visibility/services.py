"""Setting who sees what (administrators, journaled) and showing a case's customer's phone
in full to someone the setting allows, journaled as a look before it is shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm, Role
from caseledger.cases.models import Case
from caseledger.cases.queries import case_get
from caseledger.core import clock
from caseledger.core.errors import PermissionDenied
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers.models import ContactPoint, Customer
from caseledger.customers.services.records import customer_state
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.models import FieldVisibility, Visibility
from caseledger.workflow.visibility.queries import FIELDS, sees_full


@dataclass(frozen=True)
class Shown:
    contact_point: int
    value: str  # in full
    masked: str

    @property
    def tel(self) -> str:
        return "tel:" + "".join(ch for ch in self.value if ch.isdigit() or ch == "+")


def visibility_set(
    *, actor: User | None, role: str, field: str, scope: str, reason: str = ""
) -> FieldVisibility:
    """Set whether a role sees a field (phone, email) of a case's customer in full: masked,
    on cases assigned to them, or on every case of their departments. Administrators."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    c = Collector()
    data = {"role": role, "field": field, "scope": scope}
    c.choice(data, "role", [r.value for r in Role], required=True)
    c.choice(data, "field", list(FIELDS), required=True)
    c.choice(data, "scope", Visibility.values, required=True)
    c.text({"reason": reason}, "reason", max_length=500)
    c.raise_if_any()
    with write_transaction():
        row = FieldVisibility.objects.select_for_update().filter(role=role, field=field).first()
        before = model_state(row, exclude=("updated_at",)) if row else None
        row = row or FieldVisibility(role=role, field=field)
        row.scope, row.updated_at = scope, clock.now()
        row.save()
        record_change(
            actor=actor,
            action=WorkflowAction.VISIBILITY_SET,
            object_type="field_visibility",
            object_id=str(row.pk),
            before=before,
            after=model_state(row, exclude=("updated_at",)),
            reason=reason,
        )
    return row


def case_contact_show(*, actor: User, case: Case, field: str = "phone") -> list[Shown]:
    """The full phone numbers (or e-mail addresses) of the case's customer, for someone the
    visibility setting allows (by default: the agent the case is assigned to), so they can
    call back. Journaled first, as a look at the customer: if it cannot be, nothing shows."""
    case = case_get(actor=actor, case_id=case.pk)
    if field not in FIELDS:
        raise PermissionDenied(_("%(field)r cannot be shown in full") % {"field": field})
    if not sees_full(actor, case, field):
        raise PermissionDenied(
            _("your role does not show the customer's %(field)s of %(ref)s in full")
            % {"field": _("phone") if field == "phone" else _("e-mail"), "ref": case.reference}
        )
    with write_transaction():
        customer = Customer.objects.get(pk=case.customer_id)
        points = list(ContactPoint.objects.filter(customer=customer, kind=field).order_by("id"))
        shown = [Shown(p.pk, p.value, p.masked) for p in points]
        if shown:
            record_change(
                actor=actor,
                action=WorkflowAction.CONTACT_LOOK,
                object_type="customer",
                object_id=str(customer.pk),
                after=customer_state(customer),
                changes={},
                reason=f"call back on {case.reference}",
                extra={
                    "field": f"contact_point.{field}",
                    "case": case.pk,
                    "contact_points": [s.contact_point for s in shown],
                    "masked": [s.masked for s in shown],
                },
            )
    return shown
