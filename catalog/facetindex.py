"""A public search answered in memory: total, facet counts and relevance order.

A search that matches tens of thousands of datasets would otherwise cost the database one
lookup per match three times over (the count, the facets and the page sorted by rank),
which grows with every match. Here the full-text engine finds the matches once, with
their rank, and everything else is set arithmetic on compressed bitmaps (pyroaring):
each process keeps, per facet value, the ids of the published datasets having it.
Intersections cost microseconds whatever the number of matches, the way a search
server's filter cache works.

The bitmaps belong to one version of the catalogue: the facet-count version that every
change bumps (catalog.filters.invalidate_facet_counts), so a process rebuilds them on
the first search after a change and never counts a dataset that has since been
unpublished. The page itself is read from the database with the published filter
applied again, so even a rebuild that raced a change cannot show a draft.

Quality bands change without a catalogue change (a nightly link check rescores), so the
bitmaps are also rebuilt when they are older than MAX_AGE_SECONDS: a band count or
filter lags by at most that long, like the cached facet counts.

Only what the bitmaps can answer takes this path (published datasets, a query with
words, facet filters, relevance order); anything else goes through the ORM as before.
"""

import threading
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F
from pyroaring import BitMap

from catalog.models import Concept, Dataset, Distribution, Licence, Publisher, QualityScore
from catalog.multilingual import LanguageMap

# Facets a dataset has exactly one value of: several chosen values combine with OR.
SINGLE_VALUED = {"publisher", "licence", "access_rights", "quality"}
FACETS = ["theme", "publisher", "format", "licence", "access_rights", "keyword", "language"]
MAX_AGE_SECONDS = 300
# The dataset list's "newest" order (catalog.filters.DatasetFilter.ordering).
NEWEST = [F("published_at").desc(nulls_first=True), "-pk"]


@dataclass
class Index:
    version: object
    published: BitMap
    postings: dict[str, dict[str, BitMap]]
    labels: dict[str, dict[str, object]] = field(default_factory=dict)
    newest: list[int] = field(default_factory=list)
    built_at: float = field(default_factory=time.monotonic)

    def fresh(self, version) -> bool:
        return self.version == version and time.monotonic() - self.built_at < MAX_AGE_SECONDS


@dataclass
class Result:
    """A search answered from the bitmaps: ids in relevance order and facet counts."""

    ids: list[int]
    facets: dict[str, list[tuple[str, object, int]]]  # facet -> [(value, label, count)]

    @property
    def count(self) -> int:
        return len(self.ids)


_lock = threading.Lock()
_index: Index | None = None


def _version():
    from catalog.filters import _VERSION_KEY

    return cache.get(_VERSION_KEY, 0)


def current() -> Index:
    """The bitmaps of the catalogue as it is now, rebuilt after any change."""
    global _index
    version = _version()
    index = _index
    if index is not None and index.fresh(version):
        return index
    with _lock:
        if _index is None or not _index.fresh(version):
            _index = build(version)
        return _index


def reset() -> None:
    """Forget this process's bitmaps (tests, whose rolled-back rows bump no version)."""
    global _index
    _index = None


def _through(name):
    return Dataset._meta.get_field(name).remote_field.through.objects


