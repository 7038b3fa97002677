"""Access requests for restricted data: request, question, decision, download, audit trail,
and that a restricted distribution's file and real URLs never leak on any surface."""

import csv
import datetime
import io
import json

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import access
from catalog.models import (
    AccessRequest,
    Agreement,
    ApiToken,
    Concept,
    PolicyAction,
    PolicyRule,
)
from tests.factories import (
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    UserFactory,
    concept,
)

pytestmark = pytest.mark.django_db

SECRET_URL = "https://secret.example.org/vault/parking-permits-2024.csv"
SECRET_ACCESS = "https://secret.example.org/portal/parking-permits"
CSV = b"permit,street\n1,Oudegracht\n"


@pytest.fixture(autouse=True)
def _clean(settings):
    settings.SITE_URL = "https://data.example.nl"
    cache.clear()  # the request rate limit


@pytest.fixture
def restricted(publisher):
    dataset = DatasetFactory(
        published=True,
        slug="parking-permits",
        publisher=publisher,
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED"),
    )
    PolicyRule.objects.create(
        dataset=dataset, kind=PolicyRule.Kind.PERMISSION, action=PolicyAction.USE,
        purposes=["research"],
    )  # fmt: skip
    PolicyRule.objects.create(
        dataset=dataset, kind=PolicyRule.Kind.DUTY, action=PolicyAction.SIGN_AGREEMENT
    )
    Agreement.objects.create(dataset=dataset, version=1, text={"en": "Old terms."})
    Agreement.objects.create(dataset=dataset, version=2, text={"en": "Use it for research only."})
    return dataset


@pytest.fixture
def linked(restricted):
    return DistributionFactory(
        dataset=restricted, access_url=SECRET_ACCESS, download_url=SECRET_URL
    )


@pytest.fixture
def uploaded(restricted):
    return DistributionFactory(
        dataset=restricted,
        access_url="",
        download_url="",
        file=ContentFile(CSV, name="permits-secret-file.csv"),
    )


def _request_data(**overrides):
    data = {
        "organisation": "Utrecht University",
        "purpose": "research",
        "actions": ["use"],
        "recipient_type": "research",
        "territory": "NL",
        "description": "Study of parking pressure.",
        "accept_agreement": "on",
        "agreement_version": "2",
    }
    data.update(overrides)
    return data


def _approved(dataset, user, **kwargs):
    return AccessRequest.objects.create(
        dataset=dataset, user=user, purpose="research", status=AccessRequest.Status.APPROVED,
        decided_at=timezone.now(), **kwargs,
    )  # fmt: skip


# Requesting -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, restricted):
    response = client.get("/datasets/parking-permits/access/")
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert client.post("/datasets/parking-permits/access/", _request_data()).status_code == 302
    assert not AccessRequest.objects.exists()


def test_a_re_user_requests_access_and_accepts_the_current_agreement(
    client, carol, alice, restricted, django_capture_on_commit_callbacks
):
    client.force_login(carol)
    form = client.get("/datasets/parking-permits/access/")
    assert form.status_code == 200
    assert b"Use it for research only." in form.content
    assert b"Old terms." not in form.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/datasets/parking-permits/access/", _request_data())

    item = AccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/access-requests/{item.pk}/"
    assert item.user == carol
    assert item.status == AccessRequest.Status.PENDING
    assert item.organisation == "Utrecht University"
    assert item.actions == ["use"]
    assert item.agreement.version == 2
    assert item.agreement_accepted_at is not None
    assert item.policy_snapshot["access"] == "RESTRICTED"
    assert item.policy_snapshot["requires_agreement"] is True
    assert {(r["kind"], r["action"]) for r in item.policy_snapshot["rules"]} == {
        ("permission", "use"),
        ("duty", "sign_agreement"),
    }
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert "parking-permits" in mail.outbox[0].subject or "Dataset" in mail.outbox[0].subject
    assert f"/access-requests/{item.pk}/" in mail.outbox[0].body


def test_the_agreement_must_be_accepted(client, carol, restricted):
    client.force_login(carol)
    data = _request_data()
    del data["accept_agreement"]
    response = client.post("/datasets/parking-permits/access/", data)
    assert response.status_code == 400
    assert not AccessRequest.objects.exists()


def test_an_agreement_changed_meanwhile_must_be_read_again(client, carol, restricted):
    client.force_login(carol)
    response = client.post("/datasets/parking-permits/access/", _request_data(agreement_version=1))
    assert response.status_code == 400
    assert b"agreement has changed" in response.content
    assert not AccessRequest.objects.exists()


def test_a_second_open_request_is_refused(client, carol, restricted):
    client.force_login(carol)
    client.post("/datasets/parking-permits/access/", _request_data())
    response = client.post("/datasets/parking-permits/access/", _request_data())
    assert response.status_code == 302
    assert AccessRequest.objects.count() == 1


