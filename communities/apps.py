from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Data communities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # catalog never imports communities: its CKAN API and demo loader offer hooks.
        from catalog import ckan
        from communities.api import CommunityGroups

        if not any(isinstance(p, CommunityGroups) for p in ckan.GROUP_PROVIDERS):
            ckan.GROUP_PROVIDERS.append(CommunityGroups())
