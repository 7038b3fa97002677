"""Harvesting: copy the datasets of other catalogues (DCAT RDF documents, CKAN sites) into ours.

A run first reads the whole source, page by page, and maps every dataset to a plain
`Record`; only then does it write. So a source that cannot be fetched or parsed fails the
run and changes nothing. Records are written in batches with bulk inserts; a batch the
database refuses is retried record by record in savepoints, so one bad record fails alone.
Datasets are matched on their URI or dct:identifier within the source, an unchanged record
(same content hash) is not touched, and datasets that disappeared from a completely read
source are withdrawn, never deleted.

Each source type is one reader function in READERS: it takes the source and a fetch
function and returns a Reading. RDF is parsed with pyoxigraph (ten times faster than
rdflib) into a plain subject -> predicate -> objects index.
"""

import gc
import hashlib
import json
import logging
import re
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pyoxigraph as ox
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catalog import outbound, quality, search
from catalog.models import (
    Concept,
    ContactPoint,
    Dataset,
    DatasetRelation,
    Distribution,
    HarvestFailure,
    HarvestRun,
    HarvestSource,
    Keyword,
    Licence,
    Publisher,
)

logger = logging.getLogger(__name__)

# Limits of one run: every document, the pages of a source, the time spent reading.
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
MAX_PAGES = 1000
MAX_SECONDS = 1800
PAGE_SECONDS = 300
CKAN_ROWS = 100
BATCH_SIZE = 500

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DC = "http://purl.org/dc/elements/1.1/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ADMS = "http://www.w3.org/ns/adms#"
SPDX = "http://spdx.org/rdf/terms#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LOCN = "http://www.w3.org/ns/locn#"
SCHEMA = "http://schema.org/"
OWL = "http://www.w3.org/2002/07/owl#"
TIME = "http://www.w3.org/2006/time#"
HYDRA = "http://www.w3.org/ns/hydra/core#"
PROV = "http://www.w3.org/ns/prov#"
DCATAP = "http://data.europa.eu/r5r/"

# Read as if the source had written the namespace we expect: dc: as dct:, https as http.
_NAMESPACE_ALIASES = {
    DC: DCT,
    "https://purl.org/dc/terms/": DCT,
    "https://www.w3.org/ns/dcat#": DCAT,
    "https://schema.org/": SCHEMA,
    "http://purl.org/hydra/core#": HYDRA,
    "https://www.w3.org/ns/hydra/core#": HYDRA,
    "http://www.w3.org/2001/vcard-rdf/3.0#": VCARD,
}
_PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "dcat": DCAT, "dct": DCT, "foaf": FOAF, "vcard": VCARD,
    "adms": ADMS, "spdx": SPDX, "skos": SKOS, "locn": LOCN, "schema": SCHEMA, "owl": OWL,
    "time": TIME, "prov": PROV, "dcatap": DCATAP,
}  # fmt: skip
IANA_MEDIA_TYPES = (
    "http://www.iana.org/assignments/media-types/",
    "https://www.iana.org/assignments/media-types/",
)
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
RDF_ACCEPT = (
    "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.9, "
    "application/n-triples;q=0.8, */*;q=0.1"
)
_MEDIA_TYPE_RE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class HarvestError(Exception):
    """The source as a whole cannot be read; str() says why, for the run report."""


@dataclass
class Record:
    """One dataset of the source, mapped to our fields but not yet written."""

    label: str
    uri: str = ""
    identifier: str = ""
    error: str = ""
    fields: dict = field(default_factory=dict)
    keywords: dict = field(default_factory=dict)
    themes: list = field(default_factory=list)
    concepts: list = field(default_factory=list)
    languages: list = field(default_factory=list)
    publisher: dict | None = None
    creator: dict | None = None
    contact_points: list = field(default_factory=list)
    distributions: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    # Described in a document but not listed in its catalogue (e.g. the target of a relation):
    # harvested only when no page lists it.
    secondary: bool = False
    # Filled in while writing.
    hash: str = ""
    slug: str = ""
    publisher_id: int | None = None
    creator_id: int | None = None

    @property
    def key(self) -> str:
        return self.uri or (f"id:{self.identifier}" if self.identifier else "")

    def content_hash(self) -> str:
        content = {
            name: getattr(self, name)
            for name in (
                "uri", "identifier", "fields", "keywords", "themes", "concepts", "languages",
                "publisher", "creator", "contact_points", "distributions", "relations", "raw",
            )
        }  # fmt: skip
        encoded = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass
class Reading:
    """What a reader got from a source: its records and whether it read all of it."""

    records: list[Record] = field(default_factory=list)
    pages: int = 0
    complete: bool = True
    note: str = ""


# Relations: plain properties, and the IANA link relations of a dcat:qualifiedRelation.
_RELATION_PROPERTIES = {
    DCT + "source": DatasetRelation.Role.SOURCE,
    PROV + "wasDerivedFrom": DatasetRelation.Role.SOURCE,
    DCT + "isPartOf": DatasetRelation.Role.PART_OF,
    DCT + "isVersionOf": DatasetRelation.Role.VERSION_OF,
    DCT + "replaces": DatasetRelation.Role.REPLACES,
    DCT + "relation": DatasetRelation.Role.RELATED,
}
_RELATION_ROLES = {
    "via": DatasetRelation.Role.SOURCE,
    "collection": DatasetRelation.Role.PART_OF,
    "original": DatasetRelation.Role.VERSION_OF,
    "predecessor-version": DatasetRelation.Role.REPLACES,
    "related": DatasetRelation.Role.RELATED,
}


# The run ---------------------------------------------------------------------------------


def harvest(source: HarvestSource, *, path: Path | None = None, transport=None) -> HarvestRun:
    """Harvest `source` now and return the run with its report.

    `path` (command line only) reads the first document from a local file instead of the
    source's URL. `transport` is an httpx transport, for tests at the network boundary.
    """
    stale = timezone.now() - timedelta(seconds=2 * MAX_SECONDS)
    if source.runs.filter(status=HarvestRun.Status.RUNNING, started_at__gte=stale).exists():
        return HarvestRun.objects.create(
            source=source,
            status=HarvestRun.Status.FAILED,
            finished_at=timezone.now(),
            message=_("Another run of this source is still going on."),
        )
    run = HarvestRun.objects.create(source=source)
    try:
        with _without_gc():
            reading = READERS[source.type](source, _Fetcher(path=path, transport=transport))
            with transaction.atomic():
                _write(source, run, reading)
        run.status = HarvestRun.Status.SUCCEEDED if reading.complete else HarvestRun.Status.PARTIAL
        run.pages, run.message = reading.pages, reading.note
    except HarvestError as exc:
        run.status, run.message = HarvestRun.Status.FAILED, str(exc)
    except Exception as exc:  # a run must end with a report whatever went wrong
        logger.exception("Harvest of %s failed", source)
        run.status = HarvestRun.Status.FAILED
        run.message = _("Unexpected error: %(error)s") % {"error": exc}
    run.finished_at = timezone.now()
    run.save()
    return run