def test_request_creation_is_rate_limited(client, carol, publisher):
    rights = concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED")
    client.force_login(carol)
    statuses = []
    for number in range(access.RATE_LIMIT + 1):
        DatasetFactory(published=True, slug=f"r{number}", publisher=publisher, access_rights=rights)
        statuses.append(client.post(f"/datasets/r{number}/access/", _request_data()).status_code)
    assert statuses == [302] * access.RATE_LIMIT + [429]
    assert AccessRequest.objects.count() == access.RATE_LIMIT


def test_public_datasets_need_no_request(client, carol, publisher):
    DatasetFactory(published=True, slug="open", publisher=publisher)
    client.force_login(carol)
    assert b"No request needed" in client.get("/datasets/open/access/").content
    assert client.post("/datasets/open/access/", _request_data()).status_code == 400
    assert not AccessRequest.objects.exists()


def test_undeclared_access_rights_keep_the_links_public(client):
    # Harvested records often name no access rights and no licence: their files are public
    # at the source, so the page shows the real link (what they may be used for is the
    # reuse check's question, which lets no uncovered use through).
    dataset = DatasetFactory(published=True, slug="unlabelled", access_rights=None, licence=None)
    DistributionFactory(dataset=dataset, download_url=SECRET_URL, access_url=SECRET_URL)

    assert access.access_level(dataset) == "PUBLIC"
    assert SECRET_URL in client.get("/datasets/unlabelled/").content.decode()
    verdict = client.post(
        "/api/v1/datasets/unlabelled/reuse-check",
        {
            "purpose": "research",
            "commercial": False,
            "actions": ["use"],
            "recipient_type": "citizen",
        },
        content_type="application/json",
    ).json()["verdict"]
    assert verdict == "needs_agreement"


def test_non_public_datasets_offer_reason_and_contact_only(client, carol, publisher):
    DatasetFactory(
        published=True, slug="closed", publisher=publisher, access_reason="personal_data",
        legal_basis={"en": "GDPR article 9"}, legal_basis_uri="https://eur-lex.europa.eu/gdpr",
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "NON_PUBLIC"),
    )  # fmt: skip
    client.force_login(carol)
    page = client.get("/datasets/closed/").content.decode()
    assert "/datasets/closed/access/" not in page
    assert "Personal data" in page
    assert "GDPR article 9" in page
    assert client.post("/datasets/closed/access/", _request_data()).status_code == 400
    assert not AccessRequest.objects.exists()


def test_drafts_cannot_be_requested(client, carol, publisher):
    DatasetFactory(
        slug="draft", publisher=publisher,
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED"),
    )  # fmt: skip
    client.force_login(carol)
    assert client.get("/datasets/draft/access/").status_code == 404


# Deciding ---------------------------------------------------------------------------------


@pytest.fixture
def pending(client, carol, restricted):
    client.force_login(carol)
    client.post("/datasets/parking-permits/access/", _request_data())
    client.logout()
    mail.outbox.clear()
    return AccessRequest.objects.get()


def _act(client, item, action, **fields):
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(f"/access-requests/{item.pk}/", data)


def test_question_answer_approve_and_download(
    client, carol, alice, pending, uploaded, django_capture_on_commit_callbacks
):
    download = uploaded.get_download_url()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert _act(client, pending, "ask", body="Which faculty?").status_code == 302
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.QUESTION
    assert mail.outbox[-1].to == [carol.email]
    assert "Which faculty?" in mail.outbox[-1].body

    client.force_login(carol)
    assert client.get(download).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert _act(client, pending, "answer", body="Geosciences.").status_code == 302
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.PENDING
    assert mail.outbox[-1].to == [alice.email]
    assert _act(client, pending, "approve").status_code == 302  # not hers to decide
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.PENDING

    client.force_login(alice)
    until = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, pending, "approve", access_until=until.isoformat(), extra_conditions="Cite.")
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.APPROVED
    assert pending.decided_by == alice
    assert pending.access_until == until
    assert mail.outbox[-1].to == [carol.email]
    thread = client.get(f"/access-requests/{pending.pk}/").content.decode()
    assert "Which faculty?" in thread and "Geosciences." in thread

    client.force_login(carol)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV
    mine = client.get("/account/access-requests/").content.decode()
    assert "Approved" in mine


def test_refusal_needs_a_reason_and_ends_access(client, carol, alice, pending, linked):
    client.force_login(alice)
    assert _act(client, pending, "refuse", reason="").status_code == 400
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.PENDING
    _act(client, pending, "refuse", reason="Not for commercial parties.")
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.REFUSED
    assert pending.decision_reason == "Not for commercial parties."
    client.force_login(carol)
    assert client.get(linked.get_download_url()).status_code == 403


