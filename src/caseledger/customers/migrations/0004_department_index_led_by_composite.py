"""The customer's department loses its own index: customer_dept_name leads with it (one page
less per new customer; docs/benchmarks.md, issue 16). Dropped by name, not by AlterField,
which on SQLite would copy the whole table; the name is Django's, the same on both engines."""

import django.db.models.deletion
from django.db import migrations, models

NAME = "customers_customer_department_id_738c8343"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_merge_department_active_and_password_change"),
        ("customers", "0003_lifecycle_marks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {NAME}",
                    f"CREATE INDEX IF NOT EXISTS {NAME} ON customers_customer (department_id)",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="customer",
                    name="department",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="customers",
                        to="accounts.department",
                    ),
                ),
            ],
        ),
    ]
