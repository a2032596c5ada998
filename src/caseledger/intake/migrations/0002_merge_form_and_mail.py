# The public form and the e-mail channel were built side by side; this joins their tables.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_form"),
        ("intake", "0001_mail"),
    ]
    operations = []
