"""The database refuses UPDATE and DELETE on certificates of disposition."""

from django.db import migrations


def install(apps, schema_editor):
    from caseledger.disposition import certificate_triggers

    certificate_triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from caseledger.disposition import certificate_triggers

    certificate_triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("disposition", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