def test_the_requester_may_withdraw(client, carol, pending):
    client.force_login(carol)
    _act(client, pending, "withdraw")
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.WITHDRAWN


def test_outsiders_cannot_see_or_decide(client, bob, pending):
    client.force_login(bob)
    assert client.get(f"/access-requests/{pending.pk}/").status_code == 404
    assert _act(client, pending, "approve").status_code == 404
    assert client.get("/publishers/gemeente-utrecht/access-requests/").status_code == 404
    assert client.get("/publishers/gemeente-utrecht/access-requests.csv").status_code == 404
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.PENDING


def test_publisher_list_filters_by_status(client, alice, manager, pending, restricted):
    other = _approved(restricted, UserFactory(username="dave"))
    client.force_login(alice)
    response = client.get("/publishers/gemeente-utrecht/access-requests/?status=approved")
    assert [item.pk for item in response.context["page_obj"]] == [other.pk]
    response = client.get("/publishers/gemeente-utrecht/access-requests/")
    assert {item.pk for item in response.context["page_obj"]} == {pending.pk, other.pk}
    client.force_login(manager)
    assert client.get(f"/access-requests/{pending.pk}/").status_code == 200


def test_my_requests_lists_only_my_own(client, carol, pending, restricted):
    _approved(restricted, UserFactory(username="dave"))
    client.force_login(carol)
    response = client.get("/account/access-requests/")
    assert [item.pk for item in response.context["page_obj"]] == [pending.pk]


