"""Sitemaps and robots.txt: what search engines are told to crawl."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from catalog.models import Dataset
from catalog.sitemaps import DatasetSitemap
from tests.factories import DataServiceFactory, DatasetFactory, PublisherFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://data.example.nl"


def locations(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [element.text for element in root.findall(".//s:loc", NS)]


def test_sitemap_index_lists_each_section_with_site_url(client):
    assert locations(client, "/sitemap.xml") == [
        "https://data.example.nl/sitemap-datasets.xml",
        "https://data.example.nl/sitemap-publishers.xml",
        "https://data.example.nl/sitemap-data-services.xml",
        "https://data.example.nl/sitemap-reuses.xml",
    ]


def test_dataset_sitemap_lists_published_datasets_only(client):
    published = DatasetFactory(published=True, slug="bomen")
    DatasetFactory(slug="concept-plan")
    DatasetFactory(slug="oud", status=Dataset.Status.WITHDRAWN)

    assert locations(client, "/sitemap-datasets.xml") == [
        f"https://data.example.nl/datasets/{published.slug}/"
    ]


def test_dataset_sitemap_gives_last_modification(client):
    dataset = DatasetFactory(published=True)

    root = ET.fromstring(client.get("/sitemap-datasets.xml").content)

    lastmod = root.find(".//s:lastmod", NS).text
    # The sitemap writes the time in the portal's time zone: around midnight UTC the local
    # date is already the next day.
    assert lastmod.startswith(timezone.localtime(dataset.updated_at).date().isoformat())


def test_publisher_and_data_service_sitemaps(client):
    PublisherFactory(slug="kadaster")
    DataServiceFactory(slug="open-api", publisher=PublisherFactory(slug="rws"))
    DataServiceFactory(slug="draft-api", status=Dataset.Status.DRAFT)

    publishers = locations(client, "/sitemap-publishers.xml")
    services = locations(client, "/sitemap-data-services.xml")

    assert "https://data.example.nl/publishers/kadaster/" in publishers
    assert services == ["https://data.example.nl/data-services/open-api/"]


def test_large_sections_are_split_into_pages(client, monkeypatch):
    monkeypatch.setattr(DatasetSitemap, "limit", 2)
    datasets = DatasetFactory.create_batch(5, published=True)

    index = locations(client, "/sitemap.xml")
    page_3 = locations(client, "/sitemap-datasets.xml?p=3")

    assert "https://data.example.nl/sitemap-datasets.xml?p=3" in index
    assert "https://data.example.nl/sitemap-datasets.xml?p=4" not in index
    assert page_3 == [f"https://data.example.nl{datasets[4].get_absolute_url()}"]


@pytest.mark.parametrize("url", ["/sitemap-unknown.xml", "/sitemap-datasets.xml?p=9"])
def test_unknown_section_or_page_is_not_found(client, url):
    DatasetFactory(published=True)

    assert client.get(url).status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")

    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: https://data.example.nl/sitemap.xml" in lines
