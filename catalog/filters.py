"""The dataset filters and facet counts, shared by the HTML list view and the REST API.

DatasetFilter reads GET parameters (q, theme, publisher, format, licence, access_rights,
keyword, language, quality, modified_since, issued_since, sort, and the reuse-condition flags
open_licence, commercial_use and no_agreement). Facet parameters may repeat: for
the facets a dataset can have several values of (theme, format, keyword, language) every
chosen value must apply (AND); for the ones it has exactly one of (publisher, licence,
access_rights, quality) any chosen value may apply (OR), because AND would always be empty.
An unknown value makes the filter invalid, with an error keyed by (and naming) the
parameter: the HTML view shows it, the API answers 400.

facet_counts() counts, per facet, the datasets of an already filtered queryset.
"""

import datetime
import hashlib
import json
import time
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog import facetindex, search
from catalog.models import (
    Concept,
    Dataset,
    Distribution,
    Keyword,
    Licence,
    PolicyAction,
    PolicyRule,
    Publisher,
    QualityScore,
)
from catalog.multilingual import LanguageMap
from catalog.search import query_terms, search_datasets

MAX_VALUES_PER_PARAMETER = 20
KEYWORD_FACET_SIZE = 20
FACET_CACHE_SECONDS = 300
# Counts computed faster than this are not cached: caching them would gain nothing.
FACET_CACHE_MIN_SECONDS = 0.03
_VERSION_KEY = "catalog:facets:version"


