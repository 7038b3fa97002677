"""factory_boy factories for every model the tests need."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import (
    Concept,
    ContactPoint,
    DataService,
    Dataset,
    Distribution,
    Licence,
    Publisher,
    PublisherMembership,
)

EU = "http://publications.europa.eu/resource/authority"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ConceptFactory(factory.django.DjangoModelFactory):
    """Vocabulary concepts are loaded by a data migration; this reuses them by URI."""

    class Meta:
        model = Concept
        django_get_or_create = ("uri",)

    scheme = Concept.Scheme.THEME
    code = "TRAN"
    # Publisher types are ADMS concepts, not an EU table (see catalog/vocabularies.py).
    uri = factory.LazyAttribute(
        lambda c: (
            f"http://purl.org/adms/publishertype/{c.code}"
            if c.scheme == Concept.Scheme.PUBLISHER_TYPE
            else f"{EU}/{_EU_TABLE[c.scheme]}/{c.code}"
        )
    )
    label = factory.LazyAttribute(lambda c: {"en": c.code.title(), "nl": c.code.title()})


_EU_TABLE = {
    Concept.Scheme.THEME: "data-theme",
    Concept.Scheme.ACCESS_RIGHT: "access-right",
    Concept.Scheme.FREQUENCY: "frequency",
    Concept.Scheme.FILE_TYPE: "file-type",
    Concept.Scheme.LANGUAGE: "language",
    Concept.Scheme.DISTRIBUTION_STATUS: "distribution-status",
    Concept.Scheme.PUBLISHER_TYPE: "publisher-type",
    Concept.Scheme.DOMAIN: "domain",
}


def concept(scheme: str, code: str) -> Concept:
    """The vocabulary concept with this code (created if a test runs without the data)."""
    return ConceptFactory(scheme=scheme, code=code)


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence
        django_get_or_create = ("code",)

    code = "CC-BY-4.0"
    uri = "http://creativecommons.org/licenses/by/4.0/"
    title = {"en": "Creative Commons Attribution 4.0", "nl": "Creative Commons Naamsvermelding 4.0"}
    is_open = True
    attribution = True


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher

    slug = factory.Sequence(lambda n: f"publisher-{n}")
    name = factory.LazyAttribute(
        lambda p: {"en": f"Publisher {p.slug}", "nl": f"Organisatie {p.slug}"}
    )
    email = "data@example.org"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublisherMembership

    publisher = factory.SubFactory(PublisherFactory)
    user = factory.SubFactory(UserFactory, is_staff=True)
    role = PublisherMembership.Role.EDITOR


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(
            status=Dataset.Status.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )

    slug = factory.Sequence(lambda n: f"dataset-{n}")
    title = factory.LazyAttribute(
        lambda d: {"en": f"Dataset {d.slug}", "nl": f"Dataset {d.slug} (nl)"}
    )
    description = {"en": "A dataset for tests.", "nl": "Een dataset voor tests."}
    publisher = factory.SubFactory(PublisherFactory)
    licence = factory.SubFactory(LicenceFactory)
    access_rights = factory.LazyFunction(lambda: concept(Concept.Scheme.ACCESS_RIGHT, "PUBLIC"))
    status = Dataset.Status.DRAFT

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(extracted or [concept(Concept.Scheme.THEME, "TRAN")])

    @factory.post_generation
    def keywords(self, create, extracted, **kwargs):
        if create and extracted:
            self.set_keywords(extracted)


class DistributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distribution

    dataset = factory.SubFactory(DatasetFactory)
    title = {"en": "Data as CSV", "nl": "Data als CSV"}
    access_url = factory.Sequence(lambda n: f"https://data.example.org/files/{n}.csv")
    download_url = factory.LazyAttribute(lambda d: d.access_url)
    format = factory.LazyFunction(lambda: concept(Concept.Scheme.FILE_TYPE, "CSV"))
    media_type = "text/csv"


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    dataset = factory.SubFactory(DatasetFactory)
    name = "Data desk"
    email = "datadesk@example.org"


class DataServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataService

    slug = factory.Sequence(lambda n: f"service-{n}")
    title = {"en": "Traffic API", "nl": "Verkeers-API"}
    publisher = factory.SubFactory(PublisherFactory)
    endpoint_url = "https://api.example.org/traffic"
    status = Dataset.Status.PUBLISHED