@contextmanager
def _without_gc():
    """A run makes millions of small objects and no garbage cycles worth collecting; the
    cyclic collector would scan them over and over (a third of the reading time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Fetcher:
    """Fetches the documents of one run within its time budget; the first may be a file."""

    def __init__(self, *, path: Path | None, transport):
        self.path = path
        self.transport = transport
        self.ends_at = time.monotonic() + MAX_SECONDS

    def out_of_time(self) -> bool:
        return time.monotonic() >= self.ends_at

    def __call__(self, url: str, *, accept: str = RDF_ACCEPT) -> outbound.Response:
        if self.path and url == self.path.resolve().as_uri():
            return self._read_file()
        remaining = self.ends_at - time.monotonic()
        if remaining <= 0:
            raise HarvestError(
                _("The run took longer than %(seconds)s seconds.") % {"seconds": MAX_SECONDS}
            )
        try:
            response = outbound.fetch(
                url,
                accept=accept,
                max_bytes=MAX_DOCUMENT_BYTES,
                deadline=min(remaining, PAGE_SECONDS),
                transport=self.transport,
            )
        except outbound.OutboundError as exc:
            raise HarvestError(str(exc)) from None
        if not response.ok:
            raise HarvestError(
                _("%(url)s answered with HTTP status %(status)s.")
                % {"url": url, "status": response.status_code}
            )
        return response

    def _read_file(self) -> outbound.Response:
        try:
            if self.path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise HarvestError(
                    _("%(path)s is larger than the limit of %(limit)s bytes.")
                    % {"path": self.path, "limit": MAX_DOCUMENT_BYTES}
                )
            content = self.path.read_bytes()
        except OSError as exc:
            raise HarvestError(
                _("Cannot read %(path)s: %(error)s")
                % {"path": self.path, "error": exc.strerror or exc}
            ) from None
        url = self.path.resolve().as_uri()
        return outbound.Response(url, 200, outbound.httpx.Headers(), content)


# Writing ----------------------------------------------------------------------------------

_DATASET_UPDATE_FIELDS = [
    "title", "description", "identifier", "temporal_start", "temporal_end", "spatial_uri",
    "spatial_label", "bbox_west", "bbox_south", "bbox_east", "bbox_north", "frequency",
    "issued", "modified", "landing_page", "documentation", "conforms_to", "version",
    "version_notes", "access_rights", "licence", "provenance", "publisher", "creator",
    "status", "published_at", "raw_metadata", "harvest_hash", "updated_at",
]  # fmt: skip


def _write(source: HarvestSource, run: HarvestRun, reading: Reading):
    now = timezone.now()
    existing = {
        row["id"]: row
        for row in Dataset.objects.filter(harvest_source=source).values(
            "id", "uri", "identifier", "harvest_hash", "status", "published_at"
        )
    }
    by_uri = {row["uri"]: row for row in existing.values()}
    by_uri.pop("", None)
    by_identifier = {row["identifier"]: row for row in existing.values()}
    by_identifier.pop("", None)
    seen, failures = set(), []
    new, changed = [], []

    def fail(record: Record, reason: str):
        failures.append(HarvestFailure(run=run, record=record.label[:1000], reason=reason))

    for record in _deduplicated(reading.records):
        match = by_uri.get(record.uri)
        if match is None and record.identifier:
            match = by_identifier.get(record.identifier)
            if match and match["id"] in seen:
                match = None  # identifiers are not always unique: one dataset, one record
        if match:
            # Still in the source, even if it fails below: it is not withdrawn.
            seen.add(match["id"])
        if record.error:
            fail(record, record.error)
            continue
        error = _invalid(record)
        if error:
            fail(record, error)
            continue
        record.hash = record.content_hash()
        if match is None:
            new.append(record)
        elif match["harvest_hash"] == record.hash and match["status"] == Dataset.Status.PUBLISHED:
            # Not even its updated_at changes: catalogues that harvest us see no news.
            run.unchanged += 1
        else:
            changed.append((match, record))

    agents = _Agents(source)
    new = [r for r in new if _resolve_agents(r, agents, fail)]
    changed = [(m, r) for m, r in changed if _resolve_agents(r, agents, fail)]
    new = _without_uri_conflicts(new, source, fail)

    slugs = set(Dataset.objects.values_list("slug", flat=True))
    for record in new:
        record.slug = _unique_slug(record, slugs, source.language)
    for batch in _batches(new):
        run.created += _in_batch(batch, lambda rs: _create(rs, source, now), fail)
    for batch in _batches(changed):
        run.updated += _in_batch(batch, lambda pairs: _update(pairs, source, now), fail)

    _link_relations(source)
    # Only a source read to its end says what disappeared; a partly read one withdraws nothing.
    if reading.complete:
        gone = [
            pk
            for pk, row in existing.items()
            if pk not in seen and row["status"] != Dataset.Status.WITHDRAWN
        ]
        for start in range(0, len(gone), BATCH_SIZE):
            run.withdrawn += Dataset.objects.filter(pk__in=gone[start : start + BATCH_SIZE]).update(
                status=Dataset.Status.WITHDRAWN, updated_at=now
            )
    HarvestFailure.objects.bulk_create(failures)
    run.failed = len(failures)
    # Bulk writes send no signals, so the search index and the quality scores are
    # brought up to date here.
    changed = list(
        Dataset.objects.filter(harvest_source=source, updated_at__gte=now).values_list(
            "pk", flat=True
        )
    )
    search.index_datasets(changed)
    quality.score_datasets(changed)


def _link_relations(source: HarvestSource):
    """Point relations at the datasets of this catalogue they name, once all are written."""
    relations = list(
        DatasetRelation.objects.filter(dataset__harvest_source=source, target__isnull=True)
        .exclude(target_uri="")
        .only("pk", "dataset_id", "target_uri")
    )
    targets = {}
    for batch in _batches(sorted({relation.target_uri for relation in relations})):
        targets.update(Dataset.objects.filter(uri__in=batch).values_list("uri", "pk"))
    linked = []
    for relation in relations:
        target = targets.get(relation.target_uri)
        if target and target != relation.dataset_id:
            relation.target_id, relation.target_uri = target, ""
            linked.append(relation)
    DatasetRelation.objects.bulk_update(linked, ["target", "target_uri"], batch_size=BATCH_SIZE)


def _deduplicated(records: list[Record]) -> list[Record]:
    """One record per dataset: the first a catalogue lists, else the first described."""
    chosen: dict[str, Record] = {}
    keyless = []
    for record in records:
        if not record.key:
            keyless.append(record)
        elif record.key not in chosen or (chosen[record.key].secondary and not record.secondary):
            chosen[record.key] = record
    return list(chosen.values()) + keyless


def _batches(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_batch(batch: list, write, fail) -> int:
    """Write a batch at once; if the database refuses it, write each item in a savepoint."""
    try:
        with transaction.atomic():
            write(batch)
        return len(batch)
    except DatabaseError:
        pass
    written = 0
    for item in batch:
        try:
            with transaction.atomic():
                write([item])
            written += 1
        except DatabaseError as exc:
            record = item[1] if isinstance(item, tuple) else item
            fail(
                record,
                _("The database refused it: %(error)s")
                % {"error": str(exc).strip().splitlines()[0][:500]},
            )
    return written


def _invalid(record: Record) -> str:
    """Why the record cannot be stored, checked before writing so a batch rarely fails."""
    if not record.key:
        return _("It has neither a URI nor a dct:identifier, so it cannot be matched later.")
    if not any(record.fields.get("title", {}).values()):
        return _("It has no title (dct:title).")
    values = {"uri": record.uri, **record.fields}
    for name, value in values.items():
        limit = getattr(Dataset._meta.get_field(name), "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            return _("Its %(field)s is longer than %(limit)s characters.") % {
                "field": name,
                "limit": limit,
            }
    start, end = values.get("temporal_start"), values.get("temporal_end")
    if start and end and start > end:
        return _("Its temporal coverage ends (%(end)s) before it starts (%(start)s).") % {
            "start": start,
            "end": end,
        }
    for distribution in record.distributions:
        for name in ("access_url", "download_url", "media_type"):
            limit = Distribution._meta.get_field(name).max_length
            if len(distribution[name]) > limit:
                return _("A distribution's %(field)s is longer than %(limit)s characters.") % {
                    "field": name,
                    "limit": limit,
                }
    return ""


def _resolve_agents(record: Record, agents: "_Agents", fail) -> bool:
    record.publisher_id = agents.owner(record.publisher)
    record.creator_id = agents.resolve(record.creator) if record.creator else None
    if record.publisher_id is None:
        fail(record, _("It names no publisher and the harvest source has none."))
        return False
    return True


def _without_uri_conflicts(records: list[Record], source: HarvestSource, fail) -> list[Record]:
    """New records whose URI is not already taken by a dataset from elsewhere."""
    uris = [r.uri for r in records if r.uri]
    taken = set()
    for batch in _batches(uris):
        taken.update(
            Dataset.objects.filter(uri__in=batch)
            .exclude(harvest_source=source)
            .values_list("uri", flat=True)
        )
    kept = []
    for record in records:
        if record.uri in taken:
            fail(
                record, _("Another dataset of this catalogue, not from this source, has this URI.")
            )
        else:
            kept.append(record)
    return kept


def _unique_slug(record: Record, slugs: set, language: str) -> str:
    title = record.fields["title"]
    text = title.get(language) or next(iter(title.values()), "") or record.identifier
    base = slugify(text)[:180].strip("-") or "dataset"
    slug, number = base, 1
    while slug in slugs:
        number += 1
        slug = f"{base}-{number}"
    slugs.add(slug)
    return slug


def _dataset_values(record: Record, now) -> dict:
    return {
        **record.fields,
        "publisher_id": record.publisher_id,
        "creator_id": record.creator_id,
        "status": Dataset.Status.PUBLISHED,
        "raw_metadata": record.raw,
        "harvest_hash": record.hash,
        "updated_at": now,
    }


def _create(records: list[Record], source: HarvestSource, now):
    rows = []
    for record in records:
        path = reverse("catalog:dataset-detail", args=[record.slug])
        rows.append(
            {
                **_dataset_values(record, now),
                "slug": record.slug,
                "uri": record.uri or settings.SITE_URL + path,
                "harvest_source_id": source.pk,
                "published_at": now,
                "created_at": now,
            }
        )
    ids = _insert_models(Dataset, rows)
    _create_parts(list(zip(ids, records, strict=True)), uuids={}, now=now)


def _update(pairs: list[tuple[dict, Record]], source: HarvestSource, now):
    ids = [match["id"] for match, _record in pairs]
    uuids = {
        (row[0], row[1], row[2]): row[3]
        for row in Distribution.objects.filter(dataset_id__in=ids).values_list(
            "dataset_id", "access_url", "download_url", "uuid"
        )
    }
    Distribution.objects.filter(dataset_id__in=ids).delete()
    ContactPoint.objects.filter(dataset_id__in=ids).delete()
    DatasetRelation.objects.filter(dataset_id__in=ids).delete()
    for relation in (Dataset.themes, Dataset.concepts, Dataset.languages, Dataset.keywords):
        relation.through.objects.filter(dataset_id__in=ids).delete()
    datasets = [
        Dataset(
            pk=match["id"],
            uri=match["uri"],
            published_at=match["published_at"] or now,
            **_dataset_values(record, now),
        )
        for match, record in pairs
    ]
    Dataset.objects.bulk_update(datasets, _DATASET_UPDATE_FIELDS)
    _create_parts([(m["id"], record) for m, record in pairs], uuids=uuids, now=now)


def _create_parts(pairs: list[tuple[int, Record]], *, uuids: dict, now):
    """Themes, keywords, contact points, relations and distributions of saved datasets."""
    for relation, attribute in (
        (Dataset.themes, "themes"),
        (Dataset.concepts, "concepts"),
        (Dataset.languages, "languages"),
    ):
        rows = [(pk, concept) for pk, record in pairs for concept in getattr(record, attribute)]
        _insert_rows(relation.through, ["dataset_id", "concept_id"], rows)
    _create_keywords(pairs)
    _insert_rows(
        ContactPoint,
        ["dataset_id", "name", "email", "url", "phone"],
        [
            (pk, c["name"], c["email"], c["url"], c["phone"])
            for pk, record in pairs
            for c in record.contact_points
        ],
    )
    _insert_rows(
        DatasetRelation,
        ["dataset_id", "role", "target_uri"],
        [(pk, role, target) for pk, record in pairs for role, target in record.relations],
    )
    distributions, languages = [], []
    for pk, record in pairs:
        for position, values in enumerate(record.distributions):
            values = dict(values, dataset_id=pk, position=position, created_at=now, updated_at=now)
            languages.append(values.pop("languages"))
            key = (pk, values["access_url"], values["download_url"])
            values["uuid"] = uuids.pop(key, None) or uuid.uuid4()
            distributions.append(values)
    ids = _insert_models(Distribution, distributions)
    _insert_rows(
        Distribution.languages.through,
        ["distribution_id", "concept_id"],
        [
            (pk, concept)
            for pk, concepts in zip(ids, languages, strict=True)
            for concept in concepts
        ],
    )


def _create_keywords(pairs: list[tuple[int, Record]]):
    wanted = {
        (value.strip()[:100], language[:20])
        for _pk, record in pairs
        for language, values in record.keywords.items()
        for value in values
        if value.strip()
    }
    Keyword.objects.bulk_create(
        [Keyword(value=value, language=language) for value, language in wanted],
        ignore_conflicts=True,
    )
    ids = {}
    values = sorted({value for value, _language in wanted})
    for batch in _batches(values):
        for pk, value, language in Keyword.objects.filter(value__in=batch).values_list(
            "pk", "value", "language"
        ):
            ids[(value, language)] = pk
    rows = {
        (pk, ids[(value.strip()[:100], language[:20])])
        for pk, record in pairs
        for language, values in record.keywords.items()
        for value in values
        if value.strip()
    }
    _insert_rows(Dataset.keywords.through, ["dataset_id", "keyword_id"], sorted(rows))


# A harvest writes hundreds of thousands of rows. The ORM's bulk_create prepares every value
# through its SQL compiler (and on PostgreSQL dumps them as arrays in Python), which is most
# of the cost; these helpers prepare values with the fields themselves and send them with
# COPY (PostgreSQL) or multi-row INSERTs (SQLite).


def _insert_models(model, items: list[dict]) -> list[int]:
    """Insert rows given as {attname: value} (missing fields get their default); their ids."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [
        tuple(
            f.get_db_prep_save(
                item[f.attname] if f.attname in item else f.get_default(), connection
            )
            for f in fields
        )
        for item in items
    ]
    return _insert_rows(model, [f.column for f in fields], rows, returning_ids=True)


