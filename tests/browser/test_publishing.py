import re

import pytest
from playwright.sync_api import expect

from catalog.models import Dataset

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CSV = b"year,location,spaces,occupied\n2024,Stationsplein,12500,10311\n2024,Jaarbeurs,6400,4120\n"


def _choose(page, select_id, text):
    """Pick `text` in the admin's autocomplete (select2) widget of the <select> `select_id`."""
    page.locator(f"#{select_id} + .select2").click()
    page.keyboard.type(text)
    page.locator(".select2-results__option", has_text=re.compile(rf"^{re.escape(text)}$")).click()


def test_editor_publishes_a_dataset_with_an_uploaded_csv_and_finds_it_on_the_site(
    page, alice, publisher
):
    page.goto("/admin/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Datasets").first).to_be_visible()

    page.goto("/admin/catalog/dataset/add/")
    description = page.locator("fieldset").first
    description.get_by_label("title (English)").fill("Bicycle parking occupancy")
    description.get_by_label("title (Dutch)").fill("Bezetting fietsenstallingen")
    description.get_by_label("description (English)").fill(
        "Occupied and free spaces in the guarded bicycle parkings near Utrecht Centraal."
    )
    _choose(page, "id_themes", "Transport")
    _choose(page, "id_licence", "Creative Commons Attribution 4.0 International")
    distribution = page.locator("#distributions-0")
    distribution.get_by_label("title (English)").fill("Occupancy 2024")
    distribution.locator('input[type="file"]').set_input_files(
        files=[{"name": "occupancy-2024.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    page.shot("form")
    page.get_by_role("button", name="Save and publish").click()

    expect(page.locator(".messagelist")).to_contain_text("published")
    page.shot("saved")
    dataset = Dataset.objects.get(title__en="Bicycle parking occupancy")
    assert dataset.status == Dataset.Status.PUBLISHED
    assert dataset.publisher == publisher
    upload = dataset.distributions.get()
    assert upload.byte_size == len(CSV)
    assert upload.format.code == "CSV"

    page.goto("/")
    page.get_by_role("search").get_by_label("Search datasets").fill("bicycle parking")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.locator(".card-list").get_by_role("link", name="Bicycle parking occupancy").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bicycle parking occupancy")
    download = page.get_by_role("link", name=re.compile(r"^Download\b.*Occupancy 2024"))
    response = page.request.get(download.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("text/csv")
    assert response.body() == CSV
