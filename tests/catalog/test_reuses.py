"""Reuses (showcases): registration, moderation, what appears where, and Getting started."""

import io
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog import showcase
from catalog.models import Concept, Reuse
from tests.factories import DatasetFactory, DistributionFactory, UserFactory, concept

pytestmark = pytest.mark.django_db

NEW_URL = "/reuses/new/"


def png(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The rate limit counts in the cache, which outlives a test's rolled-back rows.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def dataset(publisher):
    return DatasetFactory(slug="bomen", publisher=publisher, published=True)


@pytest.fixture
def other_dataset(other_publisher):
    return DatasetFactory(slug="water", publisher=other_publisher, published=True)


def make_reuse(*datasets, status=Reuse.Status.APPROVED, **values):
    values = {
        "slug": f"reuse-{Reuse.objects.count() + 1}",
        "title": "Boomkaart",
        "type": Reuse.Type.APPLICATION,
        "url": "https://example.org/app",
        "description": "An *app* with every tree.",
        "author": "Stichting Groen",
        "status": status,
        **values,
    }
    reuse = Reuse.objects.create(**values)
    reuse.datasets.set(datasets)
    return reuse


def form_data(*datasets, **values):
    return {
        "title": "Bomen in je straat",
        "type": "visualisation",
        "url": "https://example.org/bomen",
        "description": "A map of **trees**.",
        "author": "Data Journalists NL",
        "datasets": [d.slug for d in datasets],
        "action": "save",
        **values,
    }


# Registering ---------------------------------------------------------------------------------


def test_anonymous_visitors_must_sign_in_to_register(client, dataset):
    response = client.get(NEW_URL)

    assert response.status_code == 302
    assert not Reuse.objects.exists()


def test_a_dataset_page_link_preselects_its_dataset(client, carol, dataset, other_dataset):
    client.force_login(carol)

    html = client.get(NEW_URL, {"dataset": dataset.slug}).content.decode()

    assert f'value="{dataset.slug}" checked' in html
    assert f'value="{other_dataset.slug}">' in html


def test_a_signed_in_user_registers_a_pending_reuse(client, carol, dataset, other_dataset):
    client.force_login(carol)
    image = SimpleUploadedFile("kaart.png", png(), content_type="image/png")

    response = client.post(NEW_URL, {**form_data(dataset, other_dataset), "image": image})

    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:my-reuses")
    reuse = Reuse.objects.get()
    assert reuse.status == Reuse.Status.PENDING
    assert reuse.slug == "bomen-in-je-straat"
    assert reuse.submitted_by == carol
    assert set(reuse.datasets.values_list("slug", flat=True)) == {"bomen", "water"}
    assert reuse.image.name.endswith(".png")
    mine = client.get(reverse("catalog:my-reuses")).content.decode()
    assert "Bomen in je straat" in mine and "Waiting for moderation" in mine


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kaart.png", b"not an image at all", "Upload a valid image"),
        ("kaart.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "Upload a valid image"),
        ("kaart.gif", b"GIF89a" + b"\x00" * 20, "Upload a valid image"),
        ("kaart.png", png() + b"\x00" * (2 * 1024 * 1024), "images may be at most 2"),
    ],
)
def test_a_bad_image_is_refused_plainly_and_nothing_is_kept(
    client, carol, dataset, settings, name, content, message
):
    client.force_login(carol)
    image = SimpleUploadedFile(name, content)

    response = client.post(NEW_URL, {**form_data(dataset), "image": image})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "The reuse could not be saved" in html
    assert not Reuse.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_only_published_datasets_can_be_chosen(client, carol, publisher):
    draft = DatasetFactory(slug="geheim", publisher=publisher)
    client.force_login(carol)

    response = client.post(NEW_URL, form_data(draft))

    assert response.status_code == 400
    assert "geheim is not a published dataset" in response.content.decode()
    assert not Reuse.objects.exists()
    html = client.get(NEW_URL).content.decode()
    assert 'value="geheim"' not in html