class _RepeatableInput(forms.TextInput):
    """A text input whose parameter may repeat (?theme=TRAN&theme=ENVI); blanks are ignored."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if values is None:
            return []
        if isinstance(values, str):
            values = [values]
        return [value.strip() for value in values if isinstance(value, str) and value.strip()]

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value) or None
        return super().format_value(value)


class _ValuesField(django_filters.fields.ModelMultipleChoiceField):
    """Cleans repeated values to the objects they name; errors name the parameter."""

    widget = _RepeatableInput

    def __init__(self, *args, parameter: str, **kwargs):
        self.parameter = parameter
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if isinstance(value, list | tuple) and len(value) > MAX_VALUES_PER_PARAMETER:
            raise ValidationError(
                _("Give at most %(max)d values for “%(parameter)s”."),
                code="too_many",
                params={"max": MAX_VALUES_PER_PARAMETER, "parameter": self.parameter},
            )
        if isinstance(value, list | tuple) and any("\x00" in item for item in value):
            # PostgreSQL refuses NUL in a string; such a value names nothing anyway.
            raise ValidationError(
                _("“%(parameter)s” holds a character that is not allowed."),
                code="invalid_choice",
                params={"parameter": self.parameter},
            )
        try:
            return super().clean(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise ValidationError(
                _("“%(value)s” is not a known value for “%(parameter)s”."),
                code="invalid_choice",
                params={"value": error.params["value"], "parameter": self.parameter},
            ) from None


class _FacetFilter(django_filters.ModelMultipleChoiceFilter):
    """Datasets having the chosen values: all of them (AND) or, with any_of, one of them.

    `match(key)` gives the Q for one value, where key is the value's `to_field_name`.
    Matching goes through id subqueries, so a dataset never appears twice.
    """

    field_class = _ValuesField

    def __init__(self, *, match, any_of: bool = False, **kwargs):
        self.match, self.any_of = match, any_of
        super().__init__(distinct=False, **kwargs)

    @property
    def field(self):
        self.extra["parameter"] = self.field_name
        return super().field

    def filter(self, qs, value):
        keys = list(dict.fromkeys(getattr(item, self.field.to_field_name) for item in value or ()))
        if not keys:
            return qs
        if self.any_of:
            return qs.filter(self.match(keys))
        for key in keys:
            qs = qs.filter(self.match([key]))
        return qs


class _FlagField(forms.Field):
    """true/false (also 1/0, yes/no, on/off); blank means "not filtered"."""

    widget = forms.TextInput  # absent is None (a checkbox widget would make it false)
    VALUES = {"true": True, "1": True, "yes": True, "on": True}
    VALUES |= {"false": False, "0": False, "no": False, "off": False}

    def __init__(self, *args, parameter: str = "", **kwargs):
        self.parameter = parameter
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        found = self.VALUES.get(str(value).strip().lower())
        if found is None:
            raise ValidationError(
                _("“%(value)s” is not a value for “%(parameter)s”: use true or false."),
                code="invalid_choice",
                params={"value": str(value)[:40], "parameter": self.parameter},
            )
        return found


class _FlagFilter(django_filters.Filter):
    """A reuse-condition filter: true keeps the datasets that match `match`, false the
    others (catalog.conditions explains the conditions themselves)."""

    field_class = _FlagField

    def __init__(self, *, match, **kwargs):
        self.match = match
        super().__init__(**kwargs)

    @property
    def field(self):
        self.extra["parameter"] = self.field_name
        return super().field

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(self.match()) if value else qs.exclude(self.match())


def _rules_of_datasets(kind: str, action: str) -> Q:
    rules = PolicyRule.objects.filter(dataset__isnull=False, kind=kind, action=action)
    return Q(pk__in=rules.values("dataset_id"))


def _open_licence() -> Q:
    return Q(licence__is_open=True)


def _commercial_use() -> Q:
    """A licence that allows it, no prohibition to commercialise, and data that is shared."""
    prohibited = _rules_of_datasets(PolicyRule.Kind.PROHIBITION, PolicyAction.COMMERCIALIZE)
    return (
        Q(licence__isnull=False, licence__non_commercial=False)
        & ~prohibited
        & ~Q(access_rights__code="NON_PUBLIC")
    )


def _no_agreement() -> Q:
    """Public (as catalog.reuse reads it: no access rights and an open licence count too),
    and no duty to sign an agreement."""
    public = Q(access_rights__code="PUBLIC") | Q(access_rights__isnull=True, licence__is_open=True)
    return public & ~_rules_of_datasets(PolicyRule.Kind.DUTY, PolicyAction.SIGN_AGREEMENT)


CONDITION_FLAGS = ["open_licence", "commercial_use", "no_agreement"]


def _through(field_name: str):
    return Dataset._meta.get_field(field_name).remote_field.through.objects


def _in_ids(subquery) -> Q:
    return Q(pk__in=subquery.values("dataset_id"))


class DatasetFilter(django_filters.FilterSet):
    """Search, facet filters and sort order for dataset lists (HTML and API)."""

    SORT_CHOICES = [
        ("relevance", _("Relevance")),
        ("newest", _("Newest")),
        ("modified", _("Last modified")),
        ("title", _("Title")),
        ("quality", _("Metadata quality")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    theme = _FacetFilter(
        label=_("Theme"),
        queryset=Concept.objects.filter(scheme=Concept.Scheme.THEME),
        to_field_name="code",
        match=lambda codes: _in_ids(_through("themes").filter(concept__code__in=codes)),
    )
    publisher = _FacetFilter(
        label=_("Publisher"),
        queryset=Publisher.objects.all(),
        to_field_name="slug",
        any_of=True,
        match=lambda slugs: Q(publisher__slug__in=slugs),
    )
    format = _FacetFilter(
        label=_("Format"),
        queryset=Concept.objects.filter(scheme=Concept.Scheme.FILE_TYPE),
        to_field_name="code",
        match=lambda codes: _in_ids(Distribution.objects.filter(format__code__in=codes)),
    )
    licence = _FacetFilter(
        label=_("Licence"),
        queryset=Licence.objects.all(),
        to_field_name="code",
        any_of=True,
        match=lambda codes: Q(licence__code__in=codes),
    )
    access_rights = _FacetFilter(
        label=_("Access rights"),
        queryset=Concept.objects.filter(scheme=Concept.Scheme.ACCESS_RIGHT),
        to_field_name="code",
        any_of=True,
        match=lambda codes: Q(access_rights__code__in=codes),
    )
    keyword = _FacetFilter(
        label=_("Keyword"),
        queryset=Keyword.objects.all(),
        to_field_name="value",
        match=lambda values: _in_ids(_through("keywords").filter(keyword__value__in=values)),
    )
    language = _FacetFilter(
        label=_("Language"),
        queryset=Concept.objects.filter(scheme=Concept.Scheme.LANGUAGE),
        to_field_name="code",
        match=lambda codes: _in_ids(_through("languages").filter(concept__code__in=codes)),
    )
    quality = django_filters.MultipleChoiceFilter(
        label=_("Metadata quality"),
        choices=QualityScore.Band.choices,
        widget=_RepeatableInput,
        method="filter_quality",
        error_messages={
            "invalid_choice": _("“%(value)s” is not a known value for “quality”."),
        },
    )
    modified_since = django_filters.DateFilter(
        label=_("Modified since"),
        method="filter_modified_since",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("“modified_since” must be a date such as 2025-01-31.")},
    )
    issued_since = django_filters.DateFilter(
        label=_("Issued since"),
        field_name="issued",
        lookup_expr="gte",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("“issued_since” must be a date such as 2025-01-31.")},
    )
    open_licence = _FlagFilter(label=_("Open licence"), match=_open_licence)
    commercial_use = _FlagFilter(label=_("Commercial use allowed"), match=_commercial_use)
    no_agreement = _FlagFilter(label=_("No agreement needed"), match=_no_agreement)
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_sort",
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a sort order for “sort”; "
                "use relevance, newest, modified, title or quality."
            )
        },
    )

    class Meta:
        model = Dataset
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # Unbound means "no parameters": still apply the default sort order.
        super().__init__(QueryDict() if data is None else data, *args, **kwargs)

    def from_index(self) -> "facetindex.Result | None":
        """This search answered in memory by catalog.facetindex, or None when it cannot be.

        For a valid filter over published datasets only (the caller's queryset must be
        Dataset.objects.published()): a query with words, facet and quality filters, in
        relevance or newest order. Do not touch `qs` when this answers: that would run
        the search again.
        """
        data = self.form.cleaned_data
        if not query_terms(data.get("q") or ""):
            return None
        sort = data.get("sort") or "relevance"
        if sort not in ("relevance", "newest"):
            return None
        if data.get("modified_since") or data.get("issued_since"):
            return None
        if any(data.get(name) is not None for name in CONDITION_FLAGS):
            return None  # the index knows no reuse conditions
        selected = {}
        for name in FACETS:
            to_field = self.filters[name].field.to_field_name
            values = [getattr(item, to_field) for item in data.get(name) or ()]
            if values:
                selected[name] = list(dict.fromkeys(values))
        if data.get("quality"):
            selected["quality"] = list(dict.fromkeys(data["quality"]))
        return facetindex.search(
            search.ranked_ids(data["q"]),
            selected,
            keyword_facet_size=KEYWORD_FACET_SIZE,
            newest_first=sort == "newest",
        )

    def filter_q(self, queryset, name, value):
        return search_datasets(queryset, value)

    def filter_quality(self, queryset, name, value):
        # A dataset has one band (or none yet): any of the chosen bands may apply.
        return queryset.filter(quality__band__in=value) if value else queryset

    def filter_modified_since(self, queryset, name, value):
        start = datetime.datetime.combine(value, datetime.time.min)
        return queryset.filter(updated_at__gte=timezone.make_aware(start))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset, once we know whether q matched

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        searching = bool(query_terms(self.form.cleaned_data.get("q") or ""))
        sort = self.form.cleaned_data.get("sort") or ("relevance" if searching else "newest")
        return queryset.order_by(*self.ordering(sort, searching=searching))

    @staticmethod
    def ordering(sort: str, *, searching: bool) -> list:
        newest = list(facetindex.NEWEST)
        if sort == "relevance" and searching:
            return [F("search_rank").desc(), *newest]
        if sort == "modified":
            return ["-updated_at", "-pk"]
        if sort == "title":
            return [Lower(_localized_title()).asc(), "pk"]
        if sort == "quality":
            return [F("quality__score").desc(nulls_last=True), *newest]
        return newest


def _localized_title():
    """The title in the active language, falling back like LanguageMap.localized()."""
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    codes = dict.fromkeys([active, settings.LANGUAGE_CODE, *settings.METADATA_LANGUAGES])
    return Coalesce(*[NullIf(KT(f"title__{code}"), Value("")) for code in codes], Value(""))


# Facets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetItem:
    value: str  # the GET parameter value that selects it
    label: str  # localized
    count: int


def facet_counts(queryset: QuerySet, *, quality: bool = False) -> dict[str, list[FacetItem]]:
    """Per facet, the values found in `queryset` with the number of its datasets having each.

    `queryset` must already be restricted to what the visitor may see. It is evaluated
    once, as a materialized set of ids that one query groups per facet (a search then
    runs its full-text match once, not once per facet). Items are sorted by count, then
    label; the keyword facet holds the KEYWORD_FACET_SIZE most used keywords. With
    `quality`, a "quality" facet counts the datasets per metadata quality band too.

    Counts that took long to compute (a broad search over a large catalogue) are cached
    for FACET_CACHE_SECONDS; any change to the catalogue invalidates them at once.
    """
    try:
        ids_sql, params = (
            queryset.order_by()
            .values_list("pk", "publisher_id", "licence_id", "access_rights_id")
            .query.sql_with_params()
        )
    except EmptyResultSet:
        return {name: [] for name in FACETS + (["quality"] if quality else [])}
    # A search's matches are all in the search index, which keeps each dataset's facet
    # keys together: one lookup per match instead of one per facet table.
    from_index = connection.vendor == "postgresql" and "search_rank" in queryset.query.annotations
    sql = _facet_sql(ids_sql, from_index=from_index, quality=quality)
    key = _cache_key(sql, params)
    rows = cache.get(key)
    if rows is None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if time.perf_counter() - started > FACET_CACHE_MIN_SECONDS:
            cache.set(key, rows, FACET_CACHE_SECONDS)
    found: dict[str, list[FacetItem]] = {name: [] for name in FACETS}
    if quality:
        found["quality"] = []
    for facet, value, label, count in rows:
        if facet == "quality":
            label = QualityScore.Band(value).label if value in QualityScore.Band.values else value
        elif facet != "keyword":
            label = LanguageMap(json.loads(label) if isinstance(label, str) else label or {})
        found[facet].append(FacetItem(value=value, label=str(label), count=count))
    result = {name: _sorted(items) for name, items in found.items()}
    if quality:  # best band first, as the bands are ranked
        order = list(QualityScore.Band.values)
        result["quality"].sort(key=lambda item: order.index(item.value))
    return result


def index_facet_counts(result: "facetindex.Result") -> dict[str, list[FacetItem]]:
    """facet_counts() for a search that catalog.facetindex answered."""
    return {
        name: _sorted(
            [
                FacetItem(value=value, label=str(label), count=count)
                for value, label, count in result.facets.get(name, [])
            ]
        )
        for name in [*FACETS, "quality"]
    }


def invalidate_facet_counts() -> None:
    """Forget every cached facet count (called whenever catalogue data changes)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(_VERSION_KEY, int(time.time()), None)