def test_a_failing_mail_server_does_not_break_the_request(
    client, carol, restricted, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(access, "send_mail", broken)
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/datasets/parking-permits/access/", _request_data())
    assert response.status_code == 302
    assert AccessRequest.objects.count() == 1


def test_audit_trail_csv(client, alice, carol, pending):
    client.force_login(alice)
    _act(client, pending, "refuse", reason='=HYPERLINK("x")')
    response = client.get("/publishers/gemeente-utrecht/access-requests.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["user"] == "carol"
    assert row["organisation"] == "Utrecht University"
    assert row["agreement_version"] == "2"
    assert row["agreement_accepted_at"]
    assert "access=RESTRICTED" in row["policy"] and "permission:use[research]" in row["policy"]
    assert row["status"] == "refused"
    assert row["decided_by"] == "alice"
    assert row["reason"].startswith("'=")  # no formula in a spreadsheet


# Nothing leaks ----------------------------------------------------------------------------


@pytest.fixture
def viewer(request, client, pending, restricted):
    """Who looks: nobody, another signed-in user, or one whose approval has expired."""
    kind = request.param
    if kind == "signed-in":
        client.force_login(UserFactory(username="eve"))
    elif kind == "expired":
        user = UserFactory(username="frank")
        _approved(restricted, user, access_until=timezone.localdate() - datetime.timedelta(1))
        client.force_login(user)
    return kind


VIEWERS = ["anonymous", "signed-in", "expired"]
SECRETS = (SECRET_URL, SECRET_ACCESS, "permits-secret-file", "secret.example.org")


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _assert_no_secret(text: str):
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_dataset_page_hides_restricted_locations(client, viewer, linked, uploaded):
    response = client.get("/datasets/parking-permits/")
    page = response.content.decode()
    _assert_no_secret(page)
    assert "/datasets/parking-permits/access/" in page
    assert "Request access" in page


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_portal_download_refuses(client, viewer, linked, uploaded):
    for distribution in (linked, uploaded):
        response = client.get(distribution.get_download_url())
        assert response.status_code == 403
        assert "Location" not in response
        _assert_no_secret(response.content.decode())
        assert b"Request access" in response.content


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_rest_api_hides_restricted_locations(client, viewer, linked, uploaded):
    for url in (
        "/api/v1/datasets/parking-permits/",
        "/api/v1/datasets/",
        f"/api/v1/distributions/{linked.uuid}/",
        f"/api/v1/distributions/{uploaded.uuid}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_secret(response.content.decode())
    data = client.get(f"/api/v1/distributions/{linked.uuid}/").json()
    assert data["access_url"] == "https://data.example.nl" + linked.get_download_url()
    assert data["download_url"] == ""


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_ckan_api_hides_restricted_locations(client, viewer, linked, uploaded):
    for url in (
        "/api/3/action/package_show?id=parking-permits",
        f"/api/3/action/resource_show?id={linked.uuid}",
        f"/api/3/action/resource_show?id={uploaded.uuid}",
        "/api/3/action/package_search?q=parking",
        "/api/3/action/package_search",
        "/api/3/action/organization_show?id=gemeente-utrecht&include_datasets=true",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_secret(response.content.decode())
    resource = client.get(f"/api/3/action/resource_show?id={linked.uuid}").json()["result"]
    assert resource["url"] == "https://data.example.nl" + linked.get_download_url()


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_dcat_hides_restricted_locations(client, viewer, linked, uploaded):
    for url in (
        "/datasets/parking-permits.ttl",
        "/datasets/parking-permits.jsonld",
        "/datasets/parking-permits.rdf",
        "/catalog.nt",
        "/publishers/gemeente-utrecht.ttl",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        _assert_no_secret(body)
        assert "downloadURL" not in body
    turtle = _body(client.get("/datasets/parking-permits.nt"))
    assert (
        "<http://www.w3.org/ns/dcat#accessURL> "
        "<https://data.example.nl/datasets/parking-permits/access/>" in turtle
    )


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
def test_search_and_sitemaps_hide_restricted_locations(client, viewer, linked, uploaded):
    for url in ("/datasets/?q=parking", "/datasets/", "/sitemap.xml", "/sitemap-datasets.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_secret(response.content.decode())


def test_export_hides_restricted_locations(linked, uploaded):
    out = io.StringIO()
    call_command("export_dcat", "--format", "nt", stdout=out)
    text = out.getvalue()
    assert "parking-permits" in text
    _assert_no_secret(text)


def test_schema_org_hides_restricted_locations(client, linked):
    page = client.get("/datasets/parking-permits/").content.decode()
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(page[start : page.index("</script>", start)])
    assert data["distribution"][0]["contentUrl"].endswith(linked.get_download_url())


# Granted -----------------------------------------------------------------------------------


def test_approved_users_get_the_real_locations_everywhere(client, carol, linked, uploaded):
    _approved(linked.dataset, carol, access_until=timezone.localdate())
    client.force_login(carol)
    response = client.get(linked.get_download_url())
    assert response.status_code == 302
    assert response["Location"] == SECRET_URL
    response = client.get(uploaded.get_download_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CSV
    page = client.get("/datasets/parking-permits/").content.decode()
    assert uploaded.get_download_url() in page
    assert "You have access" in page
    data = client.get(f"/api/v1/distributions/{linked.uuid}/").json()
    assert data["download_url"] == SECRET_URL
    _token, key = ApiToken.create_for(carol, "script")  # the CKAN API knows tokens only
    resource = client.get(
        f"/api/3/action/resource_show?id={linked.uuid}", HTTP_AUTHORIZATION=f"Token {key}"
    ).json()["result"]
    assert resource["url"] == SECRET_ACCESS
    assert resource["download_url"] == SECRET_URL


def test_members_and_site_managers_keep_access(client, alice, manager, bob, linked):
    for user in (alice, manager):
        client.force_login(user)
        response = client.get(linked.get_download_url())
        assert response.status_code == 302
        assert response["Location"] == SECRET_URL
    client.force_login(bob)  # a member of another publisher
    assert client.get(linked.get_download_url()).status_code == 403


def test_non_public_data_is_not_handed_out_after_an_old_approval(client, carol, linked):
    _approved(linked.dataset, carol)
    linked.dataset.access_rights = concept(Concept.Scheme.ACCESS_RIGHT, "NON_PUBLIC")
    linked.dataset.save()
    client.force_login(carol)
    assert client.get(linked.get_download_url()).status_code == 403


def test_a_restricted_distribution_of_a_public_dataset_can_be_requested(client, carol, publisher):
    dataset = DatasetFactory(published=True, slug="mixed", publisher=publisher)
    public = DistributionFactory(dataset=dataset)
    closed = DistributionFactory(
        dataset=dataset, download_url=SECRET_URL, access_url=SECRET_ACCESS,
        access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED"),
    )  # fmt: skip
    client.force_login(carol)
    page = client.get("/datasets/mixed/").content.decode()
    _assert_no_secret(page)
    assert public.get_download_url() in page
    assert client.get(public.get_download_url()).status_code == 302
    assert client.get(closed.get_download_url()).status_code == 403
    assert client.get("/datasets/mixed/access/").status_code == 200


def test_dataset_page_query_count_does_not_grow_with_distributions(client, carol, restricted):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/datasets/parking-permits/").status_code == 200
        return len(queries)

    def add():
        DistributionFactory(
            dataset=restricted, licence=LicenceFactory(),
            access_rights=concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED"),
        )  # fmt: skip

    client.force_login(carol)
    add()
    before = count()
    for _number in range(4):
        add()
    assert count() == before


def test_admin_lists_requests_for_site_managers_only(client, manager, alice, pending):
    client.force_login(manager)
    response = client.get("/admin/catalog/accessrequest/")
    assert response.status_code == 200
    assert b"Utrecht University" in response.content
    assert client.get(f"/admin/catalog/accessrequest/{pending.pk}/change/").status_code == 200
    client.force_login(alice)
    assert client.get("/admin/catalog/accessrequest/").status_code == 403
