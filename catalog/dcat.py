"""DCAT-AP 3.0.1 publication: maps catalogue models to RDF and writes it as Turtle,
N-Triples, RDF/XML or JSON-LD.

The mapping functions yield triples whose IRIs and blank nodes are rdflib terms and whose
literals are light `Lit` objects, and the writers here turn them into text without an rdflib
Graph: the bulk export writes millions of triples, and an rdflib Literal or Graph costs
microseconds each. `to_graph()` gives any caller (tests, other code) an rdflib Graph of the
same triples; the tests check every writer against it.

Each document (a dataset, a catalogue page, the whole export) describes the vocabulary nodes it
uses once: concepts with their scheme and labels, licences, agents, media types. The official
DCAT-AP range and code-list shapes then pass without background knowledge.
"""

import gc
import json
import math
import re
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db import connection, connections
from django.db.models import Count, Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as rdflib_namespace

from catalog import access
from catalog.models import (
    Catalog,
    Column,
    Concept,
    ContactPoint,
    DataService,
    Dataset,
    DatasetRelation,
    Distribution,
    DistributionProfile,
    Licence,
    PolicyRule,
    Publisher,
    QualityScore,
)
from catalog.multilingual import LanguageMap
from catalog.quality import DIMENSIONS, METRIC_DEFINITIONS, METRIC_LABELS, dimension_points
from catalog.reuse import ACTION_IRIS
from catalog.search import search_datasets


class _Namespace(Namespace):
    """An rdflib Namespace that keeps each term it makes: rdflib builds a new URIRef on every
    attribute access, and the export looks terms up millions of times.

    Terms named like str methods (dct:title, dct:format) would be the str method as
    attributes; _namespace(iri, *names) makes them terms (DCT["title"] works anyway).
    """

    def __getattr__(self, name):
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


def _namespace(iri: str, *str_method_terms: str) -> _Namespace:
    namespace = _Namespace(iri)
    for name in str_method_terms:
        namespace.__dict__[name] = namespace.term(name)
    return namespace


DCAT = _namespace("http://www.w3.org/ns/dcat#")
DCT = _namespace("http://purl.org/dc/terms/", "title", "format")
FOAF = _namespace("http://xmlns.com/foaf/0.1/", "title")
VCARD = _namespace("http://www.w3.org/2006/vcard/ns#", "title")
ADMS = _namespace("http://www.w3.org/ns/adms#")
SPDX = _namespace("http://spdx.org/rdf/terms#")
ODRL = _namespace("http://www.w3.org/ns/odrl/2/")
LOCN = _namespace("http://www.w3.org/ns/locn#")
PROV = _namespace("http://www.w3.org/ns/prov#")
SKOS = _namespace("http://www.w3.org/2004/02/skos/core#")
DCATAP = _namespace("http://data.europa.eu/r5r/")
ELI = _namespace("http://data.europa.eu/eli/ontology#")
HYDRA = _namespace("http://www.w3.org/ns/hydra/core#")
GSP = _namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = _namespace("http://schema.org/")
DQV = _namespace("http://www.w3.org/ns/dqv#")
CSVW = _namespace("http://www.w3.org/ns/csvw#")
# rdflib's own (closed) RDF, RDFS, XSD and OWL look terms up on every access too.
RDF = _namespace(str(rdflib_namespace.RDF))
RDFS = _namespace(str(rdflib_namespace.RDFS))
XSD = _namespace(str(rdflib_namespace.XSD))
OWL = _namespace(str(rdflib_namespace.OWL))

PREFIXES = {
    "dcat": DCAT,
    "dct": DCT,
    "foaf": FOAF,
    "vcard": VCARD,
    "adms": ADMS,
    "spdx": SPDX,
    "odrl": ODRL,
    "locn": LOCN,
    "prov": PROV,
    "skos": SKOS,
    "dcatap": DCATAP,
    "hydra": HYDRA,
    "gsp": GSP,
    "schema": SCHEMA,
    "dqv": DQV,
    "csvw": CSVW,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}


class Format(NamedTuple):
    rdflib: str
    content_type: str


# URL suffix -> (rdflib format name, media type). The order is the preference on a tie.
FORMATS = {
    "ttl": Format("turtle", "text/turtle"),
    "nt": Format("nt", "application/n-triples"),
    "rdf": Format("xml", "application/rdf+xml"),
    "jsonld": Format("json-ld", "application/ld+json"),
}
# Accept-header media types that name one of FORMATS (registered types and common aliases).
MEDIA_TYPES = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf",
    "application/ld+json": "jsonld",
}

# Controlled vocabularies ----------------------------------------------------------------

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
ADMS_PUBLISHER_TYPES = "http://purl.org/adms/publishertype/1.0"
ADMS_LICENCE_TYPES = "http://purl.org/adms/licencetype/1.0"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
IANA_RELATIONS = "http://www.iana.org/assignments/relation/"

# The scheme of a concept that does not name its own (Concept.scheme_uri blank).
SCHEMES = {
    Concept.Scheme.THEME: EU_AUTHORITY + "data-theme",
    Concept.Scheme.ACCESS_RIGHT: EU_AUTHORITY + "access-right",
    Concept.Scheme.FREQUENCY: EU_AUTHORITY + "frequency",
    Concept.Scheme.FILE_TYPE: EU_AUTHORITY + "file-type",
    Concept.Scheme.LANGUAGE: EU_AUTHORITY + "language",
    Concept.Scheme.DISTRIBUTION_STATUS: EU_AUTHORITY + "distribution-status",
    Concept.Scheme.PUBLISHER_TYPE: ADMS_PUBLISHER_TYPES,
}
SCHEME_TITLES = {
    EU_AUTHORITY + "data-theme": {"en": "Data theme", "nl": "Datathema"},
    EU_AUTHORITY + "access-right": {"en": "Access right", "nl": "Toegangsrecht"},
    EU_AUTHORITY + "frequency": {"en": "Frequency", "nl": "Frequentie"},
    EU_AUTHORITY + "file-type": {"en": "File type", "nl": "Bestandstype"},
    EU_AUTHORITY + "language": {"en": "Language", "nl": "Taal"},
    EU_AUTHORITY + "distribution-status": {"en": "Distribution status", "nl": "Distributiestatus"},
    ADMS_PUBLISHER_TYPES: {"en": "Publisher type", "nl": "Type uitgever"},
    ADMS_LICENCE_TYPES: {"en": "Licence type", "nl": "Type licentie"},
}
# DCAT-AP's range class of the property that uses concepts of a scheme (besides skos:Concept).
RANGE_CLASSES = {
    Concept.Scheme.LANGUAGE: DCT.LinguisticSystem,
    Concept.Scheme.FILE_TYPE: DCT.MediaTypeOrExtent,
    Concept.Scheme.FREQUENCY: DCT.Frequency,
    Concept.Scheme.ACCESS_RIGHT: DCT.RightsStatement,
}
# Licence flag -> ADMS licence type (dct:type of the dct:LicenseDocument) and its labels.
LICENCE_TYPES = {
    "attribution": ("Attribution", {"en": "Attribution", "nl": "Naamsvermelding"}),
    "share_alike": ("ViralEffect-ShareAlike", {"en": "Share-alike", "nl": "Gelijk delen"}),
    "non_commercial": (
        "NonCommercialUseOnly",
        {"en": "Non-commercial use only", "nl": "Alleen niet-commercieel gebruik"},
    ),
    "no_derivatives": (
        "NoDerivativeWork",
        {"en": "No derivative work", "nl": "Geen afgeleide werken"},
    ),
    "public_domain": ("PublicDomain", {"en": "Public domain", "nl": "Publiek domein"}),
}
LICENCE_TYPE_URIS = {
    flag: f"http://purl.org/adms/licencetype/{entry[0]}" for flag, entry in LICENCE_TYPES.items()
}
# DatasetRelation.role -> dcat:hadRole (IANA link relation) of the dcat:Relationship.
RELATION_ROLES = {
    DatasetRelation.Role.SOURCE: IANA_RELATIONS + "via",
    DatasetRelation.Role.PART_OF: IANA_RELATIONS + "collection",
    DatasetRelation.Role.VERSION_OF: IANA_RELATIONS + "original",
    DatasetRelation.Role.REPLACES: IANA_RELATIONS + "predecessor-version",
    DatasetRelation.Role.RELATED: IANA_RELATIONS + "related",
}
# DatasetRelation.role -> the plain property used for targets outside this catalogue.
RELATION_PROPERTIES = {
    DatasetRelation.Role.SOURCE: PROV.wasDerivedFrom,
    DatasetRelation.Role.PART_OF: DCT.isPartOf,
    DatasetRelation.Role.VERSION_OF: DCT.isVersionOf,
    DatasetRelation.Role.REPLACES: DCT.replaces,
    DatasetRelation.Role.RELATED: DCT.relation,
}
# The DCAT-AP 3.0.1 code-list shape (mdr-vocabularies ChecksumAlgorithmRestriction) only accepts
# algorithm IRIs starting with https://spdx.org/rdf/terms, although the SPDX term itself is
# http://spdx.org/rdf/terms#checksumAlgorithm_sha256; we publish the form the official validator
# accepts and state owl:sameAs the SPDX term. Harvesters should accept both.
CHECKSUM_SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
SPDX_SHA256 = SPDX.checksumAlgorithm_sha256

Triple = tuple


class Lit:
    """A literal as the mapping yields it; rdflib.Literal is built only when a Graph is needed."""

    __slots__ = ("value", "lang", "datatype")

    def __init__(self, value: str, lang: str | None = None, datatype: URIRef | None = None):
        self.value = value
        self.lang = lang
        self.datatype = datatype

    def to_rdflib(self) -> Literal:
        return Literal(self.value, lang=self.lang, datatype=self.datatype)

    def __repr__(self):
        return f"Lit({self.value!r}, lang={self.lang!r}, datatype={self.datatype!r})"


