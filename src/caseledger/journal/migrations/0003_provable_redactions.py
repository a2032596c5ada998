"""A payload may be redacted only by a certificate of disposition that exists, is certified
in the chain, and lists the record (journal/triggers.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from caseledger.journal import triggers

    triggers.remove(schema_editor.connection)
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_append_only"),
        ("disposition", "0002_certificates_kept_forever"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
