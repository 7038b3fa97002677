from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _restore_sqlite_search_trigger(using, **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds the table (as adding a
    foreign key to catalog_dataset does), and with it the one that removes a deleted
    dataset from the search index. Recreate it after every migrate; a no-op when present."""
    from django.db import connections

    from catalog.search import TABLE

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = connection.introspection.table_names()
    if TABLE not in tables or "catalog_dataset" not in tables:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON catalog_dataset "
            f"BEGIN DELETE FROM {TABLE} WHERE rowid = OLD.id; END"
        )


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalog import (
            api_access,  # noqa: F401  (its receiver limits CORS to API reads)
            signals,  # noqa: F401  (keeps the search index fresh)
        )

        post_migrate.connect(
            _restore_sqlite_search_trigger, sender=self, dispatch_uid="sqlite_search_trigger"
        )
