"""Contact points sealed like identifiers (customers/sealing.py): their values move from
the plaintext `value` column to a ciphertext, a blind index and a mask.

A database that already holds contact points has them sealed here, each customer's change
journaled as `customer.seal_contacts` by the system (its newest journaled state must show
the sealed columns, or `journal verify --records` would flag every customer). The states
are built from this migration's own (historical) models, so later model changes do not
change what it writes; the journal's own code appends them. The mask of the old value
stands in for it in the entry's changes: no plaintext goes into a new entry. (No
dependency on the journal's migrations: a new database has no contact points to seal, and
one that has them has its journal already; a dependency would move the journal's triggers
before the tables they name, which SQLite's table rebuilds then refuse.)
"""

from django.db import migrations, models

BATCH = 2000


def seal_existing(apps, schema_editor):
    from caseledger.core.state import model_state
    from caseledger.customers.actions import CustomerAction
    from caseledger.customers.sealing import sealed_contact
    from caseledger.journal.services import record_changes, write_transaction
    from caseledger.vault.keys import load
    from caseledger.vault.masking import contact_masked

    ContactPoint = apps.get_model("customers", "ContactPoint")
    Customer = apps.get_model("customers", "Customer")
    Identifier = apps.get_model("customers", "Identifier")
    customer_ids = list(
        ContactPoint.objects.filter(ciphertext="")
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
        .distinct()
    )
    if not customer_ids:
        return
    ring = load()
    for start in range(0, len(customer_ids), BATCH):
        ids = customer_ids[start : start + BATCH]
        items = []
        with write_transaction():
            points: dict[int, list] = {}
            for point in ContactPoint.objects.filter(customer_id__in=ids).order_by("id"):
                points.setdefault(point.customer_id, []).append(point)
            identifiers: dict[int, list] = {}
            for identifier in Identifier.objects.filter(customer_id__in=ids).order_by("id"):
                identifiers.setdefault(identifier.customer_id, []).append(model_state(identifier))
            for customer in Customer.objects.filter(pk__in=ids).order_by("pk"):
                state = model_state(customer)
                before, after = [], []
                for point in points.get(customer.pk, []):
                    masked = contact_masked(point.kind, point.value)
                    before.append({**model_state(point, exclude=("value",)), "masked": masked})
                    if not point.ciphertext:
                        for name, value in sealed_contact(
                            point.kind, point.value, customer.pk, ring
                        ).items():
                            setattr(point, name, value)
                        point.value = ""
                        point.save(
                            update_fields=["ciphertext", "key_id", "blind_index", "masked", "value"]
                        )
                    after.append(model_state(point, exclude=("value",)))
                then = {**state, "contact_points": before}
                now = {**state, "contact_points": after}
                if customer.pk in identifiers:
                    then["identifiers"] = now["identifiers"] = identifiers[customer.pk]
                items.append((customer.pk, then, now, "contact values sealed (blind index, mask)"))
            record_changes(
                actor=None,
                action=CustomerAction.SEAL_CONTACTS,
                object_type="customer",
                items=items,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_department_index_led_by_composite"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactpoint",
            name="ciphertext",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="contactpoint",
            name="key_id",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="contactpoint",
            name="blind_index",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="contactpoint",
            name="masked",
            field=models.CharField(default="", max_length=300),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=False),
        migrations.RemoveIndex(model_name="contactpoint", name="contact_kind_value"),
        migrations.RemoveField(model_name="contactpoint", name="value"),
        migrations.AddIndex(
            model_name="contactpoint",
            index=models.Index(fields=["kind", "blind_index"], name="contact_kind_index"),
        ),
        migrations.AddIndex(
            model_name="contactpoint",
            index=models.Index(fields=["key_id"], name="contact_key"),
        ),
    ]