def build(version=None) -> Index:
    """Read the published datasets' facet values into bitmaps (a few plain queries)."""
    published = BitMap()
    postings: dict[str, dict[str, BitMap]] = {name: {} for name in [*FACETS, "quality"]}

    def add(facet, value, pk):
        bitmap = postings[facet].get(value)
        if bitmap is None:
            bitmap = postings[facet][value] = BitMap()
        bitmap.add(pk)

    # In the list's "newest" order, so that a search sorted so reads it off this list.
    rows = (
        Dataset.objects.published()
        .order_by(*NEWEST)
        .values_list("pk", "publisher__slug", "licence__code", "access_rights__code")
    )
    newest = []
    for pk, publisher, licence, access_rights in rows.iterator(chunk_size=5000):
        published.add(pk)
        newest.append(pk)
        if publisher:
            add("publisher", publisher, pk)
        if licence:
            add("licence", licence, pk)
        if access_rights:
            add("access_rights", access_rights, pk)
    # Links of unpublished datasets are read too; intersecting with `published` drops them.
    for facet, through in (("theme", "themes"), ("language", "languages")):
        links = _through(through).values_list("dataset_id", "concept__code")
        for pk, code in links.iterator(chunk_size=5000):
            add(facet, code, pk)
    links = _through("keywords").values_list("dataset_id", "keyword__value")
    for pk, value in links.iterator(chunk_size=5000):
        add("keyword", value, pk)
    formats = Distribution.objects.filter(format__isnull=False).values_list(
        "dataset_id", "format__code"
    )
    for pk, code in formats.iterator(chunk_size=5000):
        add("format", code, pk)
    for pk, band in QualityScore.objects.values_list("dataset_id", "band").iterator(5000):
        add("quality", band, pk)
    for values in postings.values():
        for bitmap in values.values():
            bitmap &= published
    return Index(
        version=version, published=published, postings=postings, labels=_labels(), newest=newest
    )


def _labels() -> dict[str, dict[str, object]]:
    concepts = {}
    for scheme, code, label in Concept.objects.values_list("scheme", "code", "label"):
        concepts.setdefault(scheme, {})[code] = LanguageMap(label or {})
    S = Concept.Scheme
    return {
        "theme": concepts.get(S.THEME, {}),
        "format": concepts.get(S.FILE_TYPE, {}),
        "language": concepts.get(S.LANGUAGE, {}),
        "access_rights": concepts.get(S.ACCESS_RIGHT, {}),
        "publisher": {
            slug: LanguageMap(name or {})
            for slug, name in Publisher.objects.values_list("slug", "name")
        },
        "licence": {
            code: LanguageMap(title or {})
            for code, title in Licence.objects.values_list("code", "title")
        },
        # Keywords are their own label.
        "keyword": {},
        "quality": dict(QualityScore.Band.choices),
    }


def search(
    ranked: list[int],
    selected: dict[str, list[str]],
    *,
    keyword_facet_size: int,
    newest_first: bool = False,
) -> Result:
    """Restrict `ranked` (matching ids, best first) to published datasets having the
    `selected` facet values, and count every facet over what is left. Ids keep the
    ranked order, or with `newest_first` the order of publication, newest first."""
    index = current()
    found = BitMap(ranked) & index.published
    for facet, values in selected.items():
        postings = index.postings[facet]
        if facet in SINGLE_VALUED:
            chosen = BitMap()
            for value in values:
                chosen |= postings.get(value, BitMap())
            found &= chosen
        else:
            for value in values:
                found &= postings.get(value, BitMap())
    if newest_first:
        ids = [pk for pk in index.newest if pk in found]
    else:
        ids = [pk for pk in ranked if pk in found]
    facets: dict[str, list[tuple[str, object, int]]] = {}
    for facet, postings in index.postings.items():
        labels = index.labels.get(facet, {})
        counted = []
        for value, bitmap in postings.items():
            count = bitmap.intersection_cardinality(found)
            if count:
                counted.append((value, labels.get(value, value), count))
        if facet == "keyword":
            counted.sort(key=lambda item: (-item[2], item[0]))
            counted = counted[:keyword_facet_size]
        facets[facet] = counted
    return Result(ids=ids, facets=facets)


class Page:
    """The datasets of a Result as a sequence a Paginator can slice: each slice reads just
    its rows, published ones only, in the Result's order."""

    def __init__(self, ids: list[int], queryset):
        self.ids, self.queryset = ids, queryset

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, item):
        ids = self.ids[item]
        if not isinstance(item, slice):
            ids = [ids]
        rows = {dataset.pk: dataset for dataset in self.queryset.filter(pk__in=ids)}
        found = [rows[pk] for pk in ids if pk in rows]
        if not isinstance(item, slice):
            if not found:
                raise IndexError(item)
            return found[0]
        return found
