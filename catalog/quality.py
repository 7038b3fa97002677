"""Metadata quality: a score per dataset compatible with the EU Metadata Quality Assessment.

The EU MQA (data.europa.eu) weighs 24 criteria in five dimensions, 405 points in all,
and names four bands. This module scores what the portal publishes as DCAT-AP, from
the models, with a handful of queries per batch of datasets; the criteria that concern
distributions give their points in proportion to the distributions meeting them.
A second, portal-only set (structure described, reuse conditions complete, updated on
time) is kept apart as a percentage, so the EU-compatible score stays comparable.

Stored rows (catalog.models.QualityScore) hold codes and numbers only; labels and the
"how to fix" advice are looked up here, so they follow the reader's language.
catalog.signals recomputes a dataset's score after each change and link check; the
nightly catalog.tasks.score_all_datasets catches bulk writes and the passing of time.
"""

import mimetypes
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    Column,
    ContactPoint,
    Dataset,
    Distribution,
    DistributionProfile,
    LinkCheck,
    QualityScore,
)
from catalog.vocabularies import EU, FILE_TYPES, LICENCES, SCHEMES

BATCH_SIZE = 500
MAX_SCORE = 405
Band = QualityScore.Band
# Lowest score of each band, best first (the EU MQA's thresholds).
BANDS = [(351, Band.EXCELLENT), (221, Band.GOOD), (121, Band.SUFFICIENT), (0, Band.BAD)]

FINDABILITY = "findability"
ACCESSIBILITY = "accessibility"
INTEROPERABILITY = "interoperability"
REUSABILITY = "reusability"
CONTEXTUALITY = "contextuality"
PORTAL = "portal"
DIMENSIONS = {
    FINDABILITY: _("Findability"),
    ACCESSIBILITY: _("Accessibility"),
    INTEROPERABILITY: _("Interoperability"),
    REUSABILITY: _("Reusability"),
    CONTEXTUALITY: _("Contextuality"),
    PORTAL: _("Portal criteria"),
}
DATASET = "dataset"
DISTRIBUTION = "distribution"
# The measurements DCAT carries (catalog.dcat, as DQV): the score, each dimension's points
# and the portal percentage.
METRIC_LABELS = {
    "score": _("Metadata quality score"),
    **{name: label for name, label in DIMENSIONS.items() if name != PORTAL},
    PORTAL: _("Portal criteria met"),
}
METRIC_DEFINITIONS = {
    "score": _("Points out of 405, as the EU Metadata Quality Assessment weighs its criteria."),
    FINDABILITY: _("Points out of 100 for keywords, themes, spatial and temporal coverage."),
    ACCESSIBILITY: _("Points out of 100 for working access and download URLs."),
    INTEROPERABILITY: _(
        "Points out of 110 for formats and media types, open and machine-readable formats "
        "and conformance to DCAT-AP."
    ),
    REUSABILITY: _("Points out of 75 for licence, access rights, contact point and publisher."),
    CONTEXTUALITY: _("Points out of 20 for rights, file size, issue and modification dates."),
    PORTAL: _(
        "Percentage of this portal's own criteria met: structure described, reuse conditions "
        "complete, updated on time."
    ),
}


@dataclass(frozen=True)
class Criterion:
    code: str
    dimension: str
    max: int
    scope: str  # DATASET, or DISTRIBUTION: points in proportion to the distributions meeting it
    label: str | Promise
    how_to_fix: str | Promise