def _insert_rows(model, columns: list[str], rows: list[tuple], *, returning_ids=False) -> list:
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = []
            if returning_ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, len(rows)],
                )
                ids = [row[0] for row in cursor.fetchall()]
                columns, rows = ["id", *columns], [(i, *r) for i, r in zip(ids, rows, strict=True)]
            names = ", ".join(quote(column) for column in columns)
            # The raw psycopg cursor: errors are turned into Django's by hand.
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return ids
        names = ", ".join(quote(column) for column in columns)
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        returning = " RETURNING id" if returning_ids else ""
        size = min(500, (connection.features.max_query_params or 999) // len(columns))
        ids = []
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) "
                f"VALUES {', '.join([placeholders] * len(batch))}{returning}",
                [value for row in batch for value in row],
            )
            if returning_ids:
                ids.extend(row[0] for row in cursor.fetchall())
        return ids


class _Agents:
    """Finds (or creates) the publishers a source's records name, once per run."""

    def __init__(self, source: HarvestSource):
        self.source = source
        # By name: any publisher for an agent without URI; for one with a URI only those
        # without an official URI of their own (two organisations may share a name).
        self.by_uri, self.by_name, self.by_name_unofficial = {}, {}, {}
        for publisher in Publisher.objects.all():
            for uri in {publisher.uri, publisher.get_uri()} - {""}:
                self.by_uri.setdefault(uri, publisher.pk)
            for name in publisher.name.values():
                self.by_name.setdefault(name.strip().lower(), publisher.pk)
                if not publisher.uri:
                    self.by_name_unofficial.setdefault(name.strip().lower(), publisher.pk)
        self.slugs = set(Publisher.objects.values_list("slug", flat=True))

    def owner(self, agent: dict | None) -> int | None:
        if self.source.publisher_id:
            return self.source.publisher_id
        return self.resolve(agent) if agent else None

    def resolve(self, agent: dict) -> int:
        if agent["uri"] and agent["uri"] in self.by_uri:
            return self.by_uri[agent["uri"]]
        names = [n.strip().lower() for n in agent["name"].values() if n.strip()]
        by_name = self.by_name_unofficial if agent["uri"] else self.by_name
        for name in names:
            if name in by_name:
                return by_name[name]
        name = agent["name"] or {self.source.language: agent["uri"] or _("Unknown publisher")}
        label = next(iter(agent["name"].values()), "") or _tail(agent["uri"])
        base = slugify(label)[:90].strip("-") or "publisher"
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        publisher = Publisher.objects.create(
            slug=slug,
            name=name,
            description=agent["description"],
            uri=agent["uri"][:500],
            homepage=agent["homepage"][:500],
            email=agent["email"][:254],
            publisher_type_id=agent["type"],
        )
        if agent["uri"]:
            self.by_uri[agent["uri"]] = publisher.pk
        for value in names:
            self.by_name.setdefault(value, publisher.pk)
            if not agent["uri"]:
                self.by_name_unofficial.setdefault(value, publisher.pk)
        return publisher.pk


