from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from catalog.models import Dataset, Distribution, Publisher
from catalog.search import search_datasets
from tests.factories import PublisherFactory

pytestmark = pytest.mark.django_db


def generate(count: int, **options) -> str:
    out = StringIO()
    call_command("generate_synthetic", datasets=count, stdout=out, **options)
    return out.getvalue()


def test_generate_synthetic_creates_published_datasets_with_distributions():
    output = generate(25, batch_size=10)

    datasets = Dataset.objects.prefetch_related("themes", "keywords", "languages")
    assert datasets.count() == 25
    assert "Created 25 synthetic datasets" in output
    for dataset in datasets:
        assert dataset.slug.startswith("synth-")
        assert dataset.uri == f"{settings.SITE_URL}/datasets/{dataset.slug}/"
        assert dataset.status == Dataset.Status.PUBLISHED and dataset.published_at
        assert dataset.title["nl"] and dataset.title["en"] and dataset.description["en"]
        assert dataset.themes.all() and dataset.keywords.all() and dataset.languages.all()
        assert dataset.licence_id and dataset.access_rights_id and dataset.frequency_id
        assert dataset.contact_points.count() == 1
    assert len(set(datasets.values_list("uuid", flat=True))) == 25
    assert Distribution.objects.count() == 75
    assert not Distribution.objects.filter(format__isnull=True).exists()
    assert not Distribution.objects.filter(media_type="").exists()


def test_generate_synthetic_continues_after_earlier_runs():
    generate(4)
    generate(3, distributions_per_dataset=1)

    slugs = set(Dataset.objects.values_list("slug", flat=True))
    assert slugs == {f"synth-{n}" for n in range(1, 8)}
    assert Distribution.objects.count() == 4 * 3 + 3


def test_generate_synthetic_spreads_datasets_over_existing_publishers():
    publishers = PublisherFactory.create_batch(3)

    generate(60)

    used = set(Dataset.objects.values_list("publisher_id", flat=True))
    assert used == {publisher.pk for publisher in publishers}
    assert Publisher.objects.count() == 3


def test_generate_synthetic_creates_publishers_when_there_are_none():
    generate(5)

    assert Publisher.objects.filter(slug__startswith="synth-gemeente-").count() == 5


def test_generate_synthetic_is_repeatable_with_a_seed():
    generate(5, seed=7)
    first = list(Dataset.objects.order_by("slug").values_list("title", flat=True))
    Dataset.objects.all().delete()
    Publisher.objects.all().delete()

    generate(5, seed=7)

    again = list(Dataset.objects.order_by("slug").values_list("title", flat=True))
    assert again and [dict(t) for t in again] == [dict(t) for t in first]


def test_generate_synthetic_datasets_are_searchable():
    generate(30)
    dataset = Dataset.objects.order_by("pk").first()
    word = dataset.title["en"].split(",")[0].split()[0]

    found = search_datasets(Dataset.objects.published(), word)

    assert dataset in found


def test_generate_synthetic_dataset_pages_render(client):
    generate(3)

    for dataset in Dataset.objects.all():
        response = client.get(dataset.get_absolute_url())
        assert response.status_code == 200
