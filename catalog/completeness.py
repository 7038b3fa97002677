"""Which DCAT-AP 3 properties a dataset still lacks, told in plain words for its editors.

DCAT-AP sorts properties into mandatory, recommended and optional. A dataset cannot be
saved without its mandatory ones in this portal, but harvested records can lack them,
and the recommended ones are what makes a dataset findable and reusable. Availability
(dcatap:availability) is recommended for distributions but not kept by this portal.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MANDATORY = "mandatory"
RECOMMENDED = "recommended"


@dataclass(frozen=True)
class Property:
    term: str  # the DCAT-AP property, e.g. "dcat:contactPoint"
    label: str | Promise
    advice: str | Promise


TITLE = Property("dct:title", _("Title"), _("Give the dataset a title."))
DESCRIPTION = Property(
    "dct:description", _("Description"), _("Describe what the data is about and how it was made.")
)
CONTACT_POINT = Property(
    "dcat:contactPoint", _("Contact point"), _("Add someone people can ask about the data.")
)
DISTRIBUTION = Property(
    "dcat:distribution", _("Distribution"), _("Upload a file or link to where the data is.")
)
KEYWORD = Property("dcat:keyword", _("Keywords"), _("Add a few words people would search for."))
PUBLISHER = Property("dct:publisher", _("Publisher"), _("Choose the publishing organisation."))
SPATIAL = Property(
    "dct:spatial", _("Spatial coverage"), _("Name the area the data is about, e.g. a town.")
)
TEMPORAL = Property("dct:temporal", _("Temporal coverage"), _("Give the period the data covers."))
THEME = Property("dcat:theme", _("Theme"), _("Choose at least one theme."))

ACCESS_URL = Property(
    "dcat:accessURL", _("Access URL"), _("Upload the file or give the address of the data.")
)
DISTRIBUTION_DESCRIPTION = Property(
    "dct:description", _("Description"), _("Say what this file or link contains.")
)
FORMAT = Property("dct:format", _("Format"), _("Choose the file format, e.g. CSV."))
LICENCE = Property(
    "dct:license",
    _("Licence"),
    _("Choose a licence here or on the dataset, so people know how they may reuse the data."),
)


def _has_text(language_map) -> bool:
    return any(text.strip() for text in (language_map or {}).values() if isinstance(text, str))


def missing_properties(dataset) -> dict:
    """The mandatory and recommended DCAT-AP 3 properties `dataset` lacks.

    Returns {"mandatory": [Property], "recommended": [Property], "distributions":
    [{"distribution": d, "mandatory": [...], "recommended": [...]}], "count": n}, where
    distributions lists only those that lack something and count totals every gap.
    """
    distributions = list(dataset.distributions.select_related("format", "licence"))
    checks = [
        (MANDATORY, TITLE, _has_text(dataset.title)),
        (MANDATORY, DESCRIPTION, _has_text(dataset.description)),
        (RECOMMENDED, CONTACT_POINT, dataset.contact_points.exists()),
        (RECOMMENDED, DISTRIBUTION, bool(distributions)),
        (RECOMMENDED, KEYWORD, dataset.keywords.exists()),
        (RECOMMENDED, PUBLISHER, dataset.publisher_id is not None),
        (
            RECOMMENDED,
            SPATIAL,
            bool(dataset.spatial_uri or _has_text(dataset.spatial_label) or dataset.has_bbox),
        ),
        (RECOMMENDED, TEMPORAL, bool(dataset.temporal_start or dataset.temporal_end)),
        (RECOMMENDED, THEME, dataset.themes.exists()),
    ]
    result = _sort(checks)
    result["distributions"] = []
    for distribution in distributions:
        gaps = _sort(
            [
                (MANDATORY, ACCESS_URL, bool(distribution.get_access_url())),
                (RECOMMENDED, DISTRIBUTION_DESCRIPTION, _has_text(distribution.description)),
                (RECOMMENDED, FORMAT, distribution.format_id is not None),
                (
                    RECOMMENDED,
                    LICENCE,
                    distribution.licence_id is not None or dataset.licence_id is not None,
                ),
            ]
        )
        if gaps[MANDATORY] or gaps[RECOMMENDED]:
            result["distributions"].append({"distribution": distribution, **gaps})
    result["count"] = (
        len(result[MANDATORY])
        + len(result[RECOMMENDED])
        + sum(len(d[MANDATORY]) + len(d[RECOMMENDED]) for d in result["distributions"])
    )
    return result


def _sort(checks) -> dict:
    return {
        level: [prop for prop_level, prop, present in checks if prop_level == level and not present]
        for level in (MANDATORY, RECOMMENDED)
    }