_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
# Characters XML 1.0 cannot carry and lone surrogates; harvested text sometimes has them.
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]{0,126}/[A-Za-z0-9][\w!#$&^.+-]{0,126}$")


def iri(value: str) -> URIRef:
    """An IRI from a stored URL, percent-encoding what N-Triples and Turtle cannot carry."""
    if _IRI_UNSAFE.search(value):
        value = _IRI_UNSAFE.sub(lambda match: quote(match.group(), safe=""), value)
    # What URIRef() would check, we have just made sure of; its check costs a microsecond.
    return str.__new__(URIRef, value)


def _clean(text: str) -> str:
    return _BAD_TEXT.sub("", text) if _BAD_TEXT.search(text) else text


@lru_cache(maxsize=512)
def language_tag(key: str) -> str | None:
    """The BCP 47 tag of a language-map key, or None when it is not one (a plain literal then)."""
    tag = key.strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.match(tag) else None


def texts(subject, predicate, value) -> list[Triple]:
    """One literal per language of a language map."""
    if not value:
        return []
    return [
        (subject, predicate, Lit(_clean(text), language_tag(key) if key else None))
        for key, text in value.items()
        if text and isinstance(text, str)
    ]


def localized(value, language: str | None = None) -> str:
    """The text of a language map in `language` (default: the active one), with fallbacks."""
    return LanguageMap(value or {}).localized(language)


def _has_text(value) -> bool:
    return bool(value) and any(isinstance(text, str) and text for text in value.values())


def date_literal(value: date | datetime) -> Lit:
    if isinstance(value, datetime):
        return Lit(value.isoformat(), datatype=XSD.dateTime)
    return Lit(value.isoformat(), datatype=XSD.date)


@lru_cache(maxsize=1024)
def media_type_ref(media_type: str) -> URIRef | None:
    """The IANA IRI of a media type such as "text/csv; charset=utf-8", None if it is not one."""
    media_type = media_type.split(";", 1)[0].strip().lower()
    return URIRef(IANA_MEDIA_TYPES + media_type) if _MEDIA_TYPE.match(media_type) else None


# IRIs of the portal's resources ---------------------------------------------------------


def catalog_ref() -> URIRef:
    return URIRef(settings.SITE_URL + reverse("catalog:catalog"))


def dataset_ref(dataset: Dataset) -> URIRef:
    """The dataset's stable URI (fixed at first save; harvested ones keep their source URI)."""
    return iri(dataset.uri or settings.SITE_URL + dataset.get_absolute_url())


def distribution_ref(distribution: "Distribution | DistributionRow") -> URIRef:
    # The UUID, not the dataset's slug or URI: slugs change and harvested URIs are not ours.
    return iri(_distribution_base(settings.SITE_URL) + str(distribution.uuid))


@lru_cache(maxsize=4)
def _distribution_base(site_url: str) -> str:
    # reverse() costs more than the rest of a distribution's IRI; the export makes 300,000.
    zero = uuid.UUID(int=0)
    return site_url + reverse("catalog:distribution-rdf", args=[zero]).removesuffix(str(zero))


def agent_ref(publisher: Publisher) -> URIRef:
    return iri(publisher.get_uri())


def data_service_ref(service: DataService) -> URIRef:
    return iri(service.get_uri())


def concept_ref(concept: Concept) -> URIRef:
    return iri(concept.uri)


def licence_ref(licence: Licence) -> URIRef:
    return iri(licence.uri)


def _portal_agent_ref() -> URIRef:
    return URIRef(settings.SITE_URL + reverse("catalog:catalog") + "#publisher")


# Loading: everything a set of datasets needs, in a fixed number of queries ----------------


class Context:
    """One RDF document in the making: the rows it has loaded and the nodes it has described.

    Concepts, licences and agents are cached by primary key and described once per document.
    The caches grow with the vocabularies and publishers, never with the number of datasets,
    so the bulk export keeps one Context for the whole catalogue.
    """

    def __init__(self, *, describe_related: bool = True):
        self.concepts: dict[int, Concept] = {}
        self.licences: dict[int, Licence] = {}
        self.publishers: dict[int, Publisher] = {}
        self.described: set = set()
        self.concept_refs: dict[int, URIRef] = {}
        self.licence_refs: dict[int, URIRef] = {}
        self.agent_refs: dict[int, URIRef] = {}
        # Pages and single documents describe related datasets they do not contain, so that
        # each one validates on its own; the full export contains them anyway.
        self.describe_related = describe_related

    def load_concepts(self, ids: Iterable[int]) -> None:
        missing = {pk for pk in ids if pk and pk not in self.concepts}
        if missing:
            self.concepts.update(Concept.objects.in_bulk(missing))

    def load_licences(self, ids: Iterable[int]) -> None:
        missing = {pk for pk in ids if pk and pk not in self.licences}
        if missing:
            self.licences.update(Licence.objects.in_bulk(missing))

    def load_publishers(self, ids: Iterable[int]) -> None:
        missing = {pk for pk in ids if pk and pk not in self.publishers}
        if missing:
            publishers = Publisher.objects.in_bulk(missing)
            self.publishers.update(publishers)
            self.load_concepts(p.publisher_type_id for p in publishers.values())

    def first_time(self, node) -> bool:
        if node in self.described:
            return False
        self.described.add(node)
        return True

    # Links to vocabulary nodes: the triple, then the node's description the first time.
    # (Tuples and lists rather than generators: these run a dozen times per dataset.)

    def concept(self, subject, predicate, pk: int) -> Iterable[Triple]:
        ref = self.concept_refs.get(pk)
        if ref is not None:
            return ((subject, predicate, ref),)
        concept = self.concepts.get(pk)
        return self._first_link(
            subject, predicate, concept, self.concept_refs, concept_ref, concept_triples
        )

    def licence(self, subject, predicate, pk: int) -> Iterable[Triple]:
        ref = self.licence_refs.get(pk)
        if ref is not None:
            return ((subject, predicate, ref),)
        licence = self.licences.get(pk)
        return self._first_link(
            subject, predicate, licence, self.licence_refs, licence_ref, licence_triples
        )

    def agent(self, subject, predicate, pk: int) -> Iterable[Triple]:
        ref = self.agent_refs.get(pk)
        if ref is not None:
            return ((subject, predicate, ref),)
        publisher = self.publishers.get(pk)
        return self._first_link(
            subject, predicate, publisher, self.agent_refs, agent_ref, agent_triples
        )

    def _first_link(self, subject, predicate, row, refs, make_ref, describe) -> list[Triple]:
        if row is None:  # deleted since the page was counted
            return []
        ref = refs[row.pk] = make_ref(row)
        triples = [(subject, predicate, ref)]
        if self.first_time(ref):
            triples.extend(describe(row, self))
        return triples

    def typed(self, subject, predicate, obj: URIRef, cls: URIRef) -> Iterator[Triple]:
        """A link to a node whose only description is its class (a page, a standard...)."""
        yield subject, predicate, obj
        if self.first_time((obj, cls)):
            yield obj, RDF.type, cls


def load_datasets(datasets: list[Dataset], ctx: Context, *, relations: bool = True) -> None:
    """Attach to each dataset what its DCAT description needs, in about a dozen queries.

    Sets `dcat_themes`, `dcat_subjects`, `dcat_languages` (concept ids), `dcat_keywords`
    ((value, language) pairs), `dcat_contacts` (ContactRow), `dcat_relations` and
    `dcat_distributions` (DistributionRow), and loads the concepts, licences and agents into
    `ctx`. Contact points and distributions are read as rows, not model instances: building
    instances was a fifth of the bulk export's time.
    """
    by_id = {dataset.pk: dataset for dataset in datasets}
    for dataset in datasets:
        dataset.dcat_themes, dataset.dcat_subjects, dataset.dcat_languages = [], [], []
        dataset.dcat_keywords, dataset.dcat_contacts = [], []
        dataset.dcat_relations, dataset.dcat_distributions = [], []
        dataset.dcat_quality = None
    if not by_id:
        return
    of_datasets = _rows_of("dataset_id", by_id)
    for attribute, m2m in (
        ("dcat_themes", Dataset.themes),
        ("dcat_subjects", Dataset.concepts),
        ("dcat_languages", Dataset.languages),
    ):
        rows = m2m.through.objects.filter(**of_datasets).order_by("pk")
        for dataset_id, concept_id in rows.values_list("dataset_id", "concept_id"):
            if dataset_id in by_id:
                getattr(by_id[dataset_id], attribute).append(concept_id)
    keywords = Dataset.keywords.through.objects.filter(**of_datasets).order_by(
        "keyword__language", "keyword__value"
    )
    for dataset_id, value, language in keywords.values_list(
        "dataset_id", "keyword__value", "keyword__language"
    ):
        if dataset_id in by_id:
            by_id[dataset_id].dcat_keywords.append((value, language))
    contacts = ContactPoint.objects.filter(**of_datasets).order_by("pk")
    for contact in contacts.values_list(*ContactRow._fields):
        contact = ContactRow._make(contact)
        if contact.dataset_id in by_id:
            by_id[contact.dataset_id].dcat_contacts.append(contact)
    if relations:
        _load_relations(by_id, ctx)
    _load_quality(by_id)

    distributions = Distribution.objects.filter(**of_datasets).order_by("position", "pk")
    by_distribution = {}
    fields = DistributionRow._fields[:-1]
    profiled = set()  # with a Table Schema to conform to (catalog.profiling)
    for *row, profile_status in distributions.values_list(*fields, "profile__status"):
        distribution = DistributionRow._make((*row, []))
        dataset = by_id.get(distribution.dataset_id)
        if dataset is not None:
            dataset.dcat_distributions.append(distribution)
            by_distribution[distribution.pk] = distribution
            if profile_status == DistributionProfile.Status.OK:
                profiled.add(distribution.pk)
    if by_distribution:
        rows = Distribution.languages.through.objects.filter(
            **_rows_of("distribution_id", by_distribution)
        ).order_by("pk")
        for distribution_id, concept_id in rows.values_list("distribution_id", "concept_id"):
            if distribution_id in by_distribution:
                by_distribution[distribution_id].languages.append(concept_id)
    _load_structure(by_id, by_distribution, profiled)
    _load_policies(by_id, by_distribution)

    distributions = by_distribution.values()
    ctx.load_concepts(
        [pk for d in datasets for pk in (*d.dcat_themes, *d.dcat_subjects, *d.dcat_languages)]
        + [pk for d in datasets for pk in (d.frequency_id, d.access_rights_id)]
        + [pk for dist in distributions for pk in (dist.format_id, *dist.languages)]
        + [dist.access_rights_id for dist in distributions]
    )
    ctx.load_licences(
        [d.licence_id for d in datasets] + [dist.licence_id for dist in distributions]
    )
    ctx.load_publishers([pk for d in datasets for pk in (d.publisher_id, d.creator_id)])


class ColumnRow(NamedTuple):
    """A column its owner said something about: a concept, a key, a join."""

    distribution_id: int
    name: str
    concept_uri: str
    is_key: bool
    references_column: str
    target_uri: str
    target_slug: str | None
    target_status: str | None


def _load_structure(by_id: dict, by_distribution: dict, profiled: set) -> None:
    """Sets each dataset's `dcat_structure`: {distribution pk: [ColumnRow]} for the
    `profiled` distributions, with the columns their owners described."""
    for dataset in by_id.values():
        dataset.dcat_structure = {}
    for pk in profiled:
        row = by_distribution[pk]
        by_id[row.dataset_id].dcat_structure[pk] = []
    if not profiled:
        return
    columns = (
        Column.objects.filter(distribution_id__in=profiled, present=True)
        .exclude(concept_uri="", is_key=False, references_dataset__isnull=True)
        .order_by("distribution_id", "position", "pk")
    )
    for row in columns.values_list(
        "distribution_id",
        "name",
        "concept_uri",
        "is_key",
        "references_column",
        "references_dataset__uri",
        "references_dataset__slug",
        "references_dataset__status",
    ):
        column = ColumnRow._make(row)
        dataset = by_id[by_distribution[column.distribution_id].dataset_id]
        dataset.dcat_structure[column.distribution_id].append(column)


def _load_policies(by_id: dict, by_distribution: dict) -> None:
    """Set each dataset's `dcat_rules` ([PolicyRule]) and `dcat_distribution_rules`
    ({distribution pk: [PolicyRule]}, for the distributions with rules of their own)."""
    for dataset in by_id.values():
        dataset.dcat_rules, dataset.dcat_distribution_rules = [], {}
    of_datasets = _rows_of("dataset_id", by_id)
    of_distributions = {f"distribution__{key}": value for key, value in of_datasets.items()}
    rules = PolicyRule.objects.filter(Q(**of_datasets) | Q(**of_distributions))
    for rule in rules.order_by("position", "pk"):
        if rule.dataset_id in by_id:
            by_id[rule.dataset_id].dcat_rules.append(rule)
        elif rule.distribution_id in by_distribution:
            row = by_distribution[rule.distribution_id]
            by_id[row.dataset_id].dcat_distribution_rules.setdefault(row.pk, []).append(rule)


def _load_quality(by_id: dict[int, Dataset]) -> None:
    """Set `dcat_quality` (score, points per dimension, portal score) where there is one;
    the quality row comes with the datasets when they were selected with it."""
    scores = []
    missing = {}
    for pk, dataset in by_id.items():
        if Dataset.quality.is_cached(dataset):
            scores.append(getattr(dataset, "quality", None))
        else:
            missing[pk] = dataset
    if missing:
        scores += QualityScore.objects.filter(**_rows_of("dataset_id", missing))
    for score in scores:
        if score is not None and score.dataset_id in by_id:
            by_id[score.dataset_id].dcat_quality = (
                score.score,
                dimension_points(score.criteria),
                score.portal_score,
            )


def _rows_of(field: str, by_id: dict) -> dict:
    """A filter for the rows whose `field` is one of by_id's keys (callers skip strays).

    A dense run of ids (the export's chunks) is asked for as a range: a thousand-item IN
    list costs more to send and plan than the few stray rows a range may bring along.
    """
    low, high = min(by_id), max(by_id)
    if high - low < 2 * len(by_id):
        return {f"{field}__gte": low, f"{field}__lte": high}
    return {f"{field}__in": list(by_id)}


class ContactRow(NamedTuple):
    """The columns of a ContactPoint the mapping reads."""

    pk: int
    dataset_id: int
    name: str
    email: str
    url: str
    phone: str


class DistributionRow(NamedTuple):
    """The columns of a Distribution the mapping reads, and its language concept ids."""

    pk: int
    uuid: uuid.UUID
    dataset_id: int
    title: dict
    description: dict
    access_url: str
    download_url: str
    file: str
    format_id: int | None
    media_type: str
    byte_size: int | None
    checksum: str
    licence_id: int | None
    access_rights_id: int | None
    rights: dict
    conforms_to: list
    issued: date | None
    modified: date | None
    status: str
    updated_at: datetime
    languages: list

    def urls(self, dataset: Dataset) -> tuple[str, str]:
        """dcat:accessURL and dcat:downloadURL, as Distribution.get_access_url() and
        get_download_target() give them."""
        if not self.file:
            return self.access_url or self.download_url, self.download_url
        instance = Distribution(
            dataset=dataset,
            uuid=self.uuid,
            file=self.file,
            access_url=self.access_url,
            download_url=self.download_url,
        )
        return instance.get_access_url(), instance.get_download_target()


class _Relation(NamedTuple):
    role: str
    target: URIRef
    internal: bool  # a published dataset of this catalogue
    target_id: int | None


def _load_relations(by_id: dict[int, Dataset], ctx: Context) -> None:
    rows = DatasetRelation.objects.filter(**_rows_of("dataset_id", by_id)).order_by("pk")
    for dataset_id, role, target_id, target_uri, uri, slug, status in rows.values_list(
        "dataset_id",
        "role",
        "target_id",
        "target_uri",
        "target__uri",
        "target__slug",
        "target__status",
    ):
        if dataset_id not in by_id:
            continue
        if target_id is None:
            by_id[dataset_id].dcat_relations.append(_Relation(role, iri(target_uri), False, None))
        elif status == Dataset.Status.PUBLISHED:
            target = iri(uri or settings.SITE_URL + reverse("catalog:dataset-detail", args=[slug]))
            by_id[dataset_id].dcat_relations.append(_Relation(role, target, True, target_id))
        # Relations to drafts and withdrawn datasets are left out: they must not leak.


def _published_datasets():
    # What a harvest could not map stays in the database; it is not published and can be big.
    return (
        Dataset.objects.published()
        .defer("raw_metadata", "harvest_hash", "created_at")
        .select_related("quality")
    )


def related_datasets(datasets: list[Dataset], ctx: Context) -> list[Dataset]:
    """The published datasets `datasets` relate to but that are not among them, loaded.

    A dcat:Relationship must point at a described dcat:Dataset (DCAT-AP range shape), so a
    page or document describes its relation targets too (without their own relations).
    """
    if not ctx.describe_related:
        return []
    present = {dataset.pk for dataset in datasets}
    wanted = {
        relation.target_id
        for dataset in datasets
        for relation in getattr(dataset, "dcat_relations", ())
        if relation.internal and relation.target_id not in present
    }
    if not wanted:
        return []
    related = list(_published_datasets().filter(pk__in=wanted).order_by("pk"))
    load_datasets(related, ctx, relations=False)
    return related


# The mapping -------------------------------------------------------------------------


def concept_triples(concept: Concept, ctx: Context) -> Iterator[Triple]:
    """skos:Concept with its labels and scheme, typed with the DCAT-AP range class."""
    ref = concept_ref(concept)
    yield ref, RDF.type, SKOS.Concept
    range_class = RANGE_CLASSES.get(concept.scheme)
    if range_class is not None:
        yield ref, RDF.type, range_class
    if _has_text(concept.label):
        yield from texts(ref, SKOS.prefLabel, concept.label)
    else:
        yield ref, SKOS.prefLabel, Lit(concept.code)
    yield ref, SKOS.notation, Lit(concept.code)
    scheme = concept.scheme_uri or SCHEMES.get(concept.scheme)
    if scheme:
        yield from _in_scheme(ref, scheme, ctx, fallback_title=concept.get_scheme_display())


def _in_scheme(ref, scheme: str, ctx: Context, *, fallback_title: str = "") -> Iterator[Triple]:
    scheme_ref = iri(scheme)
    yield ref, SKOS.inScheme, scheme_ref
    if ctx.first_time(scheme_ref):
        yield from _scheme_triples(scheme_ref, fallback_title)


def _scheme_triples(ref: URIRef, fallback_title: str = "") -> Iterator[Triple]:
    yield ref, RDF.type, SKOS.ConceptScheme
    titles = SCHEME_TITLES.get(str(ref))
    if titles:
        yield from texts(ref, DCT.title, titles)
    else:
        with translation.override("en"):
            yield ref, DCT.title, Lit(str(fallback_title) or str(ref), "en")


def _labelled_concept(ref: URIRef, labels: dict, scheme: str, ctx: Context) -> Iterator[Triple]:
    """A concept the portal knows only by IRI and fixed labels (licence types, roles...)."""
    yield ref, RDF.type, SKOS.Concept
    yield from texts(ref, SKOS.prefLabel, labels)
    yield from _in_scheme(ref, scheme, ctx)


def licence_triples(licence: Licence, ctx: Context) -> Iterator[Triple]:
    """dct:LicenseDocument; its reuse flags become ADMS licence types (dct:type)."""
    ref = licence_ref(licence)
    yield ref, RDF.type, DCT.LicenseDocument
    if _has_text(licence.title):
        yield from texts(ref, DCT.title, licence.title)
    else:
        yield ref, DCT.title, Lit(licence.code)
    yield ref, DCT.identifier, Lit(licence.code)
    if licence.url:
        yield ref, RDFS.seeAlso, iri(licence.url)
    for flag, (_code, labels) in LICENCE_TYPES.items():
        if getattr(licence, flag):
            type_ref = URIRef(LICENCE_TYPE_URIS[flag])
            yield ref, DCT.type, type_ref
            if ctx.first_time(type_ref):
                yield from _labelled_concept(type_ref, labels, ADMS_LICENCE_TYPES, ctx)


def agent_triples(publisher: Publisher, ctx: Context) -> Iterator[Triple]:
    """foaf:Agent (an organisation) with its name in every language and its ADMS type."""
    ref = agent_ref(publisher)
    yield ref, RDF.type, FOAF.Agent
    yield ref, RDF.type, FOAF.Organization
    if _has_text(publisher.name):
        yield from texts(ref, FOAF.name, publisher.name)
    else:
        yield ref, FOAF.name, Lit(publisher.slug)
    yield from texts(ref, DCT.description, publisher.description)
    if publisher.publisher_type_id:
        yield from ctx.concept(ref, DCT.type, publisher.publisher_type_id)
    if publisher.homepage:
        yield from ctx.typed(ref, FOAF.homepage, iri(publisher.homepage), FOAF.Document)
    if publisher.email:
        yield ref, FOAF.mbox, iri("mailto:" + publisher.email)
    if publisher.logo:
        yield ref, FOAF.logo, iri(_absolute(publisher.logo.url))


def _absolute(url: str) -> str:
    return url if "://" in url else settings.SITE_URL + url


def _contact(node, name: str, email: str = "", url: str = "", phone: str = "") -> Iterator[Triple]:
    yield node, RDF.type, VCARD.Kind
    yield node, VCARD.fn, Lit(_clean(name))
    if email:
        yield node, VCARD.hasEmail, iri("mailto:" + email)
    if url:
        yield node, VCARD.hasURL, iri(url)
    telephone = _tel(phone)
    if telephone:
        yield node, VCARD.hasTelephone, telephone


def _tel(phone: str) -> URIRef | None:
    """An RFC 3966 tel: IRI; spaces become the visual separator "-"."""
    number = re.sub(r"[^\d+()*#.-]+", "-", phone.strip()).strip("-")
    return URIRef("tel:" + number) if any(c.isdigit() for c in number) else None


def dataset_triples(dataset: Dataset, ctx: Context, *, relations: bool = True) -> Iterator[Triple]:
    """The dcat:Dataset, its distributions and every node they need (see load_datasets)."""
    ref = dataset_ref(dataset)
    yield ref, RDF.type, DCAT.Dataset
    yield from texts(ref, DCT.title, dataset.title)
    yield from texts(ref, DCT.description, dataset.description)
    yield ref, DCT.identifier, Lit(_clean(dataset.identifier) or str(ref))
    identifier = BNode(f"identifier{dataset.pk}")
    yield ref, ADMS.identifier, identifier
    yield identifier, RDF.type, ADMS.Identifier
    yield identifier, SKOS.notation, Lit(f"urn:uuid:{dataset.uuid}")
    for value, language in dataset.dcat_keywords:
        yield ref, DCAT.keyword, Lit(_clean(value), language_tag(language) if language else None)
    for pk in dataset.dcat_themes:
        yield from ctx.concept(ref, DCAT.theme, pk)
    for pk in dataset.dcat_subjects:
        yield from ctx.concept(ref, DCT.subject, pk)
    yield from ctx.agent(ref, DCT.publisher, dataset.publisher_id)
    if dataset.creator_id:
        yield from ctx.agent(ref, DCT.creator, dataset.creator_id)
    for contact in dataset.dcat_contacts:
        node = BNode(f"contact{contact.pk}")
        yield ref, DCAT.contactPoint, node
        yield from _contact(node, contact.name, contact.email, contact.url, contact.phone)
    yield from _temporal(ref, dataset)
    yield from _spatial(ref, dataset)
    if dataset.frequency_id:
        yield from ctx.concept(ref, DCT.accrualPeriodicity, dataset.frequency_id)
    for pk in dataset.dcat_languages:
        yield from ctx.concept(ref, DCT.language, pk)
    issued = dataset.issued or dataset.published_at
    if issued:
        yield ref, DCT.issued, date_literal(issued)
    modified = dataset.modified or dataset.updated_at
    if modified:
        yield ref, DCT.modified, date_literal(modified)
    if dataset.landing_page:
        yield from ctx.typed(ref, DCAT.landingPage, iri(dataset.landing_page), FOAF.Document)
    for url in dataset.documentation or ():
        yield from ctx.typed(ref, FOAF.page, iri(url), FOAF.Document)
    for url in dataset.conforms_to or ():
        yield from ctx.typed(ref, DCT.conformsTo, iri(url), DCT.Standard)
    if dataset.version:
        yield ref, DCAT.version, Lit(_clean(dataset.version))
    yield from texts(ref, ADMS.versionNotes, dataset.version_notes)
    if dataset.access_rights_id:
        yield from ctx.concept(ref, DCT.accessRights, dataset.access_rights_id)
    if dataset.licence_id:
        # Not a DCAT-AP Dataset property, but allowed, and the only place the licence of a
        # dataset without distributions survives a harvest; each distribution carries it too.
        yield from ctx.licence(ref, DCT.license, dataset.licence_id)
    yield from _rights_triples(ref, dataset, ctx)
    if _has_text(dataset.provenance):
        node = BNode(f"provenance{dataset.pk}")
        yield ref, DCT.provenance, node
        yield node, RDF.type, DCT.ProvenanceStatement
        yield from texts(node, RDFS.label, dataset.provenance)
    if relations:
        yield from _relation_triples(ref, dataset, ctx)
    if getattr(dataset, "dcat_quality", None):
        yield from _quality_triples(ref, dataset, ctx)
    for distribution in dataset.dcat_distributions:
        yield ref, DCAT.distribution, distribution_ref(distribution)
        yield from distribution_triples(distribution, dataset, ctx)


def _rights_triples(ref, dataset: Dataset, ctx: Context) -> Iterator[Triple]:
    """The rights statement and holder, and the legislation that applies (including the
    legal basis for limiting access), each an eli:LegalResource as DCAT-AP 3 wants."""
    if _has_text(dataset.rights):
        node = BNode(f"rights-dataset{dataset.pk}")
        yield ref, DCT.rights, node
        yield node, RDF.type, DCT.RightsStatement
        yield from texts(node, RDFS.label, dataset.rights)
    if dataset.rights_holder.strip():
        holder = BNode(f"rightsholder{dataset.pk}")
        yield ref, DCT.rightsHolder, holder
        yield holder, RDF.type, FOAF.Agent
        yield holder, FOAF.name, Lit(_clean(dataset.rights_holder))
    for url in dict.fromkeys(dataset.applicable_legislation or ()):
        yield from ctx.typed(ref, DCATAP.applicableLegislation, iri(url), ELI.LegalResource)
    if dataset.legal_basis_uri and dataset.legal_basis_uri not in (
        dataset.applicable_legislation or ()
    ):
        legal_basis = iri(dataset.legal_basis_uri)
        yield from ctx.typed(ref, DCATAP.applicableLegislation, legal_basis, ELI.LegalResource)
        yield from texts(legal_basis, RDFS.label, dataset.legal_basis)


def _quality_triples(ref, dataset: Dataset, ctx: Context) -> Iterator[Triple]:
    """DQV measurements of the metadata quality (catalog.quality): the EU-compatible score,
    its points per dimension and the portal's own percentage. Per criterion would be a
    dozen nodes per dataset in every export; the admin shows those."""
    score, dimensions, portal_score = dataset.dcat_quality
    values = [
        ("score", Lit(str(score), datatype=XSD.integer)),
        *((name, Lit(f"{value:.1f}", datatype=XSD.decimal)) for name, value in dimensions.items()),
        ("portal", Lit(str(portal_score), datatype=XSD.integer)),
    ]
    for name, value in values:
        node = BNode(f"quality{dataset.pk}{name}")
        metric = _metric_ref(name)
        yield ref, DQV.hasQualityMeasurement, node
        yield node, RDF.type, DQV.QualityMeasurement
        yield node, DQV.computedOn, ref
        yield node, DQV.isMeasurementOf, metric
        yield node, DQV.value, value
        if ctx.first_time(metric):
            yield from _metric_triples(metric, name, value.datatype, ctx)


@lru_cache(maxsize=16)
def _metric_ref(name: str) -> URIRef:
    # Defined in the catalogue's own document, where every page describes them again.
    return URIRef(f"{catalog_ref()}#quality-metric-{name}")


def _metric_triples(metric: URIRef, name: str, datatype, ctx: Context) -> Iterator[Triple]:
    yield metric, RDF.type, DQV.Metric
    yield metric, DQV.expectedDataType, datatype
    yield from texts(metric, SKOS.prefLabel, _labels(METRIC_LABELS[name]))
    yield from texts(metric, SKOS.definition, _labels(METRIC_DEFINITIONS[name]))
    if name in DIMENSIONS:
        dimension = URIRef(f"{catalog_ref()}#quality-dimension-{name}")
        yield metric, DQV.inDimension, dimension
        if ctx.first_time(dimension):
            yield dimension, RDF.type, DQV.Dimension
            yield from texts(dimension, SKOS.prefLabel, _labels(DIMENSIONS[name]))


def _labels(text) -> dict[str, str]:
    labels = {}
    for language in settings.METADATA_LANGUAGES:
        with translation.override(language):
            labels[language] = str(text)
    return labels


def _temporal(ref, dataset: Dataset) -> Iterator[Triple]:
    if dataset.temporal_start or dataset.temporal_end:
        node = BNode(f"temporal{dataset.pk}")
        yield ref, DCT.temporal, node
        yield node, RDF.type, DCT.PeriodOfTime
        if dataset.temporal_start:
            yield node, DCAT.startDate, date_literal(dataset.temporal_start)
        if dataset.temporal_end:
            yield node, DCAT.endDate, date_literal(dataset.temporal_end)


def _spatial(ref, dataset: Dataset) -> Iterator[Triple]:
    labelled = _has_text(dataset.spatial_label)
    if not (dataset.spatial_uri or labelled or dataset.has_bbox):
        return
    node = iri(dataset.spatial_uri) if dataset.spatial_uri else BNode(f"spatial{dataset.pk}")
    yield ref, DCT.spatial, node
    yield node, RDF.type, DCT.Location
    yield from texts(node, SKOS.prefLabel, dataset.spatial_label)
    if dataset.has_bbox:
        west, south = _coordinate(dataset.bbox_west), _coordinate(dataset.bbox_south)
        east, north = _coordinate(dataset.bbox_east), _coordinate(dataset.bbox_north)
        # WKT in CRS84 (longitude latitude), GeoSPARQL's default.
        ring = f"{west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}"
        polygon = f"POLYGON(({ring}))"
        yield node, DCAT.bbox, Lit(polygon, datatype=GSP.wktLiteral)
        centre_x = _coordinate((dataset.bbox_west + dataset.bbox_east) / 2)
        centre_y = _coordinate((dataset.bbox_south + dataset.bbox_north) / 2)
        yield node, DCAT.centroid, Lit(f"POINT({centre_x} {centre_y})", datatype=GSP.wktLiteral)


def _coordinate(value: float) -> str:
    return repr(round(float(value), 7))


def _relation_triples(ref, dataset: Dataset, ctx: Context) -> Iterator[Triple]:
    for index, relation in enumerate(dataset.dcat_relations):
        if not relation.internal:
            yield ref, RELATION_PROPERTIES[relation.role], relation.target
            continue
        node = BNode(f"relation{dataset.pk}x{index}")
        role = URIRef(RELATION_ROLES[relation.role])
        yield ref, DCAT.qualifiedRelation, node
        yield node, RDF.type, DCAT.Relationship
        yield node, DCT.relation, relation.target
        yield node, DCAT.hadRole, role
        if ctx.first_time(role):
            yield role, RDF.type, DCAT.Role
            with translation.override("en"):
                yield (
                    role,
                    SKOS.prefLabel,
                    Lit(str(DatasetRelation.Role(relation.role).label), "en"),
                )


def distribution_triples(
    distribution: DistributionRow, dataset: Dataset, ctx: Context
) -> Iterator[Triple]:
    ref = distribution_ref(distribution)
    yield ref, RDF.type, DCAT.Distribution
    yield from texts(ref, DCT.title, distribution.title)
    yield from texts(ref, DCT.description, distribution.description)
    access_url, download_url = distribution.urls(dataset)
    level = access.level_of(
        ctx.licences.get(distribution.licence_id or dataset.licence_id),
        ctx.concepts.get(distribution.access_rights_id or dataset.access_rights_id),
    )
    if level != access.PUBLIC:
        # catalog.access: DCAT is public, so a restricted file's address never appears;
        # dcat:accessURL (required) leads to where access is requested or explained.
        access_url, download_url = access.request_url(dataset, level), ""
    if access_url:
        yield ref, DCAT.accessURL, iri(access_url)
    if download_url:
        yield ref, DCAT.downloadURL, iri(download_url)
    if distribution.format_id:
        yield from ctx.concept(ref, DCT.format, distribution.format_id)
    media_type = media_type_ref(distribution.media_type)
    if media_type is not None:
        yield from ctx.typed(ref, DCAT.mediaType, media_type, DCT.MediaType)
    if distribution.byte_size is not None:
        yield ref, DCAT.byteSize, Lit(str(distribution.byte_size), datatype=XSD.nonNegativeInteger)
    if distribution.checksum:
        node = BNode(f"checksum{distribution.pk}")
        yield ref, SPDX.checksum, node
        yield node, RDF.type, SPDX.Checksum
        yield node, SPDX.algorithm, CHECKSUM_SHA256
        yield node, SPDX.checksumValue, Lit(distribution.checksum.lower(), datatype=XSD.hexBinary)
        if ctx.first_time(CHECKSUM_SHA256):
            yield CHECKSUM_SHA256, RDF.type, SPDX.ChecksumAlgorithm
            yield CHECKSUM_SHA256, OWL.sameAs, SPDX_SHA256
    licence_id = distribution.licence_id or dataset.licence_id
    if licence_id:
        yield from ctx.licence(ref, DCT.license, licence_id)
    access_rights_id = distribution.access_rights_id or dataset.access_rights_id
    if access_rights_id:
        yield from ctx.concept(ref, DCT.accessRights, access_rights_id)
    rules = getattr(dataset, "dcat_distribution_rules", {}).get(distribution.pk)
    rules = rules or getattr(dataset, "dcat_rules", [])
    if rules:
        yield from policy_triples(ref, rules, dataset, ctx)
    if _has_text(distribution.rights):
        node = BNode(f"rights{distribution.pk}")
        yield ref, DCT.rights, node
        yield node, RDF.type, DCT.RightsStatement
        yield from texts(node, RDFS.label, distribution.rights)
    for url in distribution.conforms_to or ():
        yield from ctx.typed(ref, DCT.conformsTo, iri(url), DCT.Standard)
    columns = getattr(dataset, "dcat_structure", {}).get(distribution.pk)
    if columns is not None:
        yield from _structure_triples(ref, distribution, dataset, columns, ctx)
    for pk in distribution.languages:
        yield from ctx.concept(ref, DCT.language, pk)
    if distribution.issued:
        yield ref, DCT.issued, date_literal(distribution.issued)
    modified = distribution.modified or distribution.updated_at
    if modified:
        yield ref, DCT.modified, date_literal(modified)
    yield from _status(ref, distribution.status, ctx)


def policy_triples(ref, rules: list[PolicyRule], dataset: Dataset, ctx) -> Iterator[Triple]:
    """odrl:hasPolicy: an ODRL 2.2 odrl:Set of the rules, targeting the distribution.

    Duties are what each permission demands (odrl:duty); without permissions they are the
    policy's obligations. Constraints: odrl:purpose and odrl:recipient (the portal's codes),
    odrl:spatial (a territory code) and odrl:dateTime (the period a rule is valid).
    """
    policy = iri(str(ref) + "#policy")
    yield ref, ODRL.hasPolicy, policy
    yield policy, RDF.type, ODRL.Policy
    yield policy, RDF.type, ODRL.Set
    yield policy, ODRL.uid, policy
    yield policy, ODRL.target, ref
    yield from ctx.agent(policy, ODRL.assigner, dataset.publisher_id)
    duties = [rule for rule in rules if rule.kind == PolicyRule.Kind.DUTY]
    permissions = [rule for rule in rules if rule.kind == PolicyRule.Kind.PERMISSION]
    for rule in permissions:
        node = BNode(f"rule{rule.pk}-{distribution_key(ref)}")
        yield policy, ODRL.permission, node
        yield from _rule_triples(node, ODRL.Permission, rule)
        for duty in duties:
            duty_node = BNode(f"rule{duty.pk}-{rule.pk}-{distribution_key(ref)}")
            yield node, ODRL.duty, duty_node
            yield from _rule_triples(duty_node, ODRL.Duty, duty)
    for rule in rules:
        if rule.kind == PolicyRule.Kind.PROHIBITION:
            node = BNode(f"rule{rule.pk}-{distribution_key(ref)}")
            yield policy, ODRL.prohibition, node
            yield from _rule_triples(node, ODRL.Prohibition, rule)
        elif rule.kind == PolicyRule.Kind.DUTY and not permissions:
            node = BNode(f"rule{rule.pk}-{distribution_key(ref)}")
            yield policy, ODRL.obligation, node
            yield from _rule_triples(node, ODRL.Duty, rule)


def distribution_key(ref) -> str:
    """A short, stable part of blank-node ids that keeps one policy's nodes apart from
    another distribution's (the same dataset rule appears in each of them)."""
    return str(ref).rsplit("/", 1)[-1]


def _rule_triples(node, cls, rule: PolicyRule) -> Iterator[Triple]:
    yield node, RDF.type, cls
    yield node, ODRL.action, URIRef(ACTION_IRIS.get(rule.action, ODRL + rule.action))
    constraints = [
        (ODRL.purpose, list(rule.purposes or ())),
        (ODRL.recipient, list(rule.recipient_types or ())),
        (ODRL.spatial, [rule.territory] if rule.territory else []),
    ]
    for number, (left, values) in enumerate(constraints):
        if values:
            constraint = BNode(f"{node}-c{number}")
            yield node, ODRL.constraint, constraint
            yield constraint, RDF.type, ODRL.Constraint
            yield constraint, ODRL.leftOperand, left
            yield constraint, ODRL.operator, ODRL.eq if len(values) == 1 else ODRL.isAnyOf
            for value in values:
                yield constraint, ODRL.rightOperand, Lit(_clean(str(value)))
    for name, operator, moment in (
        ("from", ODRL.gteq, rule.valid_from),
        ("until", ODRL.lteq, rule.valid_until),
    ):
        if moment:
            constraint = BNode(f"{node}-{name}")
            yield node, ODRL.constraint, constraint
            yield constraint, RDF.type, ODRL.Constraint
            yield constraint, ODRL.leftOperand, ODRL.dateTime
            yield constraint, ODRL.operator, operator
            yield constraint, ODRL.rightOperand, date_literal(moment)


def _structure_triples(ref, distribution, dataset, columns, ctx) -> Iterator[Triple]:
    """The distribution conforms to its Table Schema (served at schema.json); the columns
    its owner linked to a concept, marked as key or joined to another dataset are described
    in CSVW terms, and a joined dataset is a dct:relation of this one."""
    schema = iri(
        settings.SITE_URL
        + reverse("catalog:distribution-schema", args=[dataset.slug, distribution.uuid])
    )
    yield from ctx.typed(ref, DCT.conformsTo, schema, DCT.Standard)
    yield schema, RDF.type, CSVW.Schema
    for index, column in enumerate(columns):
        node = BNode(f"column{distribution.pk}x{index}")
        if column.concept_uri:
            yield schema, CSVW.column, node
            yield node, RDF.type, CSVW.Column
            yield node, CSVW.name, Lit(_clean(column.name))
            yield node, DCT.subject, iri(column.concept_uri)
        if column.is_key:
            yield schema, CSVW.primaryKey, Lit(_clean(column.name))
        # Only published datasets are linked: drafts and withdrawn ones must not leak.
        if column.target_slug and column.target_status == Dataset.Status.PUBLISHED:
            target = iri(
                column.target_uri
                or settings.SITE_URL + reverse("catalog:dataset-detail", args=[column.target_slug])
            )
            key = BNode(f"foreignkey{distribution.pk}x{index}")
            reference = BNode(f"reference{distribution.pk}x{index}")
            yield schema, CSVW.foreignKey, key
            yield key, CSVW.columnReference, Lit(_clean(column.name))
            yield key, CSVW.reference, reference
            yield reference, CSVW.resource, target
            joined = _clean(column.references_column or column.name)
            yield reference, CSVW.columnReference, Lit(joined)
            yield dataset_ref(dataset), DCT.relation, target


def _status(ref, code: str, ctx: Context) -> Iterator[Triple]:
    status = _status_ref(code)
    yield ref, ADMS.status, status
    if ctx.first_time(status):
        labels = {}
        for language in settings.METADATA_LANGUAGES:
            with translation.override(language):
                labels[language] = str(Distribution.DistributionStatus(code).label)
        yield from _labelled_concept(
            status, labels, SCHEMES[Concept.Scheme.DISTRIBUTION_STATUS], ctx
        )


@lru_cache(maxsize=64)
def _status_ref(code: str) -> URIRef:
    return iri(f"{EU_AUTHORITY}distribution-status/{code}")


def data_service_triples(
    service: DataService, ctx: Context, served: Iterable[Dataset]
) -> Iterator[Triple]:
    """dcat:DataService; `served` are the published datasets it serves that this document names."""
    ref = data_service_ref(service)
    yield ref, RDF.type, DCAT.DataService
    yield from texts(ref, DCT.title, service.title)
    yield from texts(ref, DCT.description, service.description)
    yield ref, DCT.identifier, Lit(str(ref))
    yield ref, DCAT.endpointURL, iri(service.endpoint_url)
    if service.endpoint_description:
        yield ref, DCAT.endpointDescription, iri(service.endpoint_description)
    for dataset in served:
        yield ref, DCAT.servesDataset, dataset_ref(dataset)
    for pk in service.dcat_themes:
        yield from ctx.concept(ref, DCAT.theme, pk)
    for url in service.conforms_to or ():
        yield from ctx.typed(ref, DCT.conformsTo, iri(url), DCT.Standard)
    if service.licence_id:
        yield from ctx.licence(ref, DCT.license, service.licence_id)
    if service.access_rights_id:
        yield from ctx.concept(ref, DCT.accessRights, service.access_rights_id)
    yield from ctx.agent(ref, DCT.publisher, service.publisher_id)
    if service.contact_email:
        node = BNode(f"servicecontact{service.pk}")
        yield ref, DCAT.contactPoint, node
        publisher = ctx.publishers.get(service.publisher_id)
        name = localized(publisher.name, settings.LANGUAGE_CODE) if publisher else ""
        yield from _contact(node, name or service.contact_email, service.contact_email)
    yield ref, DCT.modified, date_literal(service.updated_at)


def load_data_services(services: list[DataService], ctx: Context) -> None:
    """Attach `dcat_themes` to each service and load its concepts, licence and publisher."""
    by_id = {service.pk: service for service in services}
    for service in services:
        service.dcat_themes = []
    if not by_id:
        return
    rows = DataService.themes.through.objects.filter(dataservice_id__in=list(by_id)).order_by("pk")
    for service_id, concept_id in rows.values_list("dataservice_id", "concept_id"):
        by_id[service_id].dcat_themes.append(concept_id)
    ctx.load_concepts([pk for s in services for pk in (*s.dcat_themes, s.access_rights_id)])
    ctx.load_licences(s.licence_id for s in services)
    ctx.load_publishers(s.publisher_id for s in services)


def _dataset_stub(dataset: Dataset) -> Iterator[Triple]:
    """The least a named dcat:Dataset needs in DCAT-AP: its class, title and description."""
    ref = dataset_ref(dataset)
    yield ref, RDF.type, DCAT.Dataset
    yield from texts(ref, DCT.title, dataset.title)
    yield from texts(ref, DCT.description, dataset.description)


def load_catalog(catalog: Catalog, ctx: Context) -> Catalog:
    """Load what catalog_triples needs: languages, licence and publisher."""
    catalog.dcat_languages = [concept.pk for concept in catalog.languages.all()]
    ctx.load_concepts(catalog.dcat_languages)
    ctx.load_licences([catalog.licence_id])
    ctx.load_publishers([catalog.publisher_id])
    return catalog


def catalog_triples(catalog: Catalog, ctx: Context, *, modified=None) -> Iterator[Triple]:
    """The dcat:Catalog itself (see load_catalog), without its datasets: pages and the
    export add those."""
    ref = catalog_ref()
    yield ref, RDF.type, DCAT.Catalog
    if _has_text(catalog.title):
        yield from texts(ref, DCT.title, catalog.title)
    else:
        yield ref, DCT.title, Lit(settings.SITE_NAME)
    if _has_text(catalog.description):
        yield from texts(ref, DCT.description, catalog.description)
    else:
        yield ref, DCT.description, Lit(settings.SITE_NAME)
    publisher = ctx.publishers.get(catalog.publisher_id)
    if publisher is not None:
        yield from ctx.agent(ref, DCT.publisher, publisher.pk)
        if publisher.email:
            node = BNode("catalogcontact")
            yield ref, DCAT.contactPoint, node
            name = localized(publisher.name, settings.LANGUAGE_CODE) or publisher.slug
            yield from _contact(node, name, publisher.email)
    else:
        # DCAT-AP requires a publisher; until one is chosen the portal itself is named.
        agent = _portal_agent_ref()
        yield ref, DCT.publisher, agent
        if ctx.first_time(agent):
            yield agent, RDF.type, FOAF.Agent
            yield agent, FOAF.name, Lit(settings.SITE_NAME)
    if catalog.homepage:
        yield from ctx.typed(ref, FOAF.homepage, iri(catalog.homepage), FOAF.Document)
    for pk in catalog.dcat_languages:
        yield from ctx.concept(ref, DCT.language, pk)
    if catalog.licence_id:
        yield from ctx.licence(ref, DCT.license, catalog.licence_id)
    if catalog.themes_taxonomy:
        taxonomy = iri(catalog.themes_taxonomy)
        yield ref, DCAT.themeTaxonomy, taxonomy
        if ctx.first_time(taxonomy):
            yield from _scheme_triples(taxonomy, "Themes")
    if catalog.issued:
        yield ref, DCT.issued, date_literal(catalog.issued)
    if modified:
        yield ref, DCT.modified, date_literal(modified)


# Documents ----------------------------------------------------------------------------


def dataset_document(dataset: Dataset) -> Iterator[Triple]:
    """A published dataset on its own: itself, its distributions, the published datasets it
    relates to and every vocabulary node they use. Loads eagerly, yields lazily."""
    ctx = Context()
    load_datasets([dataset], ctx)
    related = related_datasets([dataset], ctx)
    return _chain(
        dataset_triples(dataset, ctx),
        *(dataset_triples(other, ctx, relations=False) for other in related),
    )


def publisher_document(publisher: Publisher) -> Iterator[Triple]:
    ctx = Context()
    ctx.load_publishers([publisher.pk])
    return agent_triples(ctx.publishers[publisher.pk], ctx)


def data_service_document(service: DataService) -> Iterator[Triple]:
    """A published data service with stubs of the published datasets it serves."""
    ctx = Context()
    load_data_services([service], ctx)
    served = list(
        service.serves_datasets.published()
        .order_by("pk")
        .only("pk", "uuid", "uri", "slug", "title", "description")
    )
    return _chain(
        data_service_triples(service, ctx, served),
        *(_dataset_stub(dataset) for dataset in served),
    )


def _chain(*iterables: Iterable[Triple]) -> Iterator[Triple]:
    for iterable in iterables:
        yield from iterable


def _services_serving(
    datasets: list[Dataset], ctx: Context
) -> list[tuple[DataService, list[Dataset]]]:
    """Published data services serving any of `datasets`, each with those it serves."""
    by_id = {dataset.pk: dataset for dataset in datasets}
    if not by_id:
        return []
    through = DataService.serves_datasets.through
    rows = (
        through.objects.filter(
            dataset_id__in=list(by_id), dataservice__status=Dataset.Status.PUBLISHED
        )
        .order_by("dataservice_id", "dataset_id")
        .values_list("dataservice_id", "dataset_id")
    )
    served: dict[int, list[Dataset]] = {}
    for service_id, dataset_id in rows:
        served.setdefault(service_id, []).append(by_id[dataset_id])
    if not served:
        return []
    services = list(DataService.objects.filter(pk__in=list(served)).order_by("pk"))
    load_data_services(services, ctx)
    return [(service, served[service.pk]) for service in services]


class BadRequest(ValueError):
    """A catalogue parameter that cannot be used; the message is shown to the client."""


DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass
class CataloguePage:
    """One Hydra page of the catalogue, loaded by `load()` and written by `triples()`."""

    number: int
    size: int
    total: int
    filters: dict[str, str]
    path: str
    datasets: list[Dataset] = field(default_factory=list)
    related: list[Dataset] = field(default_factory=list)
    services: list = field(default_factory=list)
    modified: datetime | None = None
    catalog: Catalog | None = None
    ctx: Context = field(default_factory=Context)

    @property
    def last(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    def url(self, number: int) -> URIRef:
        """The absolute, URL-encoded address of page `number` with the same filters."""
        params = dict(self.filters)
        if self.size != DEFAULT_PAGE_SIZE:
            params["page_size"] = str(self.size)
        params["page"] = str(number)
        return URIRef(f"{settings.SITE_URL}{self.path}?{urlencode(params, quote_via=quote)}")

    @classmethod
    def load(cls, params, path: str) -> "CataloguePage":
        """Validate the query parameters and load the page. Raises BadRequest or Http404."""
        number = _positive_int(params.get("page", "1"), "page")
        size = _positive_int(params.get("page_size", str(DEFAULT_PAGE_SIZE)), "page_size")
        if size > MAX_PAGE_SIZE:
            raise BadRequest(_("page_size must be at most %(max)d.") % {"max": MAX_PAGE_SIZE})
        queryset, filters = _filtered(params)
        summary = queryset.order_by().aggregate(total=Count("pk"), modified=Max("updated_at"))
        page = cls(number, size, summary["total"], filters, path, modified=summary["modified"])
        if number > page.last:
            raise Http404(
                _("There is no page %(number)d; the last page is %(last)d.")
                % {"number": number, "last": page.last}
            )
        offset = (number - 1) * size
        page.datasets = list(queryset.order_by("pk")[offset : offset + size])
        load_datasets(page.datasets, page.ctx)
        page.related = related_datasets(page.datasets, page.ctx)
        page.services = _services_serving(page.datasets, page.ctx)
        if number == 1 and not filters:
            page.services += _idle_services(page.ctx)
        page.catalog = load_catalog(Catalog.get_current(), page.ctx)
        return page

    def triples(self) -> Iterator[Triple]:
        catalog = catalog_ref()
        yield from catalog_triples(self.catalog, self.ctx, modified=self.modified)
        yield from self._hydra_triples(catalog)
        for dataset in self.datasets:
            yield catalog, DCAT.dataset, dataset_ref(dataset)
            yield from dataset_triples(dataset, self.ctx)
        for dataset in self.related:
            yield from dataset_triples(dataset, self.ctx, relations=False)
        for service, served in self.services:
            yield catalog, DCAT.service, data_service_ref(service)
            yield from data_service_triples(service, self.ctx, served)

    def _hydra_triples(self, catalog: URIRef) -> Iterator[Triple]:
        collection = catalog
        if self.filters:
            # A filtered view is its own collection; the catalogue's size is not its size.
            query = urlencode(self.filters, quote_via=quote)
            collection = URIRef(f"{settings.SITE_URL}{self.path}?{query}")
        view = self.url(self.number)
        yield collection, RDF.type, HYDRA.Collection
        yield collection, HYDRA.totalItems, Lit(str(self.total), datatype=XSD.nonNegativeInteger)
        yield collection, HYDRA.view, view
        yield view, RDF.type, HYDRA.PartialCollectionView
        yield view, HYDRA.first, self.url(1)
        yield view, HYDRA.last, self.url(self.last)
        if self.number > 1:
            yield view, HYDRA.previous, self.url(self.number - 1)
        if self.number < self.last:
            yield view, HYDRA.next, self.url(self.number + 1)


def _positive_int(value: str, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadRequest(
            _("%(name)s must be a whole number, not %(value)r.") % {"name": name, "value": value}
        ) from None
    if number < 1:
        raise BadRequest(
            _("%(name)s must be 1 or more, not %(number)d.") % {"name": name, "number": number}
        )
    return number


def _filtered(params) -> tuple:
    """Published datasets matching the q, publisher, theme and modified_since parameters."""
    queryset = _published_datasets()
    filters = {}
    q = params.get("q", "").strip()
    if q:
        queryset = search_datasets(queryset, q)
        filters["q"] = q
    publisher = params.get("publisher", "").strip()
    if publisher:
        found = Publisher.objects.filter(Q(slug=publisher) | Q(uri=publisher)).first()
        if found is None:
            raise BadRequest(_("There is no publisher %(publisher)r.") % {"publisher": publisher})
        queryset = queryset.filter(publisher=found)
        filters["publisher"] = publisher
    theme = params.get("theme", "").strip()
    if theme:
        found = Concept.objects.filter(
            Q(code__iexact=theme) | Q(uri=theme), scheme=Concept.Scheme.THEME
        ).first()
        if found is None:
            raise BadRequest(_("There is no theme %(theme)r.") % {"theme": theme})
        queryset = queryset.filter(themes=found)
        filters["theme"] = theme
    since = params.get("modified_since", "").strip()
    if since:
        queryset = queryset.filter(updated_at__gte=parse_moment(since))
        filters["modified_since"] = since
    return queryset, filters


def parse_moment(value: str) -> datetime:
    """An ISO 8601 date or date-time as an aware datetime (a date means its start)."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is not None:
                moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise BadRequest(
            _(
                "modified_since must be a date (2024-05-01) or a date and time "
                "(2024-05-01T12:00:00Z), not %(value)r."
            )
            % {"value": value}
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _idle_services(ctx: Context) -> list[tuple[DataService, list[Dataset]]]:
    """Published data services that serve no published dataset (listed on the first page)."""
    served = DataService.serves_datasets.through.objects.filter(
        dataset__status=Dataset.Status.PUBLISHED
    ).values("dataservice_id")
    services = list(DataService.objects.published().exclude(pk__in=served).order_by("pk"))
    load_data_services(services, ctx)
    return [(service, []) for service in services]


def export_chunks(chunk_size: int = 500) -> Iterator[list[Triple]]:
    """The whole published catalogue as lists of triples, `chunk_size` datasets at a time.

    Memory stays flat: each chunk is loaded, mapped and dropped; the Context keeps only the
    vocabularies and publishers, so every concept and agent is described once per export.
    """
    ctx = Context(describe_related=False)
    published = _published_datasets()
    modified = published.aggregate(modified=Max("updated_at"))["modified"]
    catalog = catalog_ref()
    yield list(catalog_triples(load_catalog(Catalog.get_current(), ctx), ctx, modified=modified))
    # The mapping makes no reference cycles (it reads rows, not model instances, where it
    # can), so reference counting frees each chunk and the cyclic collector can rest: its
    # passes over the chunks' millions of objects took a third of the time.
    with gc_paused():
        for datasets in _loaded_chunks(published, ctx, chunk_size):
            chunk = []
            for dataset in datasets:
                chunk.append((catalog, DCAT.dataset, dataset_ref(dataset)))
                chunk.extend(dataset_triples(dataset, ctx))
            yield chunk
    yield list(_export_services(ctx, catalog))


def _loaded_chunks(published, ctx: Context, chunk_size: int) -> Iterator[list[Dataset]]:
    """`published` in primary-key order, chunk_size datasets at a time, loaded for mapping.

    The next chunk is read by a second thread, on a connection of its own, while the caller
    maps this one: on two cores the database then works while Python does. Inside a
    transaction another connection would not see uncommitted rows, so the chunks are then
    read in line.
    """

    def read(after_pk: int) -> list[Dataset]:
        datasets = list(published.filter(pk__gt=after_pk).order_by("pk")[:chunk_size])
        load_datasets(datasets, ctx)
        return datasets

    if connection.in_atomic_block:
        datasets = read(0)
        while datasets:
            yield datasets
            datasets = read(datasets[-1].pk)
        return
    with ThreadPoolExecutor(max_workers=1) as reader:
        try:
            pending = reader.submit(read, 0)
            while datasets := pending.result():
                pending = reader.submit(read, datasets[-1].pk)
                yield datasets
        finally:
            reader.submit(connections.close_all).result()  # the reader thread's connection


def _export_services(ctx: Context, catalog: URIRef) -> Iterator[Triple]:
    services = list(DataService.objects.published().order_by("pk"))
    load_data_services(services, ctx)
    served: dict[int, list[Dataset]] = {service.pk: [] for service in services}
    rows = DataService.serves_datasets.through.objects.filter(
        dataservice_id__in=list(served), dataset__status=Dataset.Status.PUBLISHED
    ).order_by("dataservice_id", "dataset_id")
    for service_id, uri, slug in rows.values_list(
        "dataservice_id", "dataset__uri", "dataset__slug"
    ):
        served[service_id].append(Dataset(uri=uri, slug=slug))
    for service in services:
        yield catalog, DCAT.service, data_service_ref(service)
        yield from data_service_triples(service, ctx, served[service.pk])


# Writers ------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')
_NAMESPACES = {str(namespace): prefix for prefix, namespace in PREFIXES.items()}
# Used with .match(value, pos), where "^" would not anchor at pos.
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*$")


def _quoted(value: str) -> str:
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(lambda match: _ESCAPES[match.group()], value)
    return f'"{value}"'


def _nt_literal(literal: Lit) -> str:
    if literal.lang:
        return f"{_quoted(literal.value)}@{literal.lang}"
    if literal.datatype is not None:
        return f"{_quoted(literal.value)}^^<{literal.datatype}>"
    return _quoted(literal.value)


def ntriples(triples: Iterable[Triple]) -> Iterator[str]:
    """N-Triples lines, one per triple."""
    # Written out rather than through a term function: this loop runs for every triple of
    # the export, and predicates are always IRIs, subjects never literals.
    for subject, predicate, obj in triples:
        kind = type(obj)
        if kind is Lit:
            obj = _nt_literal(obj)
        elif kind is BNode:
            obj = f"_:{obj}"
        else:
            obj = f"<{obj}>"
        if type(subject) is BNode:
            yield f"_:{subject} <{predicate}> {obj} .\n"
        else:
            yield f"<{subject}> <{predicate}> {obj} .\n"


def _ttl_iri(value: str) -> str:
    cut = max(value.rfind("#"), value.rfind("/")) + 1
    prefix = _NAMESPACES.get(value[:cut])
    if prefix is not None and _LOCAL_NAME.match(value, cut):
        return f"{prefix}:{value[cut:]}"
    return f"<{value}>"


def _ttl_term(term) -> str:
    if type(term) is Lit:
        if term.lang:
            return f"{_quoted(term.value)}@{term.lang}"
        if term.datatype is not None:
            return f"{_quoted(term.value)}^^{_ttl_iri(term.datatype)}"
        return _quoted(term.value)
    if type(term) is BNode:
        return f"_:{term}"
    return _ttl_iri(term)


def turtle_prefixes() -> str:
    return "".join(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in PREFIXES.items()) + "\n"


def _by_subject(triples: Iterable[Triple]) -> list[tuple]:
    """[(subject, [(predicate, [object, ...]), ...]), ...] in the order first seen.

    Grouped by object identity, not equality: rdflib terms hash in Python, slowly, and the
    mapping reuses one object per subject and predicate. The triples are held in a list
    throughout, which keeps the objects, and so their ids, alive while the ids are keys.
    """
    triples = triples if isinstance(triples, list) else list(triples)
    subjects: dict = {}
    for subject, predicate, obj in triples:
        entry = subjects.get(id(subject))
        if entry is None:
            entry = subjects[id(subject)] = (subject, {})
        predicates = entry[1]
        objects = predicates.get(id(predicate))
        if objects is None:
            predicates[id(predicate)] = (predicate, [obj])
        else:
            objects[1].append(obj)
    return [(subject, list(predicates.values())) for subject, predicates in subjects.values()]


def turtle_body(triples: Iterable[Triple]) -> Iterator[str]:
    """Turtle statements without prefixes, one block per subject (so chunks can be appended)."""
    for subject, predicates in _by_subject(triples):
        lines = [
            f"{'a' if predicate == RDF.type else _ttl_term(predicate)} "
            + ", ".join([_ttl_term(obj) for obj in objects])
            for predicate, objects in predicates
        ]
        yield f"{_ttl_term(subject)} " + " ;\n    ".join(lines) + " .\n\n"


def turtle(triples: Iterable[Triple]) -> Iterator[str]:
    yield turtle_prefixes()
    yield from turtle_body(triples)


def _compact(value: str) -> str:
    """prefix:local for an IRI in one of PREFIXES, else the IRI."""
    cut = max(value.rfind("#"), value.rfind("/")) + 1
    prefix = _NAMESPACES.get(value[:cut])
    if prefix is not None and _LOCAL_NAME.match(value, cut):
        return f"{prefix}:{value[cut:]}"
    return str(value)


def _jsonld_value(term) -> dict:
    if type(term) is Lit:
        if term.lang:
            return {"@value": term.value, "@language": term.lang}
        if term.datatype is not None:
            return {"@value": term.value, "@type": _compact(term.datatype)}
        return {"@value": term.value}
    if type(term) is BNode:
        return {"@id": f"_:{term}"}
    return {"@id": str(term)}


def jsonld(triples: Iterable[Triple]) -> Iterator[str]:
    """Flattened JSON-LD: one node object per subject, compact IRIs through the prefixes."""
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    yield '{"@context": ' + json.dumps(context) + ', "@graph": [\n'
    separator = ""
    for subject, predicates in _by_subject(triples):
        node = {"@id": f"_:{subject}" if type(subject) is BNode else str(subject)}
        for predicate, objects in predicates:
            if predicate == RDF.type and all(type(o) is URIRef for o in objects):
                node["@type"] = [_compact(o) for o in objects]
            else:
                node[_compact(predicate)] = [_jsonld_value(o) for o in objects]
        yield separator + json.dumps(node, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def _xml_name(iri: str) -> tuple[str, str]:
    """(qualified name, namespace declaration or "") of a predicate for RDF/XML."""
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    prefix = _NAMESPACES.get(iri[:cut])
    if prefix is not None and _LOCAL_NAME.match(iri, cut):
        return f"{prefix}:{iri[cut:]}", ""
    # Not one of ours (the mapping uses none such): a namespace declared on the element.
    return f"ns:{iri[cut:]}", f" xmlns:ns={quoteattr(iri[:cut])}"


# XML parsers turn \r\n into \n unless the \r is a character reference.
_XML_TEXT = {"\r": "&#13;"}


def rdf_xml(triples: Iterable[Triple]) -> Iterator[str]:
    """RDF/XML: one rdf:Description per subject, objects by rdf:resource or rdf:nodeID."""
    namespaces = "".join(
        f"\n    xmlns:{prefix}={quoteattr(str(ns))}" for prefix, ns in PREFIXES.items()
    )
    yield f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{namespaces}>\n'
    for subject, predicates in _by_subject(triples):
        about = (
            f"rdf:nodeID={quoteattr(str(subject))}"
            if type(subject) is BNode
            else f"rdf:about={quoteattr(str(subject))}"
        )
        lines = [f"  <rdf:Description {about}>"]
        for predicate, objects in predicates:
            name, declaration = _xml_name(predicate)
            for obj in objects:
                if type(obj) is Lit:
                    if obj.lang:
                        attributes = f" xml:lang={quoteattr(obj.lang)}"
                    elif obj.datatype is not None:
                        attributes = f" rdf:datatype={quoteattr(str(obj.datatype))}"
                    else:
                        attributes = ""
                    text = escape(obj.value, _XML_TEXT)
                    lines.append(f"    <{name}{declaration}{attributes}>{text}</{name}>")
                elif type(obj) is BNode:
                    lines.append(f"    <{name}{declaration} rdf:nodeID={quoteattr(str(obj))}/>")
                else:
                    lines.append(f"    <{name}{declaration} rdf:resource={quoteattr(str(obj))}/>")
        lines.append("  </rdf:Description>\n")
        yield "\n".join(lines)
    yield "</rdf:RDF>\n"


WRITERS = {"ttl": turtle, "nt": ntriples, "rdf": rdf_xml, "jsonld": jsonld}


def to_graph(triples: Iterable[Triple]) -> Graph:
    """An rdflib Graph of the triples (the writers above do not need one)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.addN(
        (subject, predicate, obj.to_rdflib() if type(obj) is Lit else obj, graph)
        for subject, predicate, obj in triples
    )
    return graph


def serialize(triples: Iterable[Triple], fmt: str) -> Iterator[str]:
    """The triples in FORMATS[fmt], as text chunks."""
    with gc_paused():
        triples = list(triples)
        if fmt == "nt":
            return ntriples(triples)
        return iter(["".join(WRITERS[fmt](triples))])


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector. Mapping a page allocates hundreds of thousands
    of small objects without cycles, and the collector's passes over them (triggered by
    allocation counts) took more time than the mapping itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Content negotiation ------------------------------------------------------------------


def _accepted(header: str) -> dict[str, float]:
    """Media range -> quality from an Accept header; malformed parts are ignored."""
    accepted: dict[str, float] = {}
    for part in header.split(","):
        media_range, *params = part.split(";")
        media_range = media_range.strip().lower()
        if not media_range:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        accepted[media_range] = max(quality, accepted.get(media_range, 0.0))
    return accepted


def _preferred_rdf(accepted: dict[str, float]) -> tuple[str | None, float]:
    best, best_quality = None, 0.0
    for media_type, fmt in MEDIA_TYPES.items():
        quality = accepted.get(media_type, 0.0)
        if quality > best_quality:
            best, best_quality = fmt, quality
    return best, best_quality


def _html_quality(accepted: dict[str, float]) -> float:
    return max(accepted.get("text/html", 0.0), accepted.get("application/xhtml+xml", 0.0))


def negotiated_format(request) -> str | None:
    """The RDF format (a FORMATS key) an HTML page's request asks for, or None for HTML.

    Only an RDF media type named exactly, and preferred over text/html, wins: browsers send
    text/html and */*, so they keep the page while linked-data clients get RDF from its URL.
    """
    accepted = _accepted(request.headers.get("Accept", ""))
    fmt, quality = _preferred_rdf(accepted)
    return fmt if fmt is not None and quality > _html_quality(accepted) else None


def catalog_format(request) -> str | None:
    """For /catalog: an RDF format, "html" for browsers, or None when nothing fits (406).

    An RDF type named explicitly wins over HTML; a browser (text/html) is sent to the
    dataset list; no Accept header, */* or text/* get Turtle.
    """
    header = request.headers.get("Accept", "").strip()
    if not header:
        return "ttl"
    accepted = _accepted(header)
    fmt, quality = _preferred_rdf(accepted)
    html = _html_quality(accepted)
    if fmt is not None and quality > html:
        return fmt
    if html > 0:
        return "html"
    if accepted.get("*/*", 0) > 0 or accepted.get("text/*", 0) > 0:
        return "ttl"
    if accepted.get("application/*", 0) > 0:
        return "jsonld"
    return None


# schema.org -----------------------------------------------------------------------------


def schema_org_json(dataset: Dataset) -> dict:
    """A schema.org Dataset (as read by Google Dataset Search) in the active language."""
    url = settings.SITE_URL + dataset.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": str(dataset_ref(dataset)),
        "name": localized(dataset.title),
        "description": localized(dataset.description),
        "url": url,
        "identifier": dataset.identifier or str(dataset_ref(dataset)),
        "keywords": [keyword.value for keyword in dataset.keywords.all()],
        "isAccessibleForFree": True,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
        },
        "publisher": _schema_org_organization(dataset.publisher),
        "creator": _schema_org_organization(dataset.creator or dataset.publisher),
    }
    languages = [language.code for language in dataset.languages.all()]
    if languages:
        data["inLanguage"] = languages
    licence = dataset.effective_licence()
    if licence is not None:
        data["license"] = licence.uri
    if dataset.version:
        data["version"] = dataset.version
    if dataset.published_at or dataset.issued:
        data["datePublished"] = (dataset.issued or dataset.published_at).isoformat()
    data["dateModified"] = (dataset.modified or dataset.updated_at).isoformat()
    if dataset.temporal_start or dataset.temporal_end:
        start = dataset.temporal_start.isoformat() if dataset.temporal_start else ".."
        end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    place = _schema_org_place(dataset)
    if place:
        data["spatialCoverage"] = place
    distributions = []
    for distribution in dataset.distributions.all():
        download = distribution.get_download_target() or distribution.get_access_url()
        if access.access_level(dataset, distribution) != access.PUBLIC:
            # Search engines see no restricted file's address, only the guarded portal URL.
            download = settings.SITE_URL + distribution.get_download_url()
        entry = {"@type": "DataDownload", "contentUrl": download}
        if _has_text(distribution.title):
            entry["name"] = localized(distribution.title)
        encoding = distribution.media_type or (
            distribution.format.media_type or distribution.format.code
            if distribution.format_id
            else ""
        )
        if encoding:
            entry["encodingFormat"] = encoding
        if distribution.byte_size is not None:
            entry["contentSize"] = f"{distribution.byte_size} B"
        distributions.append(entry)
    if distributions:
        data["distribution"] = distributions
    return data


def _schema_org_organization(publisher: Publisher) -> dict:
    name = localized(publisher.name) or publisher.slug
    organization = {"@type": "Organization", "name": name, "url": publisher.get_uri()}
    if publisher.email:
        organization["email"] = publisher.email
    return organization


def _schema_org_place(dataset: Dataset) -> dict | None:
    if not (dataset.spatial_uri or _has_text(dataset.spatial_label) or dataset.has_bbox):
        return None
    place = {"@type": "Place"}
    if dataset.spatial_uri:
        place["@id"] = dataset.spatial_uri
    if _has_text(dataset.spatial_label):
        place["name"] = localized(dataset.spatial_label)
    if dataset.has_bbox:
        # schema.org boxes are "south west north east".
        box = (dataset.bbox_south, dataset.bbox_west, dataset.bbox_north, dataset.bbox_east)
        place["geo"] = {"@type": "GeoShape", "box": " ".join(_coordinate(v) for v in box)}
    return place


_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def schema_org_script(dataset: Dataset) -> str:
    """schema_org_json as the text of a <script type="application/ld+json"> element, escaped
    like Django's json_script so that no value can close the element."""
    return json.dumps(schema_org_json(dataset), ensure_ascii=False).translate(_SCRIPT_ESCAPES)