def _cache_key(sql: str, params) -> str:
    version = cache.get(_VERSION_KEY, 0)
    digest = hashlib.sha256(f"{sql}\x00{params!r}".encode()).hexdigest()
    return f"catalog:facets:{version}:{digest}"


FACETS = ["theme", "publisher", "format", "licence", "access_rights", "keyword", "language"]


def _facet_sql(ids_sql: str, *, from_index: bool = False, quality: bool = False) -> str:
    tables = {
        "concept": Concept._meta.db_table,
        "publisher": Publisher._meta.db_table,
        "licence": Licence._meta.db_table,
        "keyword": Keyword._meta.db_table,
        "distribution": Distribution._meta.db_table,
        "themes": _through("themes").model._meta.db_table,
        "keywords": _through("keywords").model._meta.db_table,
        "languages": _through("languages").model._meta.db_table,
        "quality": QualityScore._meta.db_table,
    }
    # Counting happens on integer keys first, labels are joined to the few groups after;
    # labels are JSON language maps, which CAST makes text on every database so the
    # branches of the UNION agree on the column type.
    ids = f"ids (id, publisher_id, licence_id, access_rights_id) AS MATERIALIZED ({ids_sql})"
    per_dataset = f"""
        SELECT 'publisher', p.slug, CAST(p.name AS TEXT), n.count
        FROM (SELECT publisher_id AS pk, COUNT(*) AS count FROM ids GROUP BY publisher_id) n
        JOIN {tables["publisher"]} p ON p.id = n.pk
        UNION ALL
        SELECT 'licence', l.code, CAST(l.title AS TEXT), n.count
        FROM (SELECT licence_id AS pk, COUNT(*) AS count FROM ids GROUP BY licence_id) n
        JOIN {tables["licence"]} l ON l.id = n.pk
        UNION ALL
        SELECT 'access_rights', c.code, CAST(c.label AS TEXT), n.count
        FROM (
            SELECT access_rights_id AS pk, COUNT(*) AS count FROM ids GROUP BY access_rights_id
        ) n JOIN {tables["concept"]} c ON c.id = n.pk
    """
    if quality:  # the score row shares the dataset's primary key
        per_dataset += f"""
        UNION ALL
        SELECT 'quality', q.band, q.band, COUNT(*)
        FROM ids JOIN {tables["quality"]} q ON q.dataset_id = ids.id GROUP BY q.band
        """
    if from_index:
        return _facet_sql_from_index(ids, per_dataset, tables)
    # Counting happens on integer keys first, labels are joined to the few groups after;
    # labels are JSON language maps, which CAST makes text on every database so the
    # branches of the UNION agree on the column type.
    return f"""
        WITH {ids}
        SELECT 'theme', c.code, CAST(c.label AS TEXT), n.count
        FROM (
            SELECT t.concept_id AS pk, COUNT(*) AS count
            FROM ids JOIN {tables["themes"]} t ON t.dataset_id = ids.id GROUP BY t.concept_id
        ) n JOIN {tables["concept"]} c ON c.id = n.pk
        UNION ALL
        SELECT 'format', c.code, CAST(c.label AS TEXT), n.count
        FROM (
            SELECT format_id AS pk, COUNT(*) AS count FROM (
                SELECT DISTINCT d.dataset_id, d.format_id
                FROM ids JOIN {tables["distribution"]} d ON d.dataset_id = ids.id
            ) f GROUP BY format_id
        ) n JOIN {tables["concept"]} c ON c.id = n.pk
        UNION ALL
        SELECT * FROM (
            SELECT 'keyword', k.value, CAST(k.value AS TEXT), n.count
            FROM (
                -- One keyword row per language: count datasets per value, not per row.
                SELECT first AS pk, COUNT(*) AS count FROM (
                    SELECT DISTINCT t.dataset_id, same.first
                    FROM ids JOIN {tables["keywords"]} t ON t.dataset_id = ids.id
                    JOIN (
                        SELECT id, MIN(id) OVER (PARTITION BY value) AS first
                        FROM {tables["keyword"]}
                    ) same ON same.id = t.keyword_id
                ) v GROUP BY first
            ) n JOIN {tables["keyword"]} k ON k.id = n.pk
            ORDER BY 4 DESC, 2
            LIMIT {KEYWORD_FACET_SIZE}
        ) AS top_keywords
        UNION ALL
        SELECT 'language', c.code, CAST(c.label AS TEXT), n.count
        FROM (
            SELECT t.concept_id AS pk, COUNT(*) AS count
            FROM ids JOIN {tables["languages"]} t ON t.dataset_id = ids.id GROUP BY t.concept_id
        ) n JOIN {tables["concept"]} c ON c.id = n.pk
        UNION ALL
        {per_dataset}
    """