CRITERIA = [
    Criterion("keywords", FINDABILITY, 30, DATASET, _("Keywords"),
        _("Add a few keywords people would search for.")),
    Criterion("themes", FINDABILITY, 30, DATASET, _("Themes"),
        _("Choose at least one theme.")),
    Criterion("spatial", FINDABILITY, 20, DATASET, _("Spatial coverage"),
        _("Name the area the data is about: a place URI, a name or a bounding box.")),
    Criterion("temporal", FINDABILITY, 20, DATASET, _("Temporal coverage"),
        _("Give the period the data covers.")),
    Criterion("access_url_reachable", ACCESSIBILITY, 50, DISTRIBUTION, _("Access URL works"),
        _("Fix or replace the address of each distribution whose link check failed; links "
          "not checked yet count once the nightly check has run.")),
    Criterion("download_url", ACCESSIBILITY, 20, DISTRIBUTION, _("Download URL given"),
        _("Give a direct download URL for each distribution, or upload the file.")),
    Criterion("download_url_reachable", ACCESSIBILITY, 30, DISTRIBUTION, _("Download URL works"),
        _("Make sure each download URL gives the file (uploaded files always count).")),
    Criterion("format", INTEROPERABILITY, 20, DISTRIBUTION, _("Format"),
        _("Choose the file format of each distribution, e.g. CSV.")),
    Criterion("media_type", INTEROPERABILITY, 10, DISTRIBUTION, _("Media type"),
        _("Give the IANA media type of each distribution, e.g. text/csv.")),
    Criterion("format_vocabulary", INTEROPERABILITY, 10, DISTRIBUTION,
        _("Format from a controlled vocabulary"),
        _("Choose a format from the EU file-type list, or give a registered media type.")),
    Criterion("non_proprietary", INTEROPERABILITY, 20, DISTRIBUTION, _("Non-proprietary format"),
        _("Offer the data in an open format too, e.g. CSV next to Excel.")),
    Criterion("machine_readable", INTEROPERABILITY, 20, DISTRIBUTION, _("Machine-readable format"),
        _("Offer the data in a format programs can read, e.g. CSV or JSON rather than PDF.")),
    Criterion("dcat_ap", INTEROPERABILITY, 30, DATASET, _("Conforms to DCAT-AP"),
        _("Give a title and description, and take themes, frequency, access rights, "
          "languages and formats from the EU vocabularies DCAT-AP names.")),
    Criterion("licence", REUSABILITY, 20, DISTRIBUTION, _("Licence"),
        _("Choose a licence on the dataset, or on each distribution.")),
    Criterion("licence_vocabulary", REUSABILITY, 10, DISTRIBUTION, _("Known licence"),
        _("Choose a licence from the portal's list (e.g. CC BY 4.0) rather than a custom one.")),
    Criterion("access_rights", REUSABILITY, 10, DATASET, _("Access rights"),
        _("Say whether the data is public, restricted or non-public.")),
    Criterion("access_rights_vocabulary", REUSABILITY, 5, DATASET,
        _("Access rights from the vocabulary"),
        _("Choose the access rights from the EU access-right list.")),
    Criterion("contact_point", REUSABILITY, 20, DATASET, _("Contact point"),
        _("Add someone people can ask about the data.")),
    Criterion("publisher", REUSABILITY, 10, DATASET, _("Publisher"),
        _("Choose the publishing organisation.")),
    Criterion("rights", CONTEXTUALITY, 5, DISTRIBUTION, _("Rights statement"),
        _("Add a rights statement to each distribution: who holds the rights, what applies.")),
    Criterion("byte_size", CONTEXTUALITY, 5, DISTRIBUTION, _("File size"),
        _("Give the size in bytes of each file (uploads get theirs automatically).")),
    Criterion("issued", CONTEXTUALITY, 5, DATASET, _("Issue date"),
        _("Give the date the data was first issued (publishing the dataset sets one).")),
    Criterion("modified", CONTEXTUALITY, 5, DATASET, _("Modification date"),
        _("Give the date the data was last changed.")),
]  # fmt: skip
assert sum(c.max for c in CRITERIA) == MAX_SCORE

PORTAL_CRITERIA = [
    Criterion("structure_described", PORTAL, 30, DISTRIBUTION, _("Structure described"),
        _("Publish tables in a format the portal can read, such as CSV, so that their "
          "columns are found and described.")),
    Criterion("reuse_conditions", PORTAL, 40, DATASET, _("Reuse conditions complete"),
        _("Give a licence and access rights; when access is not public, say in each "
          "distribution's rights statement why, and how to get access.")),
    Criterion("updated_on_time", PORTAL, 30, DATASET, _("Updated on time"),
        _("Update the data (and its modification date) as often as its update frequency "
          "promises, or choose the frequency that is true.")),
]  # fmt: skip
BY_CODE = {c.code: c for c in [*CRITERIA, *PORTAL_CRITERIA]}


def band_for(score: float) -> str:
    return next(band for low, band in BANDS if score >= low)


