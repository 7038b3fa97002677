import datetime
import hashlib
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog.demo import DEMO_FILES_DIR, DEMO_PASSWORD
from catalog.models import (
    Catalog,
    Concept,
    ContactPoint,
    DataService,
    Dataset,
    Distribution,
    Keyword,
    Publisher,
    PublisherMembership,
)
from catalog.search import search_datasets

pytestmark = pytest.mark.django_db

EU_THEMES = {"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI"}
EU_THEMES |= {"SOCI", "TECH", "TRAN"}


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Publisher, Dataset, Distribution, ContactPoint, DataService, Keyword, Catalog]
    result = {model.__name__: model.objects.count() for model in models}
    result["users"] = get_user_model().objects.count()
    result["memberships"] = PublisherMembership.objects.count()
    result["dataset themes"] = Dataset.themes.through.objects.count()
    return result


def test_load_demo_twice_changes_nothing():
    load_demo()
    before = counts()
    modified = dict(Dataset.objects.values_list("slug", "updated_at"))
    files = set(Distribution.objects.exclude(file="").values_list("file", flat=True))

    output = load_demo()

    assert counts() == before
    assert dict(Dataset.objects.values_list("slug", "updated_at")) == modified
    assert set(Distribution.objects.exclude(file="").values_list("file", flat=True)) == files
    assert " 0 created, 0 updated" in output
    assert "1 updated" not in output and " 0 unchanged" not in output


def test_load_demo_restores_a_changed_dataset_in_place():
    load_demo()
    dataset = Dataset.objects.get(slug="bomenregister-utrecht")
    dataset.title = {"nl": "Iets anders"}
    dataset.save()
    dataset.distributions.filter(position=0).update(title={"en": "changed"})

    load_demo()

    dataset.refresh_from_db()
    assert dataset.title == {"nl": "Bomenregister", "en": "Tree register"}
    assert dataset.distributions.get(position=0).title["en"] == "Trees in the city centre (CSV)"
    assert Dataset.objects.filter(slug__startswith="bomenregister").count() == 1


def test_load_demo_publishers_are_described_in_both_languages():
    load_demo()

    publishers = Publisher.objects.select_related("publisher_type")
    assert publishers.count() >= 5
    for publisher in publishers:
        assert publisher.name.get("nl") and publisher.name.get("en")
        assert publisher.publisher_type.scheme == Concept.Scheme.PUBLISHER_TYPE
        assert publisher.homepage.startswith(("http://", "https://"))
        assert "@" in publisher.email
    types = set(publishers.values_list("publisher_type__code", flat=True))
    assert {"LocalAuthority", "NationalAuthority", "Academia-ScientificOrganisation"} <= types


def test_load_demo_publishes_forty_bilingual_datasets_across_all_themes():
    load_demo()

    published = Dataset.objects.published().prefetch_related("themes", "distributions")
    assert published.count() >= 40
    for dataset in published:
        assert dataset.title.get("nl") and dataset.title.get("en")
        assert dataset.description.get("nl") and dataset.description.get("en")
        assert 1 <= len(dataset.distributions.all()) <= 4
        assert dataset.themes.all()
        assert dataset.licence_id and dataset.access_rights_id and dataset.frequency_id
        assert dataset.issued <= dataset.modified
    themes = set(published.values_list("themes__code", flat=True))
    assert themes == EU_THEMES
    keywords = Keyword.objects.filter(datasets__in=published)
    assert set(keywords.values_list("language", flat=True)) == {"nl", "en"}


def test_load_demo_publication_dates_spread_over_the_last_two_years():
    load_demo()

    now = timezone.now()
    dates = list(Dataset.objects.published().values_list("published_at", flat=True))
    assert all(now - datetime.timedelta(days=731) <= date < now for date in dates)
    assert len({(date.year, date.month) for date in dates}) >= 12


def test_load_demo_keeps_drafts_and_a_withdrawn_dataset():
    load_demo()

    drafts = Dataset.objects.filter(status=Dataset.Status.DRAFT)
    assert drafts.count() >= 2
    assert not drafts.filter(published_at__isnull=False).exists()
    withdrawn = Dataset.objects.get(status=Dataset.Status.WITHDRAWN)
    assert withdrawn.published_at is not None
    assert withdrawn.inverse_relations.get().dataset.slug == "verkeersintensiteiten-a28"


def test_load_demo_stores_its_files_with_size_and_checksum():
    load_demo()

    uploaded = Distribution.objects.exclude(file="")
    assert uploaded.count() >= 5
    for distribution in uploaded:
        with distribution.file.open("rb") as handle:
            content = handle.read()
        assert distribution.byte_size == len(content)
        assert distribution.checksum == hashlib.sha256(content).hexdigest()
        assert distribution.media_type in ("text/csv", "application/json", "application/geo+json")
        assert not distribution.download_url
    names = {path.name for path in DEMO_FILES_DIR.iterdir()}
    assert {d.file.name.rsplit("/", 1)[-1] for d in uploaded} <= names


def test_load_demo_files_are_served_by_the_portal(client):
    load_demo()
    distribution = Distribution.objects.exclude(file="").get(
        dataset__slug="ondergrondse-afvalcontainers-utrecht"
    )

    response = client.get(distribution.get_download_url())

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"container_id,fractie")