# Vocabularies -----------------------------------------------------------------------------

# ISO 639-1 tags to the EU language authority codes, for literals such as "nl" or "en-GB".
_LANGUAGE_CODES = {
    "nl": "nld", "en": "eng", "de": "deu", "fr": "fra", "fy": "fry", "es": "spa", "it": "ita",
    "pt": "por", "da": "dan", "sv": "swe", "fi": "fin", "pl": "pol", "cs": "ces", "el": "ell",
    "hu": "hun", "ro": "ron", "bg": "bul", "hr": "hrv", "sk": "slk", "sl": "slv", "et": "est",
    "lv": "lav", "lt": "lit", "ga": "gle", "mt": "mlt", "lb": "ltz", "no": "nor", "nb": "nob",
    "tr": "tur", "ar": "ara", "zh": "zho", "ja": "jpn", "ru": "rus", "uk": "ukr", "li": "lim",
}  # fmt: skip
# Older or local spellings of concept codes (cld:freq, ADMS status, CKAN licence ids).
_ALIASES = {
    "irregular": "irreg", "continuous": "cont", "underdevelopment": "develop",
    "non-public": "non_public", "cc-by": "cc-by-4.0", "cc-by-sa": "cc-by-sa-4.0",
    "cc-zero": "cc0-1.0", "cc0": "cc0-1.0", "odc-odbl": "odbl-1.0", "other-pd": "pdm-1.0",
    "publiek-domein": "pdm-1.0", "cc-nc": "cc-by-nc-4.0",
}  # fmt: skip


def _norm_uri(uri: str) -> str:
    uri = uri.strip().lower().replace("https://", "http://", 1)
    uri = re.sub(r"/(legalcode|deed)(\.[\w-]+)?$", "", uri)
    return uri.rstrip("/#")


def _tail(uri: str) -> str:
    return re.split(r"[/#]", uri.rstrip("/#"))[-1]


class _Vocabulary:
    """Concepts and licences by URI, code, label, file extension and media type."""

    def __init__(self):
        self.by_uri: dict[str, tuple[str, int]] = {}
        self.by_key: dict[tuple[str, str], int] = {}
        rows = Concept.objects.values_list(
            "pk", "scheme", "uri", "code", "label", "extensions", "media_type"
        )
        labels = []
        for pk, scheme, uri, code, label, extensions, media_type in rows:
            self.by_uri[_norm_uri(uri)] = (scheme, pk)
            self.by_key.setdefault((scheme, code.lower()), pk)
            labels += [((scheme, text.strip().lower()), pk) for text in (label or {}).values()]
            labels += [((scheme, e.strip().lower().lstrip(".")), pk) for e in extensions.split(",")]
            if media_type:
                labels.append(((scheme, media_type.lower()), pk))
        for key, pk in labels:
            self.by_key.setdefault(key, pk)
        self.licences: dict[str, int] = {}
        licences = list(Licence.objects.values_list("pk", "code", "uri", "url", "title"))
        for pk, code, uri, _url, _title in licences:
            self.licences.setdefault(_norm_uri(uri), pk)
            self.licences.setdefault(code.lower(), pk)
        for pk, _code, _uri, url, title in licences:
            if url:
                self.licences.setdefault(_norm_uri(url), pk)
            for text in (title or {}).values():
                self.licences.setdefault(text.strip().lower(), pk)

    def concept(self, scheme: str, value: str) -> int | None:
        """The concept of `scheme` that `value` (a URI, code, label…) stands for."""
        value = value.strip()
        if not value:
            return None
        if "://" in value:
            hit = self.by_uri.get(_norm_uri(value))
            if hit and hit[0] == scheme:
                return hit[1]
            if value.startswith(IANA_MEDIA_TYPES):
                value = value.split("/media-types/", 1)[1]
            else:
                value = _tail(value)
        key = value.lower()
        if scheme == Concept.Scheme.LANGUAGE:
            key = _LANGUAGE_CODES.get(key.split("-")[0], key)
        for candidate in (key, _ALIASES.get(key, key), key.replace("-", "_"), key.lstrip(".")):
            if (scheme, candidate) in self.by_key:
                return self.by_key[(scheme, candidate)]
        return None

    def licence(self, values: list[str]) -> int | None:
        for value in values:
            value = value.strip()
            keys = [_norm_uri(value)] if "://" in value else []
            keys += [value.lower(), _ALIASES.get(value.lower(), ""), _tail(value).lower()]
            for key in keys:
                if key and key in self.licences:
                    return self.licences[key]
        return None


# DCAT documents ---------------------------------------------------------------------------

_FORMATS_BY_TYPE = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/n3": ox.RdfFormat.N3,
}
_FORMATS_BY_EXTENSION = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
}


def rdf_format(content: bytes, *, content_type: str = "", url: str = "") -> ox.RdfFormat:
    """The serialisation of a document: by content type, else file extension, else sniffing."""
    if content_type in _FORMATS_BY_TYPE:
        return _FORMATS_BY_TYPE[content_type]
    suffix = Path(urlsplit(url).path).suffix.lower()
    if suffix in _FORMATS_BY_EXTENSION:
        return _FORMATS_BY_EXTENSION[suffix]
    start = content[:1000].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"{", b"[")):
        return ox.RdfFormat.JSON_LD
    if start.startswith((b"<?xml", b"<rdf:", b"<!DOCTYPE", b"<RDF")) or re.match(
        rb"<[\w:]+[\s>]", start
    ):
        return ox.RdfFormat.RDF_XML
    return ox.RdfFormat.TURTLE


def parse_rdf(content: bytes, *, content_type: str = "", url: str = "", fetch=None) -> dict:
    """Parse an RDF document into {subject: {predicate IRI: [objects]}}.

    Predicates of dc: and a few misspelt namespaces are read as their dct:/dcat: twins.
    Remote JSON-LD contexts are fetched with `fetch` (through outbound) and inlined.
    """
    if content_type in ("text/html", "application/xhtml+xml"):
        raise HarvestError(_("%(url)s is a web page, not an RDF document.") % {"url": url})
    rdf = rdf_format(content, content_type=content_type, url=url)
    if rdf == ox.RdfFormat.JSON_LD:
        content = _inline_contexts(content, url=url, fetch=fetch)
    if rdf == ox.RdfFormat.RDF_XML:
        _check_entities(content, url=url)
    index: dict = {}
    predicates: dict = {}
    try:
        for quad in ox.parse(content, format=rdf, base_iri=url or None, lenient=True):
            predicate = predicates.get(quad.predicate)
            if predicate is None:
                predicate = predicates[quad.predicate] = _normal_predicate(quad.predicate.value)
            properties = index.get(quad.subject)
            if properties is None:
                properties = index[quad.subject] = {}
            objects = properties.get(predicate)
            if objects is None:
                properties[predicate] = [quad.object]
            else:
                objects.append(quad.object)
    except (SyntaxError, ValueError, OSError) as exc:
        raise HarvestError(
            _("%(url)s could not be read as %(format)s: %(error)s")
            % {"url": url or _("the document"), "format": rdf.name, "error": exc}
        ) from None
    return index


_ENTITY = re.compile(rb"""<!ENTITY\s+([\w.:-]+)\s+(?:"([^"]*)"|'([^']*)')""")


def _check_entities(content: bytes, *, url: str):
    """Refuse XML entities that would blow up: the RDF/XML parser expands them without a
    limit, so nested ones ("billion laughs") or many uses of a long one exhaust memory."""
    if b"<!ENTITY" not in content:
        return
    if re.search(rb"<!ENTITY\s+%", content):
        raise HarvestError(
            _("%(url)s declares XML parameter entities, which are refused.") % {"url": url}
        )
    expanded = 0
    for match in _ENTITY.finditer(content):
        name, value = match.group(1), match.group(2) or match.group(3) or b""
        if b"&" in value or b"%" in value:
            raise HarvestError(
                _("%(url)s declares nested XML entities, which are refused.") % {"url": url}
            )
        expanded += content.count(b"&" + name + b";") * len(value)
    if expanded > MAX_DOCUMENT_BYTES:
        raise HarvestError(_("%(url)s would expand beyond the size limit.") % {"url": url})


def _normal_predicate(predicate: str) -> str:
    for alias, namespace in _NAMESPACE_ALIASES.items():
        if predicate.startswith(alias):
            return namespace + predicate[len(alias) :]
    return predicate


