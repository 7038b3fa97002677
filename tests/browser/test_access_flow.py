import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from playwright.sync_api import expect

from catalog.models import AccessRequest, Agreement, Concept, PolicyAction, PolicyRule
from tests.factories import DatasetFactory, DistributionFactory, concept

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CSV = b"permit,street\n1,Oudegracht\n2,Neude\n"


def _sign_in(page, live_server, user):
    """Sign in through a session cookie: this test is about access requests, not login."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_a_re_user_checks_a_use_requests_access_gets_approved_and_downloads(
    page, live_server, publisher, alice, carol
):
    dataset = DatasetFactory(
        published=True,
        slug="parking-permits",
        title={"en": "Parking permits"},
        publisher=publisher,
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED"),
    )
    PolicyRule.objects.create(
        dataset=dataset, action=PolicyAction.USE, purposes=["research"], recipient_types=[]
    )
    PolicyRule.objects.create(
        dataset=dataset, kind=PolicyRule.Kind.DUTY, action=PolicyAction.SIGN_AGREEMENT
    )
    Agreement.objects.create(dataset=dataset, version=1, text={"en": "Research use only."})
    DistributionFactory(
        dataset=dataset,
        title={"en": "Permits 2024"},
        access_url="",
        download_url="",
        file=ContentFile(CSV, name="permits-2024.csv"),
    )

    # The re-user checks a use, then asks for access.
    _sign_in(page, live_server, carol)
    page.goto("/datasets/parking-permits/")
    check = page.locator(".reuse-check-form")
    check.get_by_label("Purpose").select_option("research")
    check.get_by_label("Use", exact=True).check()
    check.get_by_label("You are").select_option("research")
    check.get_by_role("button", name="Check").click()
    expect(page.locator(".reuse-verdict")).to_be_visible()
    expect(page.locator(".reuse-verdict")).to_contain_text("agreement")
    page.shot("checked")
    page.get_by_role("link", name="Back to the dataset").click()
    expect(page.get_by_role("link", name=re.compile(r"^Download\b"))).to_have_count(0)

    page.locator("#access").get_by_role("link", name="Request access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request access")
    expect(page.get_by_text("Research use only.")).to_be_visible()
    page.get_by_label("Organisation").fill("Utrecht University")
    page.get_by_label("Purpose").select_option("research")
    page.get_by_label("Use", exact=True).check()
    page.get_by_label("You are a").select_option("research")
    page.get_by_label("Intended use").fill("A study of parking pressure in the city centre.")
    page.get_by_label("I have read the agreement above and accept it").check()
    page.shot("request")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Waiting for the publisher")).to_be_visible()
    item = AccessRequest.objects.get()
    assert item.agreement.version == 1

    # A member of the publisher approves it.
    _sign_in(page, live_server, alice)
    page.goto("/publishers/gemeente-utrecht/access-requests/")
    page.get_by_role("link", name=f"#{item.pk}").click()
    expect(page.get_by_text("A study of parking pressure")).to_be_visible()
    page.get_by_role("button", name="Approve request").click()
    expect(page.get_by_text("The request was approved.")).to_be_visible()
    page.shot("approved")

    # The re-user downloads the file.
    _sign_in(page, live_server, carol)
    page.goto("/datasets/parking-permits/")
    download = page.get_by_role("link", name=re.compile(r"^Download\b.*Permits 2024"))
    response = page.request.get(download.get_attribute("href"))
    assert response.ok
    assert response.body() == CSV
