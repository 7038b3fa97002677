"""Sitemaps of the public catalogue: published datasets, data services, the publishers and
approved reuses."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from catalog.models import DataService, Dataset, Publisher, Reuse


class _SiteSitemap(Sitemap):
    """Absolute URLs built from settings.SITE_URL, never from the request's Host header."""

    queryset = None

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1]

    def items(self):
        return self.queryset.order_by("pk").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Sitemap's default, which loads every item.
        return self.queryset.aggregate(latest=Max("updated_at"))["latest"]


class DatasetSitemap(_SiteSitemap):
    queryset = Dataset.objects.published()


class DataServiceSitemap(_SiteSitemap):
    queryset = DataService.objects.published()


class PublisherSitemap(_SiteSitemap):
    queryset = Publisher.objects.all()


class ReuseSitemap(_SiteSitemap):
    """Approved reuses only; a reuse's last change is its moderation."""

    queryset = Reuse.objects.approved()

    def items(self):
        return self.queryset.order_by("pk").only("slug", "moderated_at", "created_at")

    def lastmod(self, item):
        return item.moderated_at or item.created_at

    def get_latest_lastmod(self):
        return self.queryset.aggregate(latest=Max("moderated_at"))["latest"]


SITEMAPS = {
    "datasets": DatasetSitemap,
    "publishers": PublisherSitemap,
    "data-services": DataServiceSitemap,
    "reuses": ReuseSitemap,
}