def _inline_contexts(content: bytes, *, url: str, fetch, depth: int = 0) -> bytes:
    try:
        document = json.loads(content)
    except ValueError as exc:
        raise HarvestError(
            _("%(url)s is not valid JSON: %(error)s") % {"url": url, "error": exc}
        ) from None
    cache: dict[str, object] = {}

    def context_of(reference: str):
        if reference not in cache:
            if fetch is None or len(cache) >= 5:
                raise HarvestError(
                    _("The JSON-LD context %(url)s cannot be fetched.") % {"url": reference}
                )
            response = fetch(urljoin(url, reference), accept="application/ld+json")
            try:
                cache[reference] = json.loads(response.content).get("@context", {})
            except (ValueError, AttributeError):
                raise HarvestError(
                    _("The JSON-LD context %(url)s is not valid JSON-LD.") % {"url": reference}
                ) from None
        return cache[reference]

    def inline(node):
        if isinstance(node, dict):
            result = {}
            for key, value in node.items():
                if key == "@context":
                    values = value if isinstance(value, list) else [value]
                    value = [context_of(v) if isinstance(v, str) else v for v in values]
                result[key] = inline(value) if key != "@context" else value
            return result
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return json.dumps(inline(document)).encode()


def _next_page(index: dict, url: str) -> str:
    for properties in index.values():
        for predicate in (HYDRA + "next", HYDRA + "nextPage"):
            for value in properties.get(predicate, []):
                if isinstance(value, ox.NamedNode | ox.Literal) and value.value.strip():
                    return urljoin(url, value.value.strip())
    return ""


def read_dcat(source: HarvestSource, fetch) -> Reading:
    """Read a DCAT document in any RDF serialisation, following Hydra paging."""
    reading = Reading()
    vocabulary = _Vocabulary()
    url, seen = source.url, set()
    while url:
        if url.split("#")[0] in seen:
            reading.complete = False
            reading.note = _(
                "Page %(url)s links back to a page already read: stopped there, nothing withdrawn."
            ) % {"url": url}
            break
        if reading.pages >= MAX_PAGES or fetch.out_of_time():
            reading.complete = False
            reading.note = _(
                "Stopped after %(pages)s pages (limit of pages or time), nothing withdrawn."
            ) % {"pages": reading.pages}
            break
        seen.add(url.split("#")[0])
        response = fetch(url)
        index = parse_rdf(
            response.content, content_type=response.content_type, url=response.url, fetch=fetch
        )
        mapper = _DcatMapper(index, vocabulary=vocabulary, language=source.language)
        reading.records.extend(mapper.records())
        reading.pages += 1
        url = _next_page(index, response.url)
        del index, mapper
    return reading


def _json_value(term, index: dict, depth: int = 0):
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value != XSD + "string":
            return {"@value": term.value, "@type": term.datatype.value}
        return term.value
    if isinstance(term, ox.BlankNode) and depth < 4:
        return {
            _compact(p): [_json_value(v, index, depth + 1) for v in values]
            for p, values in index.get(term, {}).items()
        }
    return str(term)


def _compact(iri: str) -> str:
    for prefix, namespace in _PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _parse_date(text: str, *, end: bool = False) -> date | None:
    text = text.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if match:
            return date(*map(int, match.groups()))
        if match := re.match(r"^(\d{2})-(\d{2})-(\d{4})$", text):
            day, month, year = map(int, match.groups())
            return date(year, month, day)
        if match := re.match(r"^(\d{4})-(\d{2})$", text):
            year, month = map(int, match.groups())
            if end:
                return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            return date(year, month, 1)
        if re.match(r"^\d{4}$", text):
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    except ValueError:
        return None
    return None


def _bbox(text: str) -> tuple[float, float, float, float] | None:
    """West, south, east, north of a WKT, GeoJSON or ENVELOPE geometry."""
    text = text.strip()
    numbers: list[float] = []
    if text.startswith("{"):
        try:
            numbers = [
                float(n)
                for n in re.findall(
                    r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", json.dumps(json.loads(text)["coordinates"])
                )
            ]
        except (ValueError, KeyError, TypeError):
            return None
    elif text.upper().startswith("ENVELOPE"):
        found = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]
        if len(found) == 4:
            west, east, north, south = found
            numbers = [west, south, east, north]
    else:
        crs = re.match(r"^<([^>]*)>\s*", text)  # a CRS IRI before the WKT
        text = text[crs.end() :] if crs else text
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", text)]
        if crs and crs.group(1).rstrip("/").endswith("EPSG/0/4326"):
            numbers[0::2], numbers[1::2] = numbers[1::2], numbers[0::2]  # latitude first
    if len(numbers) < 4 or len(numbers) % 2:
        return None
    xs, ys = numbers[0::2], numbers[1::2]
    west, south, east, north = min(xs), min(ys), max(xs), max(ys)
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return west, south, east, north


class _Node:
    """The properties of one subject; remembers which were read, the rest is raw metadata."""

    def __init__(self, mapper: "_DcatMapper", term):
        self.mapper = mapper
        self.term = term
        self.properties = mapper.index.get(term, {})
        self.used: set[str] = set()
        self.raw: dict[str, list] = {}

    def get(self, *predicates: str) -> list:
        values = []
        for predicate in predicates:
            if predicate in self.properties:
                self.used.add(predicate)
                values.extend(self.properties[predicate])
        return values

    def keep(self, predicate: str, term):
        """Keep a value that could not be mapped."""
        self.raw.setdefault(_compact(predicate), []).append(_json_value(term, self.mapper.index))

    def leftovers(self) -> dict:
        raw = dict(self.raw)
        for predicate, values in self.properties.items():
            if predicate not in self.used:
                raw[_compact(predicate)] = [_json_value(v, self.mapper.index) for v in values]
        return raw


