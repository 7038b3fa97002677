from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalogue")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalog import (
            api_access,  # noqa: F401  (its receiver limits CORS to API reads)
            signals,  # noqa: F401  (keeps the search index fresh)
        )