def test_load_demo_accounts_can_log_in(client):
    output = load_demo()

    assert "beheerder" in output and "redacteur" in output and DEMO_PASSWORD in output
    for username in ("beheerder", "redacteur"):
        client.logout()
        response = client.post(
            "/admin/login/?next=/admin/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200
    assert get_user_model().objects.get(username="beheerder").is_superuser
    membership = PublisherMembership.objects.get(user__username="redacteur")
    assert membership.publisher.slug == "gemeente-utrecht"
    assert membership.role == PublisherMembership.Role.EDITOR
    assert not membership.user.is_superuser


def test_load_demo_keeps_a_password_someone_changed():
    load_demo()
    manager = get_user_model().objects.get(username="beheerder")
    manager.set_password("a much better secret")
    manager.save()

    output = load_demo()

    manager.refresh_from_db()
    assert manager.check_password("a much better secret")
    assert "username beheerder, password (changed" in output


def test_load_demo_describes_the_catalogue_itself():
    load_demo()

    catalog = Catalog.get_current()
    assert catalog.title["nl"] and catalog.title["en"]
    assert catalog.publisher.slug == "datakring"
    assert catalog.licence.code == "CC0-1.0"
    assert set(catalog.languages.values_list("code", flat=True)) == {"NLD", "ENG"}
    assert DataService.objects.filter(status=Dataset.Status.PUBLISHED).count() == 2


def test_load_demo_datasets_are_found_by_search(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()

    found = search_datasets(Dataset.objects.published(), "afvalcontainers")
    assert "ondergrondse-afvalcontainers-utrecht" in found.values_list("slug", flat=True)
    found = search_datasets(Dataset.objects.published(), "bicycle parking")
    assert "bezetting-fietsenstallingen-utrecht" in found.values_list("slug", flat=True)


def test_load_demo_names_missing_vocabulary_concepts():
    Concept.objects.filter(scheme=Concept.Scheme.THEME, code="AGRI").delete()

    with pytest.raises(CommandError, match="theme AGRI"):
        load_demo()

    assert not Dataset.objects.exists()


def test_load_demo_has_a_dataset_for_each_kind_of_reuse_condition():
    from catalog.models import AccessReason, PolicyAction, PolicyRule
    from catalog.reuse import effective_conditions

    load_demo()

    def conditions(slug):
        return effective_conditions(Dataset.objects.get(slug=slug))

    def rules(c, kind):
        return {rule.action for rule in c.rules_of(kind)}

    open_data = conditions("ondergrondse-afvalcontainers-utrecht")
    assert open_data.licence.code == "CC0-1.0" and open_data.access == "PUBLIC"
    attribution = conditions("bomenregister-utrecht")
    assert attribution.licence.attribution and attribution.access == "PUBLIC"
    assert PolicyAction.ATTRIBUTE in rules(attribution, PolicyRule.Kind.DUTY)
    non_commercial = conditions("historische-kijk-en-luistercijfers")
    assert non_commercial.licence.non_commercial
    assert PolicyAction.COMMERCIALIZE in rules(non_commercial, PolicyRule.Kind.PROHIBITION)
    restricted = conditions("mobiliteitspanel-verplaatsingsgedrag")
    assert restricted.access == "RESTRICTED" and restricted.requires_agreement
    assert restricted.dataset.access_reason == AccessReason.PERSONAL_DATA
    assert restricted.dataset.legal_basis["nl"] and restricted.dataset.legal_basis_uri
    assert restricted.dataset.agreements.get(version=1).text["en"]
    research_only = [r for r in restricted.rules_of(PolicyRule.Kind.PERMISSION)]
    assert research_only and all(r.purposes == ["research"] for r in research_only)
    assert restricted.dataset.distributions.exclude(file="").exists()
    non_public = conditions("cohortstudie-gezondheid-leefomgeving")
    assert non_public.access == "NON_PUBLIC"
    assert non_public.dataset.access_reason == AccessReason.PERSONAL_DATA
    assert non_public.dataset.legal_basis_uri.startswith("https://wetten.overheid.nl/")


def test_load_demo_has_access_requests_and_reuses_of_the_demo_re_user(client):
    from catalog.models import AccessRequest, Reuse

    load_demo()
    load_demo()  # still one of each

    requests = AccessRequest.objects.filter(user__username="hergebruiker")
    assert set(requests.values_list("status", flat=True)) == {"approved", "pending"}
    approved = requests.get(status="approved")
    assert approved.agreement.version == 1 and approved.agreement_accepted_at
    assert approved.decided_by.username == "beheerder"
    assert AccessRequest.objects.active().filter(pk=approved.pk).exists()
    assert Reuse.objects.approved().count() >= 4
    assert Reuse.objects.filter(status=Reuse.Status.PENDING).count() == 1
    for reuse in Reuse.objects.approved():
        assert reuse.datasets.published().exists() and reuse.description
    assert client.get("/reuses/").status_code == 200
    assert "Bomenkaart Utrecht" in client.get("/datasets/bomenregister-utrecht/").content.decode()


def test_load_demo_restricted_file_is_served_to_the_approved_re_user_only(client):
    load_demo()
    distribution = Distribution.objects.exclude(file="").get(
        dataset__slug="mobiliteitspanel-verplaatsingsgedrag"
    )

    assert client.get(distribution.get_download_url()).status_code in (403, 404)
    client.force_login(get_user_model().objects.get(username="hergebruiker"))
    response = client.get(distribution.get_download_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"respondent,huishouden")