# What the checks read ----------------------------------------------------------------------


class _Loaded:
    """What the criteria of one dataset need, read for a whole batch at once."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.keywords = 0
        self.theme_uris: list[str] = []
        self.language_uris: list[str] = []
        self.contacts = 0
        self.distributions: list[Distribution] = []


def _load(ids: list[int]) -> list[_Loaded]:
    """Datasets `ids` with what scoring reads, in eight queries whatever their number."""
    datasets = Dataset.objects.filter(pk__in=ids).select_related(
        "access_rights", "licence", "frequency"
    )
    by_id = {dataset.pk: _Loaded(dataset) for dataset in datasets.defer("raw_metadata")}
    if not by_id:
        return []
    keys = list(by_id)
    keywords = Dataset.keywords.through.objects.filter(dataset_id__in=keys)
    for pk, count in (
        keywords.values("dataset_id").annotate(n=Count("pk")).values_list("dataset_id", "n")
    ):
        by_id[pk].keywords = count
    for field, attribute in (("themes", "theme_uris"), ("languages", "language_uris")):
        through = getattr(Dataset, field).through.objects.filter(dataset_id__in=keys)
        for pk, uri in through.values_list("dataset_id", "concept__uri"):
            getattr(by_id[pk], attribute).append(uri)
    contacts = ContactPoint.objects.filter(dataset_id__in=keys)
    for pk, count in (
        contacts.values("dataset_id").annotate(n=Count("pk")).values_list("dataset_id", "n")
    ):
        by_id[pk].contacts = count
    distributions = (
        Distribution.objects.filter(dataset_id__in=keys)
        .select_related("format", "licence", "link_check", "profile")
        .order_by("position", "pk")
    )
    columns = Column.objects.filter(distribution__dataset_id__in=keys, present=True)
    column_counts = dict(
        columns.values("distribution_id")
        .annotate(n=Count("pk"))
        .values_list("distribution_id", "n")
    )
    for distribution in distributions:
        loaded = by_id[distribution.dataset_id]
        distribution.dataset = loaded.dataset
        distribution.column_count = column_counts.get(distribution.pk, 0)
        loaded.distributions.append(distribution)
    return list(by_id.values())


# The checks ----------------------------------------------------------------------------


def _has_text(language_map) -> bool:
    return any(isinstance(t, str) and t.strip() for t in (language_map or {}).values())


def _in_scheme(uri: str, scheme: str) -> bool:
    return uri.startswith(SCHEMES[scheme][1])


_KNOWN_LICENCES = {licence["uri"] for licence in LICENCES}
_KNOWN_MEDIA_TYPES = {row[2] for row in FILE_TYPES} | set(mimetypes.types_map.values())
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def _media_type(distribution: Distribution) -> str:
    return distribution.media_type.split(";", 1)[0].strip().lower()


def _served_here(distribution: Distribution) -> bool:
    # An uploaded file is served by the portal itself: its access and download URLs work.
    return bool(distribution.file)


def _link_ok(distribution: Distribution) -> bool:
    # One LinkCheck covers a distribution's link (catalog.linkcheck probes the most direct
    # URL it has); only a working result counts, "not checked yet" does not.
    check = getattr(distribution, "link_check", None)
    return check is not None and check.status == LinkCheck.Status.OK


def _licence_known(licence) -> bool:
    return licence is not None and (
        licence.uri in _KNOWN_LICENCES or licence.uri.startswith(f"{EU}/licence/")
    )


def _conforms_to_dcat_ap(item: _Loaded) -> bool:
    """A cheap, honest stand-in for validating one dataset against the DCAT-AP 3 shapes.

    The portal's DCAT writer always emits the structure DCAT-AP asks for (identifiers,
    classes, typed literals, described vocabulary nodes; tests run the official SHACL
    shapes over it), so what can still fail for one dataset is its content: the
    mandatory title and description, an access URL on every distribution, and the
    controlled vocabularies DCAT-AP 3 prescribes for theme, frequency, access rights,
    language and format (EU Publications Office tables). A vocabulary only counts
    against the dataset when a value is given from outside it.
    """
    dataset = item.dataset
    vocabularies = [
        *((uri, "theme") for uri in item.theme_uris),
        *((uri, "language") for uri in item.language_uris),
        *((d.format.uri, "file-type") for d in item.distributions if d.format_id),
    ]
    if dataset.frequency_id:
        vocabularies.append((dataset.frequency.uri, "frequency"))
    if dataset.access_rights_id:
        vocabularies.append((dataset.access_rights.uri, "access-right"))
    return (
        _has_text(dataset.title)
        and _has_text(dataset.description)
        and all(d.get_access_url() for d in item.distributions)
        and all(_in_scheme(uri, scheme) for uri, scheme in vocabularies)
    )


def _format_in_vocabulary(d: Distribution) -> bool:
    return (d.format_id is not None and _in_scheme(d.format.uri, "file-type")) or (
        _media_type(d) in _KNOWN_MEDIA_TYPES
    )


DATASET_CHECKS: dict[str, Callable[[_Loaded], bool]] = {
    "keywords": lambda i: i.keywords > 0,
    "themes": lambda i: bool(i.theme_uris),
    "spatial": lambda i: bool(
        i.dataset.spatial_uri or _has_text(i.dataset.spatial_label) or i.dataset.has_bbox
    ),
    "temporal": lambda i: bool(i.dataset.temporal_start or i.dataset.temporal_end),
    "dcat_ap": _conforms_to_dcat_ap,
    "access_rights": lambda i: i.dataset.access_rights_id is not None,
    "access_rights_vocabulary": lambda i: (
        i.dataset.access_rights_id is not None
        and _in_scheme(i.dataset.access_rights.uri, "access-right")
    ),
    "contact_point": lambda i: i.contacts > 0,
    "publisher": lambda i: i.dataset.publisher_id is not None,
    # The DCAT export falls back to the publication and metadata dates; what the EU sees
    # is what counts.
    "issued": lambda i: bool(i.dataset.issued or i.dataset.published_at),
    "modified": lambda i: bool(i.dataset.modified or i.dataset.updated_at),
}
DISTRIBUTION_CHECKS: dict[str, Callable[[Distribution], bool]] = {
    "access_url_reachable": lambda d: _served_here(d) or _link_ok(d),
    "download_url": lambda d: bool(d.file or d.download_url),
    "download_url_reachable": lambda d: _served_here(d) or (bool(d.download_url) and _link_ok(d)),
    "format": lambda d: d.format_id is not None,
    "media_type": lambda d: bool(_MEDIA_TYPE.match(_media_type(d))),
    "format_vocabulary": _format_in_vocabulary,
    "non_proprietary": lambda d: d.format_id is not None and d.format.non_proprietary,
    "machine_readable": lambda d: d.format_id is not None and d.format.machine_readable,
    "licence": lambda d: d.effective_licence() is not None,
    "licence_vocabulary": lambda d: _licence_known(d.effective_licence()),
    "rights": lambda d: _has_text(d.rights),
    "byte_size": lambda d: d.byte_size is not None,
}


# Portal criteria -----------------------------------------------------------------------

_DAY = timedelta(days=1)
# The period each EU frequency code promises; codes without one (as needed, irregular,
# not planned, never, unknown, other) cannot be late.
PERIODS = {
    **dict.fromkeys(
        ["CONT", "UPDATE_CONT", "1MIN", "5MIN", "10MIN", "15MIN", "30MIN", "HOURLY",
          "BIHOURLY", "TRIHOURLY", "12HRS", "DAILY_2", "DAILY"],
        _DAY,
    ),
    "WEEKLY_5": 2 * _DAY, "WEEKLY_3": 3 * _DAY, "WEEKLY_2": 4 * _DAY, "WEEKLY": 7 * _DAY,
    "BIWEEKLY": 14 * _DAY, "MONTHLY_3": 11 * _DAY, "MONTHLY_2": 16 * _DAY,
    "MONTHLY": 31 * _DAY, "BIMONTHLY": 62 * _DAY, "QUARTERLY": 92 * _DAY,
    "ANNUAL_3": 122 * _DAY, "ANNUAL_2": 183 * _DAY, "ANNUAL": 366 * _DAY,
    "BIENNIAL": 731 * _DAY, "TRIENNIAL": 1096 * _DAY, "QUADRENNIAL": 1461 * _DAY,
    "QUINQUENNIAL": 1827 * _DAY, "SEXENNIAL": 2192 * _DAY, "DECENNIAL": 3653 * _DAY,
    "BIDECENNIAL": 7305 * _DAY, "TRIDECENNIAL": 10958 * _DAY,
}  # fmt: skip


def last_update(dataset: Dataset) -> date:
    """When the data last changed as far as the portal knows: `modified`, else the last
    change of the metadata (an edit or a harvest that brought news)."""
    return dataset.modified or timezone.localdate(dataset.updated_at)


def is_on_time(dataset: Dataset, today: date | None = None) -> bool | None:
    """Whether the data was updated within its frequency's period and a quarter more
    (publication takes a while); None when the frequency promises no period."""
    period = PERIODS.get(dataset.frequency.code) if dataset.frequency_id else None
    if period is None:
        return None
    today = today or timezone.localdate()
    return today - last_update(dataset) <= period + max(_DAY, period / 4)


def _reuse_conditions_complete(item: _Loaded) -> bool:
    # Kept simple until reuse conditions get their own model: a licence for every
    # distribution (or the dataset), access rights, and for anything not public a
    # rights statement on each distribution that says why and how to get access.
    dataset = item.dataset
    if dataset.access_rights_id is None:
        return False
    if not all(d.effective_licence() for d in item.distributions) or not (
        item.distributions or dataset.licence_id
    ):
        return False
    if dataset.access_rights.code != "PUBLIC":
        return all(_has_text(d.rights) for d in item.distributions)
    return True


def _is_tabular(d: Distribution) -> bool:
    profile = getattr(d, "profile", None)
    if profile is not None:
        return profile.status != DistributionProfile.Status.NOT_TABULAR
    return d.format_id is not None and d.format.code in TABULAR_FORMATS


TABULAR_FORMATS = {"CSV", "TSV", "XLS", "XLSX", "XLSM", "ODS", "PARQUET"}


def _structure_described(d: Distribution) -> bool:
    profile = getattr(d, "profile", None)
    return (
        profile is not None
        and profile.status == DistributionProfile.Status.OK
        and d.column_count > 0
    )


# Scoring -------------------------------------------------------------------------------


def _distribution_result(criterion: Criterion, distributions, check) -> dict:
    met = [d for d in distributions if check(d)]
    missing = [d for d in distributions if d not in met]
    points = criterion.max * len(met) / len(distributions) if distributions else 0
    return {
        "points": round(points, 1),
        "met": bool(distributions) and not missing,
        "count": len(met),
        "total": len(distributions),
        "missing": [_name(d) for d in missing],
    }


def _name(distribution: Distribution) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(distribution)[:200]


def _entry(criterion: Criterion, result: dict) -> dict:
    return {
        "code": criterion.code,
        "dimension": criterion.dimension,
        "max": criterion.max,
        "scope": criterion.scope,
        **result,
    }


def assess(item: _Loaded, today: date | None = None) -> dict:
    """The QualityScore fields of one loaded dataset (see _load)."""
    criteria = []
    for criterion in CRITERIA:
        if criterion.scope == DATASET:
            met = bool(DATASET_CHECKS[criterion.code](item))
            result = {"points": criterion.max if met else 0, "met": met}
        else:
            check = DISTRIBUTION_CHECKS[criterion.code]
            result = _distribution_result(criterion, item.distributions, check)
        criteria.append(_entry(criterion, result))
    score = round(sum(entry["points"] for entry in criteria))
    portal = _assess_portal(item, today)
    applicable = [e for e in portal if e["applicable"]]
    maximum = sum(e["max"] for e in applicable)
    portal_score = round(100 * sum(e["points"] for e in applicable) / maximum) if maximum else 100
    return {
        "score": score,
        "band": band_for(score),
        "criteria": criteria,
        "portal_score": portal_score,
        "portal_criteria": portal,
    }


def _assess_portal(item: _Loaded, today: date | None) -> list[dict]:
    """The portal's own criteria; one that cannot apply (no table to describe, a
    frequency without a period) is left out of the percentage."""
    by_code = {c.code: c for c in PORTAL_CRITERIA}
    tables = [d for d in item.distributions if _is_tabular(d)]
    structure = by_code["structure_described"]
    entries = [
        _entry(
            structure,
            {
                **_distribution_result(structure, tables, _structure_described),
                "applicable": bool(tables),
            },
        )
    ]
    reuse = _reuse_conditions_complete(item)
    entries.append(
        _entry(
            by_code["reuse_conditions"],
            {"points": 40 if reuse else 0, "met": reuse, "applicable": True},
        )
    )
    dataset = item.dataset
    on_time = is_on_time(dataset, today) if dataset.frequency_id else False
    entries.append(
        _entry(
            by_code["updated_on_time"],
            {
                "points": 30 if on_time else 0,
                "met": bool(on_time),
                "applicable": on_time is not None,
                "last_update": last_update(dataset).isoformat(),
            },
        )
    )
    return entries


def score_datasets(ids: Iterable[int], *, batch_size: int = BATCH_SIZE) -> int:
    """Score these datasets and store their QualityScore rows, in batches; ids of
    datasets that no longer exist are skipped. Returns the number scored."""
    ids = sorted({int(pk) for pk in ids})
    done = 0
    now = timezone.now()
    for start in range(0, len(ids), batch_size):
        rows = [
            QualityScore(dataset_id=item.dataset.pk, computed_at=now, **assess(item))
            for item in _load(ids[start : start + batch_size])
        ]
        QualityScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["dataset"],
            update_fields=[
                "score",
                "band",
                "criteria",
                "portal_score",
                "portal_criteria",
                "computed_at",
            ],  # fmt: skip
        )
        done += len(rows)
    # Facet counts are not invalidated here: link checks rescore all night long, and the
    # quality facet may lag by catalog.filters.FACET_CACHE_SECONDS at most.
    return done


def score_dataset(dataset_id: int) -> QualityScore | None:
    """Score one dataset now and return its stored score (None if it is gone)."""
    score_datasets([dataset_id])
    return QualityScore.objects.filter(dataset_id=dataset_id).first()


# Reading a stored score ------------------------------------------------------------------


@dataclass
class Row:
    """One criterion of a stored score, with its label and advice in the active language."""

    criterion: Criterion
    points: float
    met: bool
    applicable: bool
    count: int | None
    total: int | None
    missing: list[str]

    @property
    def partial(self) -> bool:
        return not self.met and bool(self.points)


def rows(entries: list[dict]) -> list[Row]:
    """Stored criteria entries as Rows; entries of criteria this version no longer knows
    are skipped (they disappear at the next scoring)."""
    found = []
    for entry in entries or ():
        criterion = BY_CODE.get(entry.get("code"))
        if criterion is None:
            continue
        found.append(
            Row(
                criterion=criterion,
                points=entry.get("points", 0),
                met=bool(entry.get("met")),
                applicable=entry.get("applicable", True),
                count=entry.get("count"),
                total=entry.get("total"),
                missing=entry.get("missing", []),
            )
        )
    return found


def dimension_points(entries: list[dict]) -> dict[str, float]:
    """Points per EU dimension, in DIMENSIONS order."""
    totals: dict[str, float] = defaultdict(float)
    for entry in entries or ():
        totals[entry.get("dimension")] += entry.get("points", 0)
    return {name: round(totals[name], 1) for name in DIMENSIONS if name != PORTAL}


def dimension_maxima() -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for criterion in CRITERIA:
        totals[criterion.dimension] += criterion.max
    return dict(totals)


def current(dataset: Dataset) -> QualityScore | None:
    """The dataset's stored score, computed now if it has none yet."""
    try:
        return dataset.quality
    except QualityScore.DoesNotExist:
        return score_dataset(dataset.pk)


def report(score: QualityScore) -> dict:
    """What the admin's quality panel shows of a stored score."""
    criteria = rows(score.criteria)
    maxima = dimension_maxima()
    return {
        "score": score,
        "max": MAX_SCORE,
        "dimensions": [
            {"label": DIMENSIONS[name], "points": points, "max": maxima[name]}
            for name, points in dimension_points(score.criteria).items()
        ],
        "missed": [row for row in criteria if not row.met],
        "met": [row for row in criteria if row.met],
        "portal": rows(score.portal_criteria),
    }
