"""The "Site managers" group (see catalog.models.is_site_manager).

The publishing admin lets its members see and change everything in the catalogue; the
group also carries every catalogue permission and the right to look up user accounts,
so Django's own admin pages (users, and any model admin left at Django's defaults)
open for them too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Site managers"


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so
    # the group can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="catalog"),
        *Permission.objects.filter(content_type__app_label="auth", codename="view_user"),
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_vocabularies"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
