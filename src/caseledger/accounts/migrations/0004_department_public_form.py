from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_merge_department_active_and_password_change"),
    ]

    operations = [
        migrations.AddField(
            model_name="department",
            name="public_form",
            field=models.BooleanField(blank=True, default=None, null=True),
        ),
    ]