class _DcatMapper:
    """Maps the datasets of one parsed DCAT document to Records."""

    def __init__(self, index: dict, *, vocabulary: _Vocabulary, language: str):
        self.index = index
        self.vocabulary = vocabulary
        self.language = (language or "nl").lower()
        self.memo: dict = {}

    def dataset_terms(self) -> tuple[list, set]:
        """The datasets the catalogue lists, then the others described; and the listed set."""
        types = {DCAT + "Dataset", DCAT + "DatasetSeries"}
        listed, described = {}, {}
        for subject, properties in self.index.items():
            kinds = {t.value for t in properties.get(RDF + "type", []) if hasattr(t, "value")}
            if kinds & types and DCAT + "Catalog" not in kinds:
                described[subject] = None
            for term in properties.get(DCAT + "dataset", []):
                if isinstance(term, ox.NamedNode | ox.BlankNode):
                    listed[term] = None
        return list(listed) + [t for t in described if t not in listed], set(listed)

    def records(self):
        terms, listed = self.dataset_terms()
        for term in terms:
            try:
                record = self.record(term)
            except Exception as exc:  # one odd record must not stop the others
                logger.warning("Could not map %s", term, exc_info=True)
                record = Record(label=str(term), uri=self._iri(term), error=str(exc))
            record.secondary = bool(listed) and term not in listed
            yield record

    # Small readers --------------------------------------------------------------------

    @staticmethod
    def _iri(term) -> str:
        return term.value if isinstance(term, ox.NamedNode) else ""

    def texts(self, node: _Node, *predicates: str) -> dict:
        """A language map: tagged literals under their tag, untagged in the default language."""
        result = {}
        for predicate in predicates:
            for value in node.get(predicate):
                if isinstance(value, ox.BlankNode | ox.NamedNode):
                    labels = self.labels(value)
                    for language, text in labels.items():
                        result.setdefault(language, text)
                    if not labels:
                        node.keep(predicate, value)
                    continue
                language = (value.language or self.language).lower()
                text = value.value.strip()
                if text and language not in result:
                    result[language] = text
                elif text:
                    node.keep(predicate, value)
        return result

    def labels(self, term) -> dict:
        labels = {}
        properties = self.index.get(term, {})
        for predicate in (
            SKOS + "prefLabel",
            RDFS + "label",
            DCT + "title",
            FOAF + "name",
            LOCN + "geographicName",
        ):
            for value in properties.get(predicate, []):
                if isinstance(value, ox.Literal) and value.value.strip():
                    labels.setdefault(
                        (value.language or self.language).lower(), value.value.strip()
                    )
        return labels

    def text(self, node: _Node, *predicates: str) -> str:
        for value in node.get(*predicates):
            if isinstance(value, ox.Literal | ox.NamedNode) and value.value.strip():
                return value.value.strip()
        return ""

    def url(self, value) -> str:
        text = value.value.strip() if isinstance(value, ox.NamedNode | ox.Literal) else ""
        if not text and isinstance(value, ox.BlankNode):
            # A foaf:Document without IRI that names its address.
            for inner in self.index.get(value, {}).get(FOAF + "homepage", []) + self.index.get(
                value, {}
            ).get(SCHEMA + "url", []):
                text = inner.value.strip()
        return text if text.startswith(("http://", "https://")) else ""

    def urls(self, node: _Node, *predicates: str) -> list[str]:
        result = []
        for predicate in predicates:
            for value in node.get(predicate):
                url = self.url(value)
                if url and url not in result:
                    result.append(url)
                elif not url:
                    node.keep(predicate, value)
        return result

    def first_url(self, node: _Node, predicate: str) -> str:
        urls = self.urls(node, predicate)
        for extra in urls[1:]:
            node.keep(predicate, ox.NamedNode(extra))
        return urls[0] if urls else ""

    def date(self, node: _Node, predicate: str) -> date | None:
        for value in node.get(predicate):
            parsed = _parse_date(value.value) if isinstance(value, ox.Literal) else None
            if parsed:
                return parsed
            node.keep(predicate, value)
        return None

    def term_concept(self, scheme: str, value) -> int | None:
        """The concept an IRI, a literal or a labelled node stands for (memoised: documents
        repeat the same few vocabulary terms thousands of times)."""
        key = (scheme, value)
        if key not in self.memo:
            found = None
            if isinstance(value, ox.NamedNode | ox.Literal):
                found = self.vocabulary.concept(scheme, value.value)
            if found is None and not isinstance(value, ox.Literal):
                labels = self.labels(value).values()
                found = next(
                    (c for c in map(partial(self.vocabulary.concept, scheme), labels) if c), None
                )
            self.memo[key] = found
        return self.memo[key]

    def concepts(self, node: _Node, predicate: str, scheme: str) -> list[int]:
        result = []
        for value in node.get(predicate):
            concept = self.term_concept(scheme, value)
            if concept and concept not in result:
                result.append(concept)
            elif not concept:
                node.keep(predicate, value)
        return result

    def concept(self, node: _Node, predicate: str, scheme: str) -> int | None:
        found = self.concepts(node, predicate, scheme)
        return found[0] if found else None

    def licence(self, node: _Node, predicate: str) -> int | None:
        for value in node.get(predicate):
            key = ("licence", value)
            if key not in self.memo:
                candidates = [value.value] if isinstance(value, ox.NamedNode | ox.Literal) else []
                properties = self.index.get(value, {})
                candidates += [v.value for v in properties.get(DCT + "identifier", [])]
                candidates += list(self.labels(value).values())
                self.memo[key] = self.vocabulary.licence(candidates)
            if self.memo[key]:
                return self.memo[key]
            node.keep(predicate, value)
        return None

    # Parts -------------------------------------------------------------------------------

    def agent(self, term) -> dict:
        if isinstance(term, ox.Literal):
            return {
                "uri": "",
                "name": {(term.language or self.language).lower(): term.value.strip()},
                "description": {},
                "homepage": "",
                "email": "",
                "type": None,
            }
        node = _Node(self, term)
        name = self.texts(
            node,
            FOAF + "name",
            SKOS + "prefLabel",
            RDFS + "label",
            VCARD + "fn",
            VCARD + "organization-name",
        )
        homepage = self.first_url(node, FOAF + "homepage")
        email = self.text(node, FOAF + "mbox", VCARD + "hasEmail")
        return {
            "uri": self._iri(term),
            "name": name,
            "description": self.texts(node, DCT + "description"),
            "homepage": homepage,
            "email": email.removeprefix("mailto:"),
            "type": self.concept(node, DCT + "type", Concept.Scheme.PUBLISHER_TYPE),
        }

    def contact_point(self, term) -> dict | None:
        node = _Node(self, term)
        if not node.properties:
            return None
        email = self._vcard_value(node, VCARD + "hasEmail", VCARD + "email")
        phone = self._vcard_value(node, VCARD + "hasTelephone", VCARD + "tel")
        url = self.first_url(node, VCARD + "hasURL") or self.first_url(node, VCARD + "url")
        name = self.text(node, VCARD + "fn", VCARD + "organization-name", FOAF + "name")
        if not (email or phone or url):
            return None
        return {
            "name": (name or email or url or phone)[:200],
            "email": email[:254],
            "url": url[:500],
            "phone": phone[:50],
        }

    def _vcard_value(self, node: _Node, *predicates: str) -> str:
        """An e-mail address or phone number given directly or as a node with vcard:hasValue."""
        for value in node.get(*predicates):
            value = self.index.get(value, {}).get(VCARD + "hasValue", [value])[0]
            if isinstance(value, ox.NamedNode | ox.Literal) and value.value.strip():
                return value.value.strip().removeprefix("mailto:").removeprefix("tel:")
        return ""

    def temporal(self, node: _Node, record: Record):
        for value in node.get(DCT + "temporal"):
            start = end = None
            if isinstance(value, ox.Literal):
                parts = value.value.split("/")
                start = _parse_date(parts[0])
                end = _parse_date(parts[-1], end=True) if len(parts) == 2 else None
            else:
                period = self.index.get(value, {})
                start = self._instant(
                    period, (DCAT + "startDate", SCHEMA + "startDate"), TIME + "hasBeginning"
                )
                end = self._instant(
                    period, (DCAT + "endDate", SCHEMA + "endDate"), TIME + "hasEnd", end=True
                )
            if (start or end) and "temporal_start" not in record.fields:
                record.fields["temporal_start"], record.fields["temporal_end"] = start, end
            else:
                node.keep(DCT + "temporal", value)

    def _instant(self, period: dict, predicates, time_predicate: str, *, end=False):
        values = [v for p in predicates for v in period.get(p, [])]
        for instant in period.get(time_predicate, []):
            for p in ("inXSDDate", "inXSDDateTime", "inXSDDateTimeStamp", "inXSDgYear"):
                values += self.index.get(instant, {}).get(TIME + p, [])
        for value in values:
            if isinstance(value, ox.Literal) and (parsed := _parse_date(value.value, end=end)):
                return parsed
        return None

    def spatial(self, node: _Node, record: Record):
        fields = record.fields
        for value in node.get(DCT + "spatial"):
            used = False
            if isinstance(value, ox.Literal):
                if not fields["spatial_label"]:
                    fields["spatial_label"] = {
                        (value.language or self.language).lower(): value.value
                    }
                    used = True
            else:
                if isinstance(value, ox.NamedNode) and not fields["spatial_uri"]:
                    fields["spatial_uri"] = value.value
                    used = True
                labels = self.labels(value)
                if labels and not fields["spatial_label"]:
                    fields["spatial_label"] = labels
                    used = True
                properties = self.index.get(value, {})
                for geometry in properties.get(DCAT + "bbox", []) + properties.get(
                    LOCN + "geometry", []
                ):
                    box = _bbox(geometry.value) if isinstance(geometry, ox.Literal) else None
                    if box and fields.get("bbox_west") is None:
                        keys = ("bbox_west", "bbox_south", "bbox_east", "bbox_north")
                        fields.update(zip(keys, box, strict=True))
                        used = True
            if not used:
                node.keep(DCT + "spatial", value)

    def distribution(self, term, dataset: _Node) -> dict | None:
        node = _Node(self, term)
        access_url = self.first_url(node, DCAT + "accessURL")
        download_url = self.first_url(node, DCAT + "downloadURL")
        if not (access_url or download_url):
            dataset.keep(DCAT + "distribution", term)
            return None
        media_type = ""
        for value in node.get(DCAT + "mediaType"):
            media_type = media_type or self._media_type(value)
            if not self._media_type(value):
                node.keep(DCAT + "mediaType", value)
        format_id = None
        for value in node.get(DCT + "format"):
            format_id = format_id or self.term_concept(Concept.Scheme.FILE_TYPE, value)
            media_type = media_type or self._media_type(value)
            if not format_id:
                node.keep(DCT + "format", value)
        status = ""
        for value in node.get(ADMS + "status"):
            code = _tail(value.value).upper() if not isinstance(value, ox.BlankNode) else ""
            code = {"UNDERDEVELOPMENT": "DEVELOP"}.get(code, code)
            if code in Distribution.DistributionStatus.values and not status:
                status = code
            else:
                node.keep(ADMS + "status", value)
        rights = self.texts(node, DCT + "rights")
        values = {
            "title": self.texts(node, DCT + "title"),
            "description": self.texts(node, DCT + "description"),
            "access_url": access_url or download_url,
            "download_url": download_url,
            "format_id": format_id,
            "media_type": media_type,
            "byte_size": self._byte_size(node),
            "checksum": self._checksum(node),
            "licence_id": self.licence(node, DCT + "license"),
            "rights": rights,
            "conforms_to": self.urls(node, DCT + "conformsTo"),
            "languages": sorted(self.concepts(node, DCT + "language", Concept.Scheme.LANGUAGE)),
            "issued": self.date(node, DCT + "issued"),
            "modified": self.date(node, DCT + "modified"),
            "status": status or Distribution.DistributionStatus.COMPLETED,
        }
        node.get(RDF + "type")
        values["raw"] = node.leftovers()
        return values

    def _media_type(self, value) -> str:
        key = ("media type", value)
        if key not in self.memo:
            self.memo[key] = self._read_media_type(value)
        return self.memo[key]

    def _read_media_type(self, value) -> str:
        text = value.value.strip() if not isinstance(value, ox.BlankNode) else ""
        if not text:
            text = next(iter(self.labels(value).values()), "")
        for prefix in IANA_MEDIA_TYPES:
            text = text.removeprefix(prefix)
        return text.lower() if _MEDIA_TYPE_RE.match(text) else ""

    def _byte_size(self, node: _Node) -> int | None:
        for value in node.get(DCAT + "byteSize"):
            try:
                size = int(float(value.value))
            except (ValueError, AttributeError):
                size = -1
            if 0 <= size < 2**63:
                return size
            node.keep(DCAT + "byteSize", value)
        return None

    def _checksum(self, node: _Node) -> str:
        for value in node.get(SPDX + "checksum"):
            properties = self.index.get(value, {})
            algorithm = " ".join(v.value for v in properties.get(SPDX + "algorithm", []))
            digest = " ".join(v.value for v in properties.get(SPDX + "checksumValue", []))
            digest = digest.strip().lower()
            if "sha256" in algorithm.lower().replace("-", "") and _SHA256_RE.match(digest):
                return digest
            node.keep(SPDX + "checksum", value)
        return ""

    # The dataset --------------------------------------------------------------------------

    def record(self, term) -> Record:
        node = _Node(self, term)
        uri = self._iri(term)
        identifier = self.text(node, DCT + "identifier")
        title = self.texts(node, DCT + "title")
        record = Record(
            label=uri or identifier or next(iter(title.values()), str(term)),
            uri=uri,
            identifier=identifier,
        )
        if not node.properties:
            record.error = _("It is listed in the catalogue but not described in the document.")
            return record
        fields = record.fields
        fields.update(
            title=title,
            description=self.texts(node, DCT + "description"),
            identifier=identifier,
            spatial_uri="",
            spatial_label={},
            frequency_id=self.concept(node, DCT + "accrualPeriodicity", Concept.Scheme.FREQUENCY),
            access_rights_id=self.concept(node, DCT + "accessRights", Concept.Scheme.ACCESS_RIGHT),
            issued=self.date(node, DCT + "issued"),
            modified=self.date(node, DCT + "modified"),
            landing_page=self.first_url(node, DCAT + "landingPage"),
            documentation=self.urls(node, FOAF + "page"),
            conforms_to=self.urls(node, DCT + "conformsTo"),
            version=self.version(node),
            version_notes=self.texts(node, ADMS + "versionNotes"),
            provenance=self.texts(node, DCT + "provenance"),
        )
        self.temporal(node, record)
        self.spatial(node, record)
        for extra in node.get(DCT + "identifier")[1:]:
            node.keep(DCT + "identifier", extra)
        record.keywords = self._keywords(node)
        themes = node.get(DCAT + "theme")
        record.themes = sorted(self._themes(node, themes, Concept.Scheme.THEME))
        record.concepts = sorted(
            self._themes(node, themes, Concept.Scheme.DOMAIN, keep=True) | self._subjects(node)
        )
        record.languages = sorted(self.concepts(node, DCT + "language", Concept.Scheme.LANGUAGE))
        publishers = node.get(DCT + "publisher")
        record.publisher = self.agent(publishers[0]) if publishers else None
        creators = node.get(DCT + "creator")
        record.creator = self.agent(creators[0]) if creators else None
        for contact in node.get(DCAT + "contactPoint"):
            found = self.contact_point(contact)
            if found:
                record.contact_points.append(found)
            else:
                node.keep(DCAT + "contactPoint", contact)
        record.contact_points.sort(key=lambda c: tuple(c.values()))
        record.relations = self._relations(node)
        licence = self.licence(node, DCT + "license")
        distributions = [
            d for d in (self.distribution(t, node) for t in node.get(DCAT + "distribution")) if d
        ]
        fields["licence_id"] = licence or self._shared_licence(distributions)
        # A distribution keeps its own licence only where it differs from the dataset's, as
        # an editor would enter it (our export writes the dataset's on every distribution).
        for distribution in distributions:
            if distribution["licence_id"] == fields["licence_id"]:
                distribution["licence_id"] = None
        distributions.sort(key=lambda d: (d["access_url"], d["download_url"], str(d["title"])))
        extras = [{"accessURL": d["access_url"], **d.pop("raw")} for d in distributions]
        record.distributions = distributions
        node.get(RDF + "type")
        record.raw = node.leftovers()
        if any(len(extra) > 1 for extra in extras):
            record.raw["distributions"] = [extra for extra in extras if len(extra) > 1]
        return record

    def version(self, node: _Node) -> str:
        for predicate in (DCAT + "version", OWL + "versionInfo", ADMS + "version"):
            for value in node.get(predicate):
                if isinstance(value, ox.Literal) and 0 < len(value.value.strip()) <= 50:
                    return value.value.strip()
                node.keep(predicate, value)
        return ""

    def _keywords(self, node: _Node) -> dict:
        keywords: dict[str, list[str]] = {}
        for predicate in (DCAT + "keyword", DCT + "subject"):
            for value in node.get(predicate):
                if isinstance(value, ox.Literal) and value.value.strip():
                    words = keywords.setdefault((value.language or self.language).lower(), [])
                    if value.value.strip() not in words:
                        words.append(value.value.strip())
                elif predicate == DCAT + "keyword":
                    node.keep(predicate, value)
        return {language: sorted(words) for language, words in keywords.items()}

    def _themes(self, node: _Node, values: list, scheme: str, *, keep: bool = False) -> set[int]:
        """dcat:theme values of `scheme`; with `keep`, those of no scheme go to raw."""
        found = set()
        for value in values:
            hit = self.term_concept(scheme, value)
            if hit:
                found.add(hit)
            elif keep and not self.term_concept(Concept.Scheme.THEME, value):
                node.keep(DCAT + "theme", value)
        return found

    def _subjects(self, node: _Node) -> set[int]:
        """dct:subject concepts (literals there were read as keywords)."""
        found = set()
        for value in node.get(DCT + "subject"):
            if isinstance(value, ox.Literal):
                continue
            concept = self.vocabulary.concept(Concept.Scheme.DOMAIN, self.url(value) or "-")
            if concept:
                found.add(concept)
            else:
                node.keep(DCT + "subject", value)
        return found

    def _relations(self, node: _Node) -> list[tuple[str, str]]:
        relations = set()
        for predicate, role in _RELATION_PROPERTIES.items():
            for url in self.urls(node, predicate):
                relations.add((str(role), url))
        for value in node.get(DCAT + "qualifiedRelation"):
            properties = self.index.get(value, {})
            targets = [self.url(t) for t in properties.get(DCT + "relation", [])]
            roles = [_tail(r.value) for r in properties.get(DCAT + "hadRole", []) if r.value]
            role = next((_RELATION_ROLES[r] for r in roles if r in _RELATION_ROLES), None)
            if role and targets and targets[0]:
                relations.add((str(role), targets[0]))
            else:
                node.keep(DCAT + "qualifiedRelation", value)
        return sorted(r for r in relations if len(r[1]) <= 500)

    @staticmethod
    def _shared_licence(distributions: list[dict]) -> int | None:
        """The licence every distribution has: DCAT-AP puts the licence there, we on the dataset."""
        licences = {d["licence_id"] for d in distributions}
        return licences.pop() if len(licences) == 1 else None


