"""Reads of import batches and mappings, scoped by the actor's departments."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import department_ids
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound
from caseledger.intake.spreadsheet.models import ImportBatch, ImportMapping


def batch_visible(*, actor: User) -> QuerySet[ImportBatch]:
    """Batches of the departments whose customers the actor may change (who may import)."""
    allowed = department_ids(actor, Perm.CUSTOMER_MODIFY)
    batches = ImportBatch.objects.select_related("department", "created_by")
    return batches if allowed is None else batches.filter(department_id__in=allowed)


def batch_get(*, actor: User, batch_id: int) -> ImportBatch:
    batch = batch_visible(actor=actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(
            _("import %(batch_id)s does not exist or is not visible to you")
            % {"batch_id": batch_id}
        )
    return batch


def mapping_list() -> QuerySet[ImportMapping]:
    return ImportMapping.objects.order_by("name")
