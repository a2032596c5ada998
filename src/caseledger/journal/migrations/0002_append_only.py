"""Make the journal append-only in the database itself, and seed the chain head."""

from django.db import migrations


def install(apps, schema_editor):
    from caseledger.journal import triggers

    triggers.install(schema_editor.connection)
    apps.get_model("journal", "ChainHead").objects.get_or_create(pk=1)


def remove(apps, schema_editor):
    from caseledger.journal import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