# CKAN sites -------------------------------------------------------------------------------


def _ckan_endpoint(url: str) -> tuple[str, str]:
    """The package_search URL and the site's base URL for a CKAN source URL."""
    url = url.strip()
    if "/api/" in url:
        base = url.split("/api/")[0]
    else:
        base = url.rstrip("/")
    return base + "/api/3/action/package_search", base


def read_ckan(source: HarvestSource, fetch) -> Reading:
    """Read every public dataset of a CKAN site through package_search, `rows` at a time."""
    reading = Reading()
    vocabulary = _Vocabulary()
    endpoint, base = _ckan_endpoint(source.url)
    start, total = 0, None
    while total is None or start < total:
        if reading.pages >= MAX_PAGES or fetch.out_of_time():
            reading.complete = False
            reading.note = _(
                "Stopped after %(pages)s pages (limit of pages or time), nothing withdrawn."
            ) % {"pages": reading.pages}
            break
        # Sorted by id, so that pages do not shift when datasets change during the run.
        query = urlencode({"rows": CKAN_ROWS, "start": start, "sort": "id asc"})
        response = fetch(f"{endpoint}?{query}", accept="application/json")
        try:
            result = json.loads(response.content)["result"]
            total, packages = int(result["count"]), list(result["results"])
        except (ValueError, KeyError, TypeError):
            raise HarvestError(
                _("%(url)s did not answer as a CKAN package_search does.") % {"url": response.url}
            ) from None
        reading.pages += 1
        for package in packages:
            reading.records.append(_ckan_record(package, base, vocabulary, source.language))
        if not packages:
            break
        start += len(packages)
    return reading