def _facet_sql_from_index(ids: str, per_dataset: str, tables: dict[str, str]) -> str:
    """PostgreSQL, for a search: themes, formats, languages and keywords from the facet
    keys in the search index (concept ids, and negated first ids of keyword values)."""
    S = Concept.Scheme
    return f"""
        WITH {ids},
        keys AS MATERIALIZED (
            SELECT key, COUNT(*) AS count FROM (
                SELECT unnest(s.facets) AS key
                FROM ids JOIN {search.TABLE} s ON s.dataset_id = ids.id
            ) f GROUP BY key
        )
        SELECT CASE c.scheme WHEN '{S.THEME}' THEN 'theme' WHEN '{S.FILE_TYPE}' THEN 'format'
               ELSE 'language' END,
               c.code, CAST(c.label AS TEXT), keys.count
        FROM keys JOIN {tables["concept"]} c ON c.id = keys.key
        WHERE keys.key > 0 AND c.scheme IN ('{S.THEME}', '{S.FILE_TYPE}', '{S.LANGUAGE}')
        UNION ALL
        SELECT * FROM (
            SELECT 'keyword', k.value, CAST(k.value AS TEXT), keys.count
            FROM keys JOIN {tables["keyword"]} k ON k.id = -keys.key
            WHERE keys.key < 0
            ORDER BY 4 DESC, 2
            LIMIT {KEYWORD_FACET_SIZE}
        ) AS top_keywords
        UNION ALL
        {per_dataset}
    """


def _sorted(items: list[FacetItem]) -> list[FacetItem]:
    return sorted(items, key=lambda item: (-item.count, item.label.casefold(), item.value))
