"""Publishing through the admin: the dataset form, uploads, publish / withdraw, the list."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Concept, ContactPoint, Dataset, Distribution
from tests.factories import (
    ContactPointFactory,
    DatasetFactory,
    DistributionFactory,
    LicenceFactory,
    concept,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:catalog_dataset_add")
CHANGELIST_URL = reverse("admin:catalog_dataset_changelist")
CSV = b"year,count\n2023,120\n2024,135\n"


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def distribution_data(index, **fields):
    data = {"status": "COMPLETED", "position": str(index), **fields}
    return {f"distributions-{index}-{name}": value for name, value in data.items()}


def dataset_form_data(publisher, *, distributions=(), **overrides):
    """What the dataset add form posts; `distributions` are dicts of inline fields."""
    data = {
        "title_0": "Fietstellingen",
        "title_1": "Bicycle counts",
        "description_0": "Tellingen van fietsers op de Utrechtse fietspaden.",
        "description_1": "Counts of cyclists on Utrecht's cycle paths.",
        "slug": "",
        "themes": [concept(Concept.Scheme.THEME, "TRAN").pk],
        "keyword_text_0": "fiets, verkeer",
        "keyword_text_1": "bicycle, traffic",
        "documentation": "https://example.org/docs\nhttps://example.org/faq",
        "conforms_to": "",
        "licence": LicenceFactory().pk,
        "access_rights": concept(Concept.Scheme.ACCESS_RIGHT, "PUBLIC").pk,
        "publisher": publisher.pk,
        "status": "draft",
        **management("distributions", len(distributions)),
        **management("contact_points", 1),
        "contact_points-0-name": "Data desk",
        "contact_points-0-email": "data@utrecht.example",
        **management("relations", 0),
    }
    for index, fields in enumerate(distributions):
        data.update(distribution_data(index, **fields))
    data.update(overrides)
    return data


def upload(name="fietstellingen.csv", content=CSV, content_type="text/csv"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Creating and publishing ---------------------------------------------------------------


def test_editor_publishes_dataset_with_uploaded_csv(client, alice, publisher):
    client.force_login(alice)
    data = dataset_form_data(
        publisher, distributions=[{"title_1": "Counts as CSV", "file": upload()}], _publish="1"
    )

    response = client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    dataset = Dataset.objects.get()
    assert dataset.status == Dataset.Status.PUBLISHED
    assert dataset.published_at is not None
    assert dataset.slug == "fietstellingen"
    assert dataset.publisher == publisher
    assert dataset.documentation == ["https://example.org/docs", "https://example.org/faq"]
    assert dataset.keywords_by_language() == {
        "nl": ["fiets", "verkeer"],
        "en": ["bicycle", "traffic"],
    }
    assert dataset.contact_points.get().email == "data@utrecht.example"
    distribution = dataset.distributions.get()
    assert distribution.byte_size == len(CSV)
    assert distribution.checksum == hashlib.sha256(CSV).hexdigest()
    assert distribution.format.code == "CSV"
    assert distribution.media_type == "text/csv"
    assert distribution.file.read() == CSV


def test_saving_without_publish_keeps_a_draft(client, alice, publisher):
    client.force_login(alice)

    client.post(
        ADD_URL, dataset_form_data(publisher, distributions=[{"access_url": "https://x.example/a"}])
    )

    dataset = Dataset.objects.get()
    assert dataset.status == Dataset.Status.DRAFT
    assert dataset.published_at is None


def test_choosing_published_status_sets_published_at(client, alice, publisher):
    client.force_login(alice)

    client.post(ADD_URL, dataset_form_data(publisher, status="published"))

    assert Dataset.objects.get().published_at is not None


def test_linked_distribution_gets_media_type_from_format(client, alice, publisher):
    client.force_login(alice)
    json_format = concept(Concept.Scheme.FILE_TYPE, "JSON")
    data = dataset_form_data(
        publisher,
        distributions=[
            {"download_url": "https://data.example/counts.json", "format": json_format.pk}
        ],
    )

    client.post(ADD_URL, data)

    distribution = Distribution.objects.get()
    assert distribution.media_type == json_format.media_type
    assert distribution.byte_size is None


def test_blank_slug_is_made_unique(client, alice, publisher):
    DatasetFactory(slug="fietstellingen", publisher=publisher)
    client.force_login(alice)

    client.post(ADD_URL, dataset_form_data(publisher))

    assert Dataset.objects.filter(slug="fietstellingen-2").exists()


# Validation: plain messages, nothing written ---------------------------------------------


def test_dataset_without_theme_is_refused_with_a_plain_message(client, alice, publisher):
    client.force_login(alice)

    response = client.post(ADD_URL, dataset_form_data(publisher, themes=[]))

    assert response.status_code == 200
    assert "Choose at least one theme." in response.content.decode()
    assert not Dataset.objects.exists()


def test_documentation_lines_must_be_web_addresses(client, alice, publisher):
    client.force_login(alice)
    data = dataset_form_data(publisher, documentation="https://example.org/docs\nsee the wiki")

    response = client.post(ADD_URL, data)

    assert "Line 2, “see the wiki”, is not a web address." in response.content.decode()
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00binary", "Files of type .exe cannot be uploaded."),
        (
            "counts.csv",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "This file does not look like a .csv text file.",
        ),
        ("counts.csv", b"a,b\n" * 40, "files may be at most"),
    ],
    ids=["executable", "html-named-csv", "too-large"],
)
def test_bad_upload_is_refused_and_nothing_is_written(
    client, settings, alice, publisher, name, content, message
):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(alice)
    data = dataset_form_data(
        publisher,
        distributions=[{"file": upload()}, {"file": upload(name, content, "text/plain")}],
        _publish="1",
    )

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Dataset.objects.exists()
    assert not Distribution.objects.exists()
    assert stored_files(settings) == []


def test_failing_inline_on_change_writes_nothing(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher, title={"en": "Before"})
    client.force_login(alice)
    data = dataset_form_data(
        publisher,
        title_1="After",
        slug=dataset.slug,
        **{"contact_points-0-email": ""},  # a contact point without e-mail, URL or phone
    )

    response = client.post(reverse("admin:catalog_dataset_change", args=[dataset.pk]), data)

    assert response.status_code == 200
    assert "Give an e-mail address, web address or telephone number." in response.content.decode()
    dataset.refresh_from_db()
    assert dataset.title == {"en": "Before"}
    assert not ContactPoint.objects.exists()


def test_distribution_cannot_both_upload_and_link(client, alice, publisher):
    client.force_login(alice)
    data = dataset_form_data(
        publisher, distributions=[{"file": upload(), "download_url": "https://x.example/a.csv"}]
    )

    response = client.post(ADD_URL, data)

    assert "Either upload a file or link to the data, not both." in response.content.decode()
    assert not Dataset.objects.exists()


def test_distribution_needs_a_file_or_a_link(client, alice, publisher):
    client.force_login(alice)
    data = dataset_form_data(publisher, distributions=[{"title_1": "Nothing here"}])

    response = client.post(ADD_URL, data)

    assert "Give an access URL or a download URL, or upload a file." in response.content.decode()
    assert not Dataset.objects.exists()


# The change form -------------------------------------------------------------------------


def test_change_form_puts_languages_side_by_side_with_labels(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher, keywords={"en": ["traffic"], "nl": ["verkeer"]})
    DistributionFactory(dataset=dataset, title={"en": "Counts per hour"})
    client.force_login(alice)

    response = client.get(reverse("admin:catalog_dataset_change", args=[dataset.pk]))

    html = response.content.decode()
    assert 'aria-label="Title (Dutch)"' in html
    assert 'aria-label="Title (English)"' in html
    assert 'lang="nl"' in html
    assert 'class="language-map"' in html
    assert "admin-overrides/admin.css" in html
    assert 'value="verkeer"' in html and 'value="traffic"' in html
    assert 'value="Counts per hour"' in html


def test_change_form_keeps_keywords_of_other_languages(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher, keywords={"de": ["Verkehr"], "en": ["old"]})
    client.force_login(alice)
    data = dataset_form_data(publisher, slug=dataset.slug, keyword_text_0="", keyword_text_1="new")

    client.post(reverse("admin:catalog_dataset_change", args=[dataset.pk]), data)

    assert dataset.keywords_by_language() == {"de": ["Verkehr"], "en": ["new"]}


def test_change_form_shows_the_completeness_panel(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher)
    client.force_login(alice)

    response = client.get(reverse("admin:catalog_dataset_change", args=[dataset.pk]))

    html = response.content.decode()
    assert "How complete is this description?" in html
    assert "Contact point" in html
    assert "Add someone people can ask about the data." in html
    assert "Temporal coverage" in html


def test_completeness_panel_praises_a_complete_dataset(client, alice, publisher):
    dataset = DatasetFactory(
        publisher=publisher,
        keywords={"en": ["traffic"]},
        spatial_label={"en": "Utrecht"},
        temporal_start="2020-01-01",
    )
    ContactPointFactory(dataset=dataset)
    DistributionFactory(dataset=dataset, description={"en": "All counts."})
    client.force_login(alice)

    response = client.get(reverse("admin:catalog_dataset_change", args=[dataset.pk]))

    assert "Everything DCAT-AP requires or recommends is filled in." in response.content.decode()


def test_draft_offers_publish_and_preview(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher)
    client.force_login(alice)

    html = client.get(reverse("admin:catalog_dataset_change", args=[dataset.pk])).content.decode()

    assert 'name="_publish"' in html
    assert 'name="_withdraw"' not in html
    assert "Preview on site" in html


def test_withdraw_button_withdraws_a_published_dataset(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher, published=True, slug="tellingen")
    client.force_login(alice)
    url = reverse("admin:catalog_dataset_change", args=[dataset.pk])
    assert 'name="_withdraw"' in client.get(url).content.decode()

    data = dataset_form_data(publisher, slug="tellingen", status="published", _withdraw="1")
    response = client.post(url, data)

    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.WITHDRAWN
    assert dataset.published_at is not None


def test_view_on_site_leads_to_the_dataset_page(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher)
    client.force_login(alice)
    html = client.get(reverse("admin:catalog_dataset_change", args=[dataset.pk])).content.decode()
    link = html.split('class="viewsitelink"')[0].rsplit('href="', 1)[1].split('"')[0]

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"].endswith(dataset.get_absolute_url())


# Bulk actions ----------------------------------------------------------------------------


def test_bulk_publish_publishes_only_datasets_the_user_may_edit(client, alice, publisher, bob):
    ours = DatasetFactory.create_batch(2, publisher=publisher)
    theirs = DatasetFactory(publisher=bob.publishers.get())
    client.force_login(alice)

    response = client.post(
        CHANGELIST_URL,
        {"action": "publish_selected", "_selected_action": [d.pk for d in [*ours, theirs]]},
        follow=True,
    )

    assert "2 datasets were published." in response.content.decode()
    assert all(d.published_at for d in Dataset.objects.filter(pk__in=[d.pk for d in ours]))
    assert Dataset.objects.filter(publisher=publisher, status="published").count() == 2
    theirs.refresh_from_db()
    assert theirs.status == Dataset.Status.DRAFT


def test_bulk_withdraw(client, alice, publisher):
    published = DatasetFactory(publisher=publisher, published=True)
    draft = DatasetFactory(publisher=publisher)
    client.force_login(alice)

    response = client.post(
        CHANGELIST_URL,
        {"action": "withdraw_selected", "_selected_action": [published.pk, draft.pk]},
        follow=True,
    )

    assert "1 dataset was withdrawn." in response.content.decode()
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == Dataset.Status.WITHDRAWN
    assert draft.status == Dataset.Status.DRAFT


# The list --------------------------------------------------------------------------------


def test_changelist_shows_status_and_distribution_count(client, alice, publisher):
    dataset = DatasetFactory(publisher=publisher, title={"en": "Bridge openings"})
    DistributionFactory.create_batch(3, dataset=dataset)
    client.force_login(alice)

    response = client.get(CHANGELIST_URL)

    html = response.content.decode()
    assert "Bridge openings" in html
    assert '<td class="field-distribution_count">3</td>' in html
    assert "Draft" in html


def test_changelist_search_finds_title_in_either_language(client, alice, publisher):
    DatasetFactory(publisher=publisher, title={"nl": "Brugopeningen", "en": "Bridge openings"})
    DatasetFactory(publisher=publisher, title={"en": "Parking"})
    client.force_login(alice)

    response = client.get(CHANGELIST_URL, {"q": "brugopening"})

    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("username", ["alice", "manager"])
def test_changelist_query_count_does_not_grow_with_datasets(client, cast, publisher, username):
    client.force_login(cast[username])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST_URL).status_code == 200
        return len(queries)

    for _ in range(2):
        DistributionFactory(dataset=DatasetFactory(publisher=publisher))
    few = count_queries()
    for _ in range(8):
        dataset = DatasetFactory(publisher=publisher, themes=[concept("theme", "ENVI")])
        DistributionFactory.create_batch(2, dataset=dataset)
    many = count_queries()

    assert few == many
    assert many <= 15


@pytest.fixture
def cast(alice, manager):
    return {"alice": alice, "manager": manager}


def test_admin_titles_name_the_portal(client, alice):
    client.force_login(alice)

    html = client.get(reverse("admin:index")).content.decode()

    assert "Datakring management" in html