def _ckan_text(value, language: str) -> dict:
    if isinstance(value, dict):
        return {k.lower(): v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}
    return {language: value.strip()} if isinstance(value, str) and value.strip() else {}


def _ckan_record(package: dict, base: str, vocabulary: _Vocabulary, language: str) -> Record:
    try:
        return _ckan_map(package, base, vocabulary, language)
    except Exception as exc:  # one odd record must not stop the others
        logger.warning("Could not map CKAN package %s", package.get("id"), exc_info=True)
        label = str(package.get("name") or package.get("id") or "?")
        return Record(label=label, error=str(exc))


def _ckan_map(package: dict, base: str, vocabulary: _Vocabulary, language: str) -> Record:
    extras = {e.get("key"): e.get("value") for e in package.get("extras") or [] if e.get("key")}
    used = set()

    def extra(key: str) -> str:
        used.add(key)
        value = extras.get(key)
        return value.strip() if isinstance(value, str) else ""

    uri = extra("uri")
    if not uri.startswith(("http://", "https://")):
        uri = f"{base}/dataset/{package['id']}"
    identifier = extra("identifier") or str(package["id"])
    title = _ckan_text(package.get("title_translated") or package.get("title"), language)
    record = Record(label=uri, uri=uri, identifier=identifier)
    keywords: dict[str, list[str]] = {}
    for tag in package.get("tags") or []:
        if tag.get("name"):
            keywords.setdefault(language, []).append(tag.get("display_name") or tag["name"])
    if isinstance(package.get("keywords"), dict):
        for tag_language, words in package["keywords"].items():
            keywords.setdefault(tag_language.lower(), []).extend(words)
    record.keywords = {k: sorted(set(v)) for k, v in keywords.items()}
    themes = [g.get("name", "") for g in package.get("groups") or []] + [
        g.get("title", "") for g in package.get("groups") or []
    ]
    try:
        themes += json.loads(extra("theme") or "[]")
    except ValueError:
        themes.append(extra("theme"))
    record.themes = sorted({c for c in (vocabulary.concept("theme", str(t)) for t in themes) if c})
    organization = package.get("organization") or {}
    if organization:
        record.publisher = {
            "uri": extra("publisher_uri") or f"{base}/organization/{organization.get('name')}",
            "name": _ckan_text(
                organization.get("title_translated")
                or organization.get("title")
                or organization.get("name"),
                language,
            ),
            "description": _ckan_text(organization.get("description"), language),
            "homepage": "",
            "email": extra("publisher_email"),
            "type": None,
        }
    for name_key, email_key in (
        ("maintainer", "maintainer_email"),
        ("author", "author_email"),
        ("contact_name", "contact_email"),
    ):
        email = (package.get(email_key) or extra(email_key) or "").strip()
        name = (package.get(name_key) or extra(name_key) or "").strip()
        if email:
            record.contact_points.append(
                {"name": (name or email)[:200], "email": email[:254], "url": "", "phone": ""}
            )
    licence = vocabulary.licence(
        [str(package.get(k) or "") for k in ("license_id", "license_url", "license_title")]
    )
    record.fields = {
        "title": title,
        "description": _ckan_text(
            package.get("notes_translated") or package.get("notes"), language
        ),
        "identifier": identifier,
        "landing_page": package.get("url")
        if str(package.get("url") or "").startswith(("http://", "https://"))
        else "",
        "version": str(package.get("version") or "")[:50],
        "issued": _parse_date(extra("issued") or str(package.get("metadata_created") or "")),
        "modified": _parse_date(extra("modified") or str(package.get("metadata_modified") or "")),
        "temporal_start": _parse_date(extra("temporal_start")),
        "temporal_end": _parse_date(extra("temporal_end"), end=True),
        "access_rights_id": vocabulary.concept("access-right", extra("access_rights")),
        "frequency_id": vocabulary.concept("frequency", extra("frequency")),
        "licence_id": licence,
        "spatial_uri": extra("spatial_uri")
        if extras.get("spatial_uri", "").startswith("http")
        else "",
    }
    box = _bbox(extra("spatial")) if extras.get("spatial") else None
    if box:
        record.fields.update(
            zip(("bbox_west", "bbox_south", "bbox_east", "bbox_north"), box, strict=True)
        )
    record.languages = sorted(
        {c for c in (vocabulary.concept("language", v) for v in extra("language").split(",")) if c}
    )
    for resource in package.get("resources") or []:
        url = str(resource.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            record.raw.setdefault("resources", []).append(resource)
            continue
        media_type = str(resource.get("mimetype") or "").lower()
        checksum = str(resource.get("hash") or "").lower().removeprefix("sha256:")
        try:
            size = int(resource.get("size")) if resource.get("size") not in (None, "") else None
        except (TypeError, ValueError):
            size = None
        resource_licence = vocabulary.licence([str(resource.get("license") or "")])
        record.distributions.append(
            {
                "title": _ckan_text(resource.get("name"), language),
                "description": _ckan_text(resource.get("description"), language),
                "access_url": url,
                "download_url": str(resource.get("download_url") or ""),
                "format_id": vocabulary.concept("file-type", str(resource.get("format") or "")),
                "media_type": media_type if _MEDIA_TYPE_RE.match(media_type) else "",
                "byte_size": size if size is not None and size >= 0 else None,
                "checksum": checksum if _SHA256_RE.match(checksum) else "",
                "licence_id": resource_licence if resource_licence != licence else None,
                "rights": {},
                "conforms_to": [],
                "languages": [],
                "issued": _parse_date(str(resource.get("created") or "")),
                "modified": _parse_date(str(resource.get("last_modified") or "")),
                "status": Distribution.DistributionStatus.COMPLETED,
            }
        )
    record.distributions.sort(key=lambda d: (d["access_url"], d["download_url"], str(d["title"])))
    leftovers = {k: v for k, v in extras.items() if k not in used}
    if leftovers:
        record.raw["extras"] = leftovers
    record.raw["ckan:name"] = package.get("name")
    return record


# One reader per source type: a function (source, fetch) -> Reading.
READERS = {
    HarvestSource.Type.DCAT: read_dcat,
    HarvestSource.Type.CKAN: read_ckan,
}
