import re

import pytest
from playwright.sync_api import expect

from catalog.models import Concept
from tests.factories import DatasetFactory, DistributionFactory, PublisherFactory, concept

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_visitor_searches_filters_by_a_facet_and_opens_a_dataset(page):
    utrecht = PublisherFactory(
        slug="gemeente-utrecht", name={"en": "Municipality of Utrecht", "nl": "Gemeente Utrecht"}
    )
    rws = PublisherFactory(slug="rijkswaterstaat", name={"en": "Rijkswaterstaat"})
    environment = concept(Concept.Scheme.THEME, "ENVI")
    DatasetFactory(
        published=True,
        publisher=utrecht,
        title={"en": "Water quality of the canals", "nl": "Waterkwaliteit van de grachten"},
        themes=[environment],
    )
    rivers = DatasetFactory(
        published=True,
        publisher=rws,
        title={"en": "Water levels of the rivers", "nl": "Waterstanden van de rivieren"},
        description={"en": "Hourly water levels measured at 40 gauges along the Rhine."},
        themes=[environment],
    )
    DistributionFactory(dataset=rivers, title={"en": "Water levels 2024"})
    DatasetFactory(published=True, publisher=rws, title={"en": "Road traffic counts"})
    DatasetFactory(publisher=rws, title={"en": "Water management plans (draft)"})

    page.goto("/")
    page.get_by_role("search").get_by_label("Search datasets").fill("water")
    page.get_by_role("search").get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/datasets/\?q=water"))
    expect(page.get_by_role("heading", name="2 datasets")).to_be_visible()
    results = page.locator(".card-list")
    expect(results.get_by_role("link", name="Water quality of the canals")).to_be_visible()
    expect(results.get_by_role("link", name="Water levels of the rivers")).to_be_visible()
    expect(page.get_by_text("Water management plans")).to_have_count(0)
    page.shot("search")

    publisher_facet = page.get_by_role("region", name="Publisher")
    rws_facet = publisher_facet.get_by_role("link", name=re.compile("Rijkswaterstaat"))
    expect(rws_facet.locator(".facet__count")).to_contain_text(re.compile(r"\b1\b"))
    rws_facet.click()

    expect(page).to_have_url(re.compile(r"publisher=rijkswaterstaat"))
    expect(page.get_by_role("heading", name="1 dataset", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Water quality of the canals")).to_have_count(0)
    expect(page.get_by_role("search").get_by_label("Search datasets")).to_have_value("water")
    page.shot("filtered")

    results.get_by_role("link", name="Water levels of the rivers").click()

    expect(page).to_have_url(re.compile(r"/datasets/" + rivers.slug + "/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Water levels of the rivers")
    expect(page.get_by_text("Hourly water levels measured at 40 gauges")).to_be_visible()
    expect(page.get_by_role("heading", name="Water levels 2024", exact=True)).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"^Download\b.*Water levels 2024"))
    ).to_be_visible()
