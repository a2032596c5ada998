"""The case's department, assignee and customer lose their own indexes: each leads a
composite index (case_dept_received, case_assignee_received, case_customer_received) that
serves every look-up by it, and each index is one more page every new case writes
(docs/benchmarks.md, issue 16). Dropped by name, not by AlterField, which on SQLite would
copy the whole table (minutes at a million cases); the names are Django's, the same on
both engines."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = {
    "cases_case_assignee_id_28343c2e": "assignee_id",
    "cases_case_customer_id_3e0cf925": "customer_id",
    "cases_case_department_id_c5b7309d": "department_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_merge_department_active_and_password_change"),
        ("cases", "0005_templates_as_data"),
        ("customers", "0003_lifecycle_marks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    f"CREATE INDEX IF NOT EXISTS {name} ON cases_case ({column})",
                )
                for name, column in DROPPED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assigned_cases",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="customer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="customers.customer",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="department",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="accounts.department",
                    ),
                ),
            ],
        ),
    ]
