"""Load the controlled vocabularies (catalog/vocabularies.py) into Concept and Licence."""

from django.db import migrations

from catalog.vocabularies import load_vocabularies


def load(apps, schema_editor):
    load_vocabularies(apps.get_model("catalog", "Concept"), apps.get_model("catalog", "Licence"))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_search_index"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