def test_a_reuse_needs_a_dataset_and_a_title(client, carol):
    client.force_login(carol)

    response = client.post(NEW_URL, form_data(title=""))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one dataset" in html
    assert "This field is required." in html


def test_finding_datasets_keeps_the_text_and_shows_no_errors(
    client, carol, dataset, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the search index
        DatasetFactory(slug="fietsen", title={"en": "Bicycle counts"}, published=True)
    client.force_login(carol)

    response = client.post(
        NEW_URL, {**form_data(dataset), "action": "find", "find": "bicycle", "title": "Mijn app"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Mijn app"' in html
    assert 'value="bomen" checked' in html
    assert 'value="fietsen"' in html
    assert "could not be saved" not in html
    assert not Reuse.objects.exists()


def test_submissions_are_rate_limited_per_user(client, carol, dataset):
    client.force_login(carol)
    for number in range(showcase.SUBMISSIONS_PER_HOUR):
        response = client.post(NEW_URL, form_data(dataset, title=f"Reuse {number}"))
        assert response.status_code == 302

    response = client.post(NEW_URL, form_data(dataset, title="One too many"))

    assert response.status_code == 429
    assert Reuse.objects.count() == showcase.SUBMISSIONS_PER_HOUR
    other = UserFactory(username="dave")
    client.force_login(other)
    assert client.post(NEW_URL, form_data(dataset, title="Dave's")).status_code == 302


def test_a_title_like_a_page_path_gets_another_slug(client, carol, dataset):
    client.force_login(carol)

    client.post(NEW_URL, form_data(dataset, title="New"))
    client.post(NEW_URL, form_data(dataset, title="New"))

    assert set(Reuse.objects.values_list("slug", flat=True)) == {"new-reuse", "new-reuse-2"}


# Notifications -------------------------------------------------------------------------------


def test_publishers_members_hear_of_a_new_reuse_of_their_data(
    client, carol, alice, anna, bob, dataset, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(carol)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW_URL, form_data(dataset))

    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "anna@example.org"]
    assert "Bomen in je straat" in mailoutbox[0].subject
    assert "/reuses/moderation/" in mailoutbox[0].body


def test_a_failing_mail_server_does_not_fail_the_submission(
    client, carol, alice, dataset, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(showcase, "send_mail", broken)
    client.force_login(carol)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW_URL, form_data(dataset))

    assert response.status_code == 302
    assert Reuse.objects.count() == 1
    assert "Could not send a reuse e-mail" in caplog.text


def test_the_submitter_hears_the_decision(
    client, alice, carol, dataset, mailoutbox, django_capture_on_commit_callbacks
):
    reuse = make_reuse(dataset, status=Reuse.Status.PENDING, submitted_by=carol)
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reuses/{reuse.slug}/moderate/", {"decision": "approve"})

    assert [m.to for m in mailoutbox] == [["carol@example.org"]]
    assert "published" in mailoutbox[0].subject
    assert reuse.get_absolute_url() in mailoutbox[0].body


# Moderation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("alice", True), ("anna", True), ("manager", True), ("bob", False), ("carol", False)],
)
def test_who_may_moderate(client, request, dataset, who, allowed):
    user = request.getfixturevalue(who)
    reuse = make_reuse(dataset, status=Reuse.Status.PENDING)
    client.force_login(user)

    response = client.post(f"/reuses/{reuse.slug}/moderate/", {"decision": "approve"})

    reuse.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert reuse.status == Reuse.Status.APPROVED
        assert reuse.moderated_by == user and reuse.moderated_at
    else:
        assert response.status_code == 404
        assert reuse.status == Reuse.Status.PENDING


def test_moderating_needs_post_and_a_decision(client, alice, dataset):
    reuse = make_reuse(dataset, status=Reuse.Status.PENDING)
    client.force_login(alice)

    assert client.get(f"/reuses/{reuse.slug}/moderate/").status_code == 405
    assert client.post(f"/reuses/{reuse.slug}/moderate/", {"decision": "x"}).status_code == 400
    client.logout()
    assert (
        client.post(f"/reuses/{reuse.slug}/moderate/", {"decision": "approve"}).status_code == 302
    )
    reuse.refresh_from_db()
    assert reuse.status == Reuse.Status.PENDING


def test_moderating_is_csrf_protected(alice, dataset):
    from django.test import Client

    reuse = make_reuse(dataset, status=Reuse.Status.PENDING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(f"/reuses/{reuse.slug}/moderate/", {"decision": "approve"})

    assert response.status_code == 403
    reuse.refresh_from_db()
    assert reuse.status == Reuse.Status.PENDING


def test_the_moderation_list_shows_pending_reuses_of_ones_own_data(
    client, alice, bob, carol, dataset, other_dataset
):
    make_reuse(dataset, status=Reuse.Status.PENDING, title="Ours pending")
    make_reuse(dataset, status=Reuse.Status.APPROVED, title="Ours approved")
    make_reuse(other_dataset, status=Reuse.Status.PENDING, title="Theirs pending")
    client.force_login(alice)

    html = client.get("/reuses/moderation/").content.decode()

    assert "Ours pending" in html
    assert "Ours approved" not in html and "Theirs pending" not in html
    client.force_login(carol)
    assert client.get("/reuses/moderation/").status_code == 403


def test_a_reject_redirects_to_a_local_next_only(client, alice, dataset):
    reuse = make_reuse(dataset, status=Reuse.Status.PENDING)
    client.force_login(alice)

    response = client.post(
        f"/reuses/{reuse.slug}/moderate/", {"decision": "reject", "next": "https://evil.example/"}
    )

    assert response["Location"] == reuse.get_absolute_url()
    reuse.refresh_from_db()
    assert reuse.status == Reuse.Status.REJECTED


def test_the_admin_lists_and_moderates_reuses_of_ones_own_data(
    client, alice, dataset, other_dataset
):
    ours = make_reuse(dataset, status=Reuse.Status.PENDING, title="Ours pending")
    theirs = make_reuse(other_dataset, status=Reuse.Status.PENDING, title="Theirs pending")
    client.force_login(alice)

    html = client.get("/admin/catalog/reuse/").content.decode()
    assert "Ours pending" in html and "Theirs pending" not in html
    assert client.get(f"/admin/catalog/reuse/{theirs.pk}/change/").status_code in (302, 403, 404)

    client.post(
        "/admin/catalog/reuse/",
        {"action": "approve", "_selected_action": [ours.pk, theirs.pk]},
    )

    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.status == Reuse.Status.APPROVED
    assert theirs.status == Reuse.Status.PENDING


def test_people_without_a_publisher_do_not_see_reuses_in_the_admin(client, carol, manager):
    carol.is_staff = True
    carol.save()
    client.force_login(carol)
    assert client.get("/admin/catalog/reuse/").status_code == 403
    client.force_login(manager)
    assert client.get("/admin/catalog/reuse/").status_code == 200


# Visibility on every surface -----------------------------------------------------------------


@pytest.mark.parametrize("status", [Reuse.Status.PENDING, Reuse.Status.REJECTED])
def test_unapproved_reuses_appear_nowhere_public(client, dataset, settings, status):
    settings.SITE_URL = "https://data.example.nl"
    reuse = make_reuse(dataset, status=status, title="Verborgen app")

    assert "Verborgen app" not in client.get(dataset.get_absolute_url()).content.decode()
    assert "Verborgen app" not in client.get("/reuses/").content.decode()
    assert client.get(reuse.get_absolute_url()).status_code == 404
    assert client.get(f"/reuses/{reuse.slug}/image").status_code == 404
    assert client.get("/api/v1/reuses/").json()["count"] == 0
    assert client.get(f"/api/v1/reuses/{reuse.slug}/").status_code == 404
    assert reuse.slug not in client.get("/sitemap-reuses.xml").content.decode()


def test_approved_reuses_appear_on_every_surface(client, dataset, settings):
    settings.SITE_URL = "https://data.example.nl"
    reuse = make_reuse(dataset, title="Boomkaart")

    page = client.get(dataset.get_absolute_url()).content.decode()
    assert "Boomkaart" in page and reuse.get_absolute_url() in page
    assert f"/reuses/new/?dataset={dataset.slug}" in page
    assert "Boomkaart" in client.get("/reuses/").content.decode()
    detail = client.get(reuse.get_absolute_url()).content.decode()
    assert "<em>app</em>" in detail and dataset.get_absolute_url() in detail
    body = client.get(f"/api/v1/reuses/{reuse.slug}/").json()
    assert body["title"] == "Boomkaart" and body["datasets"] == ["bomen"]
    assert body["web_url"] == "https://data.example.nl" + reuse.get_absolute_url()
    sitemap = ET.fromstring(client.get("/sitemap-reuses.xml").content)
    locations = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations == ["https://data.example.nl" + reuse.get_absolute_url()]


def test_submitter_and_moderators_preview_a_pending_reuse(client, alice, bob, carol, dataset):
    reuse = make_reuse(dataset, status=Reuse.Status.PENDING, submitted_by=carol)

    client.force_login(carol)
    html = client.get(reuse.get_absolute_url()).content.decode()
    assert "not public" in html and 'name="robots" content="noindex"' in html
    assert 'value="approve"' not in html
    client.force_login(alice)
    assert 'value="approve"' in client.get(reuse.get_absolute_url()).content.decode()
    client.force_login(bob)
    assert client.get(reuse.get_absolute_url()).status_code == 404


def test_draft_datasets_of_an_approved_reuse_stay_hidden(client, dataset, publisher):
    draft = DatasetFactory(slug="geheim", title={"en": "Secret data"}, publisher=publisher)
    reuse = make_reuse(dataset, draft)

    assert client.get(f"/api/v1/reuses/{reuse.slug}/").json()["datasets"] == ["bomen"]
    assert "Secret data" not in client.get(reuse.get_absolute_url()).content.decode()
    assert "Secret data" not in client.get("/reuses/").content.decode()
    assert client.get("/reuses/", {"dataset": "geheim"}).context["page_obj"].paginator.count == 0


def test_an_approved_image_is_served_with_safe_headers(client, dataset):
    reuse = make_reuse(dataset)
    reuse.image.save("kaart.png", SimpleUploadedFile("kaart.png", png()))

    response = client.get(f"/reuses/{reuse.slug}/image")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png()
    assert client.get(f"/api/v1/reuses/{reuse.slug}/").json()["image_url"].endswith("/image")


# Filters, pagination, queries ----------------------------------------------------------------


def test_the_reuse_list_filters(client, dataset, other_dataset, other_publisher):
    make_reuse(dataset, title="Boomkaart", type=Reuse.Type.APPLICATION)
    make_reuse(other_dataset, title="Waterpeil artikel", type=Reuse.Type.NEWS_ARTICLE)
    make_reuse(dataset, other_dataset, title="Onderzoek groen en water", type="research_paper")

    def titles(**params):
        response = client.get("/reuses/", params)
        assert response.status_code == 200
        return sorted(reuse.title for reuse in response.context["page_obj"])

    def api_titles(**params):
        return sorted(r["title"] for r in client.get("/api/v1/reuses/", params).json()["results"])

    assert titles(type="news_article") == ["Waterpeil artikel"]
    assert titles(dataset="bomen") == ["Boomkaart", "Onderzoek groen en water"]
    assert titles(publisher=other_publisher.slug) == [
        "Onderzoek groen en water",
        "Waterpeil artikel",
    ]
    assert titles(q="water") == ["Onderzoek groen en water", "Waterpeil artikel"]
    assert titles(type="nonsense", page="x") == []
    assert api_titles(type="application") == ["Boomkaart"]
    assert api_titles(dataset="water", q="artikel") == ["Waterpeil artikel"]


def test_the_reuse_list_is_paginated(client, dataset):
    for number in range(25):
        make_reuse(dataset, title=f"Reuse {number}")

    assert len(client.get("/reuses/").context["page_obj"]) == 20
    assert len(client.get("/reuses/", {"page": 2}).context["page_obj"]) == 5
    assert len(client.get("/reuses/", {"page": "999"}).context["page_obj"]) == 5


def test_reuse_lists_take_a_fixed_number_of_queries(
    client, dataset, other_dataset, django_assert_max_num_queries
):
    make_reuse(dataset)
    with django_assert_max_num_queries(20) as few:
        client.get("/reuses/")
    with django_assert_max_num_queries(20) as few_api:
        client.get("/api/v1/reuses/")
    for number in range(8):
        extra = DatasetFactory(published=True)
        make_reuse(dataset, other_dataset, extra, title=f"Reuse {number}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/reuses/")
    with django_assert_max_num_queries(len(few_api.captured_queries)):
        client.get("/api/v1/reuses/")


# Getting started -----------------------------------------------------------------------------


def _getting_started(html: str) -> str:
    start = html.index('id="getting-started"')
    return html[start : html.index("</section>", start)]


def test_getting_started_has_snippets_with_the_real_urls(client, dataset, settings):
    settings.SITE_URL = "https://data.example.nl"
    DistributionFactory(dataset=dataset, download_url="https://data.example.org/bomen.csv")
    DistributionFactory(
        dataset=dataset,
        download_url="https://data.example.org/bomen.json",
        access_url="https://data.example.org/bomen.json",
        format=concept(Concept.Scheme.FILE_TYPE, "JSON"),
    )

    section = _getting_started(client.get(dataset.get_absolute_url()).content.decode())

    assert "curl -L -o &#x27;bomen.csv&#x27; &#x27;https://data.example.org/bomen.csv&#x27;" in (
        section
    )
    assert "pd.read_csv(&quot;https://data.example.org/bomen.csv&quot;)" in section
    assert "read.csv(&quot;https://data.example.org/bomen.csv&quot;" in section
    assert "pd.read_json(&quot;https://data.example.org/bomen.json&quot;)" in section
    assert "fromJSON(&quot;https://data.example.org/bomen.json&quot;)" in section
    assert "https://data.example.nl/api/v1/datasets/bomen/" in section
    assert "https://data.example.nl/api/3/action/package_show?id=bomen" in section
    assert "https://data.example.nl/datasets/bomen.ttl" in section
    assert "https://data.example.nl/datasets/bomen.jsonld" in section


def test_uploaded_files_are_fetched_from_the_portal(client, dataset, settings):
    settings.SITE_URL = "https://data.example.nl"
    distribution = DistributionFactory(
        dataset=dataset,
        access_url="",
        download_url="",
        file=SimpleUploadedFile("bomen.csv", b"id,soort\n1,eik\n"),
    )

    section = _getting_started(client.get(dataset.get_absolute_url()).content.decode())

    assert f"https://data.example.nl{distribution.get_download_url()}" in section
    assert "read_csv" in section


def test_getting_started_never_shows_a_restricted_url(client, publisher):
    restricted = concept(Concept.Scheme.ACCESS_RIGHT, "RESTRICTED")
    dataset = DatasetFactory(
        slug="cohort", publisher=publisher, access_rights=restricted, published=True
    )
    DistributionFactory(dataset=dataset, download_url="https://secret.example.org/cohort.csv")
    public = DatasetFactory(slug="open", publisher=publisher, published=True)
    DistributionFactory(
        dataset=public,
        access_rights=restricted,
        download_url="https://secret.example.org/part.csv",
        access_url="https://secret.example.org/part.csv",
    )

    for item in (dataset, public):
        section = _getting_started(client.get(item.get_absolute_url()).content.decode())
        assert "secret.example.org" not in section
        assert "no ready-made code" in section


def test_web_pages_get_no_snippet(client, dataset):
    DistributionFactory(
        dataset=dataset,
        download_url="",
        access_url="https://example.org/page",
        format=concept(Concept.Scheme.FILE_TYPE, "HTML"),
    )

    section = _getting_started(client.get(dataset.get_absolute_url()).content.decode())

    assert "example.org/page" not in section
