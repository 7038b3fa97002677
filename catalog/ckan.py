"""CKAN Action API compatibility (/api/3/action/<name>), so CKAN tools work against the portal.

One small function per action, as CKAN 2.x answers it: the same parameters, the
{"help", "success", "result"|"error"} envelope, the same error types and status codes,
and package dicts in CKAN's shape with the DCAT fields in `extras` under the keys
ckanext-dcat uses. Text fields carry the default metadata language; all languages are
in the `*_translated` keys (as ckanext-fluent has them).

Datasets are CKAN packages, publishers organizations, themes groups (so are other apps'
groups, such as data communities: GROUP_PROVIDERS), keywords tags and distributions
resources. Only tokens authenticate here (raw in `Authorization` or in
`X-CKAN-API-Key`): the views are CSRF-exempt, so a browser session must never count.
Writes go through catalog.api.save_dataset / save_distribution, i.e. the admin's forms.
"""

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, F, Q, prefetch_related_objects
from django.db.models.fields.json import KT
from django.db.models.functions import Lower
from django.http import HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from catalog import access, conditions, facetindex, reuse, search
from catalog.api import (
    DATASET_FIELDS,
    DISTRIBUTION_DEFAULTS,
    DISTRIBUTION_FIELDS,
    Forbidden,
    WriteError,
    dataset_values,
    distribution_queryset,
    distribution_values,
    editable_dataset,
    save_dataset,
    save_distribution,
)
from catalog.api_access import throttle_wait
from catalog.filters import (
    KEYWORD_FACET_SIZE,
    _localized_title,
    facet_counts,
    index_facet_counts,
)
from catalog.linkcheck import link_of
from catalog.models import (
    ApiToken,
    Catalog,
    Concept,
    ContactPoint,
    Dataset,
    Distribution,
    Keyword,
    Licence,
    LinkCheck,
    Publisher,
    Status,
)
from catalog.search import query_terms, search_datasets

CKAN_VERSION = "2.10.0"
ROWS_DEFAULT, ROWS_MAX = 10, 1000
FACET_LIMIT_DEFAULT = 50


def _lang() -> str:
    return settings.METADATA_LANGUAGES[0]


# Errors and the envelope -------------------------------------------------------------------


class ActionError(Exception):
    status = 400
    type = "Bad Request"

    def __init__(self, message="", errors=None):
        super().__init__(message)
        self.message, self.errors = message, errors or {}

    def as_dict(self) -> dict:
        return {"__type": self.type, "message": self.message, **self.errors}


class NotFound(ActionError):
    status, type = 404, "Not Found Error"

    def __init__(self, message="Not found"):
        super().__init__(message)


class NotAuthorized(ActionError):
    status, type = 403, "Authorization Error"

    def __init__(self, message="Access denied"):
        super().__init__(message)


class ValidationError(ActionError):
    """409 with one key per field, each a list of messages, as CKAN sends them."""

    status, type = 409, "Validation Error"

    def __init__(self, errors: dict):
        super().__init__("", errors)


class SearchQueryError(ActionError):
    status, type = 400, "Search Query Error"

    def __init__(self, message):
        super().__init__(f"Search Query is invalid: {message}")


ACTIONS = {}


def _help_url(request, name: str) -> str:
    return request.build_absolute_uri(reverse("ckan-action", args=["help_show"]) + f"?name={name}")


def _envelope(request, name: str, *, result=None, error=None, status=200) -> JsonResponse:
    body = {"help": _help_url(request, name), "success": error is None}
    if error is None:
        body["result"] = result
    else:
        body["error"] = error
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _decode(value: str):
    """JSON-encoded lists and objects (facet.field=["tags"]) are accepted in query strings."""
    if value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _params(request) -> dict:
    """The action's parameters: query string (repeated keys become lists) and/or body."""
    params = {}
    for key in request.GET:
        values = [_decode(value) for value in request.GET.getlist(key)]
        params[key] = values[0] if len(values) == 1 else values
    if request.method != "POST":
        return params
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        params.update({key: request.POST.get(key) for key in request.POST})
        return params
    if not request.body.strip():
        return params
    try:
        body = json.loads(request.body)
    except ValueError as error:
        raise ActionError(f"Bad request - JSON Error: {error}") from None
    if not isinstance(body, dict):
        raise ActionError("Bad request - JSON Error: the body must be a JSON object")
    params.update(body)
    return params


def _token_user(request):
    """(user, key) of the request's token; AnonymousUser without one; an unknown token
    is refused rather than ignored, so a typo does not look like missing data."""
    key = request.headers.get("X-CKAN-API-Key") or request.headers.get("Authorization") or ""
    key = key.strip()
    if key.lower().startswith(("token ", "bearer ")):
        key = key.split(None, 1)[1].strip()
    if not key:
        return AnonymousUser(), None
    user = ApiToken.authenticate(key)
    if user is None:
        raise NotAuthorized("Access denied: the API token is unknown or was revoked")
    return user, key


def action(*, write: bool = False):
    """Register a function(request, params) -> result as a CKAN action."""

    def decorator(func):
        @wraps(func)
        def view(request):
            name = func.__name__
            try:
                if write and request.method != "POST":
                    raise ActionError(
                        "Bad request - JSON Error: Invalid request. "
                        "Please use POST method for your request"
                    )
                request.user, request.auth = _token_user(request)
                wait = throttle_wait(request, write=write)
                if wait is not None:
                    response = _envelope(
                        request, name, status=429,
                        error={"__type": "Throttled", "message": "Too many requests"},
                    )  # fmt: skip
                    response["Retry-After"] = str(int(wait) + 1)
                    return response
                params = _params(request)
                if write:
                    if not request.user.is_authenticated:
                        raise NotAuthorized("Access denied: an API token is needed to write")
                    with transaction.atomic():
                        result = func(request, params)
                else:
                    result = func(request, params)
            except ActionError as error:
                return _envelope(request, name, error=error.as_dict(), status=error.status)
            return _envelope(request, name, result=result)

        view.is_write = write
        ACTIONS[func.__name__] = view
        return view

    return decorator


@csrf_exempt
def dispatch(request, name):
    """Routes /api/3/action/<name>; an unknown action is a 400, as in CKAN."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=200)
        response["Allow"] = "GET, POST, OPTIONS"
        return response
    if request.method not in ("GET", "POST"):
        return _envelope(
            request, name, status=405,
            error={"__type": "Bad Request", "message": "Use GET or POST"},
        )  # fmt: skip
    view = ACTIONS.get(name)
    if view is None:
        return _envelope(
            request, name, status=400,
            error={"__type": "Bad Request", "message": f"Action name not known: {name}"},
        )  # fmt: skip
    return view(request)


# Parameters --------------------------------------------------------------------------------


def _required(params: dict, key: str):
    value = params.get(key)
    if value in (None, ""):
        raise ValidationError({key: ["Missing value"]})
    return value


def _int(params: dict, key: str, default: int, *, minimum: int = 0) -> int:
    value = params.get(key, default)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({key: ["Invalid integer"]}) from None
    if number < minimum:
        raise ValidationError({key: [f"Must be a natural number of at least {minimum}"]})
    return number


def _bool(params: dict, key: str, default: bool = False) -> bool:
    value = params.get(key, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "0", "no", "off", ""):
        return False
    if value in (0, 1):
        return bool(value)
    raise ValidationError({key: ["Must be true or false"]})


def _list(value) -> list:
    """A list parameter: a list, one value, or a JSON-encoded list (as ckanapi's CLI sends)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = _decode(value)
    return value if isinstance(value, list) else [value]


def _iso(value) -> str | None:
    """CKAN's timestamp format: ISO 8601 in UTC without offset."""
    if value is None:
        return None
    if hasattr(value, "astimezone"):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()
    return value.isoformat()


# Dicts in CKAN's shape ---------------------------------------------------------------------


def _text(value) -> str:
    return value.localized(_lang()) if hasattr(value, "localized") else (value or "")


def organization_dict(publisher: Publisher, *, package_count=None) -> dict:
    result = {
        "id": publisher.slug,
        "name": publisher.slug,
        "title": _text(publisher.name),
        "title_translated": dict(publisher.name),
        "display_name": _text(publisher.name),
        "description": _text(publisher.description),
        "description_translated": dict(publisher.description),
        "image_url": publisher.logo.url if publisher.logo else "",
        "image_display_url": publisher.logo.url if publisher.logo else "",
        "created": _iso(publisher.created_at),
        "is_organization": True,
        "type": "organization",
        "state": "active",
        "approval_status": "approved",
        "uri": publisher.get_uri(),
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(theme: Concept, *, package_count=None) -> dict:
    result = {
        "id": theme.code.lower(),
        "name": theme.code.lower(),
        "title": _text(theme.label),
        "title_translated": dict(theme.label),
        "display_name": _text(theme.label),
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "is_organization": False,
        "type": "group",
        "state": "active",
        "approval_status": "approved",
        "uri": theme.uri,
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def license_dict(licence: Licence) -> dict:
    """ckan.model.license.License.as_dict()'s keys."""
    return {
        "id": licence.code,
        "title": _text(licence.title),
        "url": licence.url or licence.uri,
        "domain_content": True,
        "domain_data": True,
        "domain_software": False,
        "family": "",
        "is_generic": False,
        "maintainer": "",
        "od_conformance": "approved" if licence.is_open else "not reviewed",
        "osd_conformance": "not reviewed",
        "status": "active",
        "is_okd_compliant": licence.is_open,
        "is_osi_compliant": False,
    }


def _uris(concepts) -> str:
    return json.dumps([concept.uri for concept in concepts])


def _resource(request, distribution: Distribution, dataset: Dataset) -> dict:
    grants = access.request_grants(request)
    return resource_dict(with_distribution_languages([distribution])[0], dataset, grants)


def resource_dict(distribution: Distribution, dataset: Dataset, grants=access.NOBODY) -> dict:
    licence = distribution.licence
    return {
        "id": str(distribution.uuid),
        "package_id": str(dataset.uuid),
        "name": _text(distribution.title),
        "name_translated": dict(distribution.title),
        "description": _text(distribution.description),
        "description_translated": dict(distribution.description),
        "url": distribution.get_access_url(),
        "access_url": distribution.get_access_url(),
        "download_url": distribution.get_download_target(),
        "url_type": "upload" if distribution.file else None,
        "format": distribution.format.code if distribution.format_id else "",
        "mimetype": distribution.media_type or None,
        "size": distribution.byte_size,
        "hash": distribution.checksum,
        "hash_algorithm": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
        if distribution.checksum
        else None,
        "license": licence.uri if licence else None,
        "license_id": licence.code if licence else None,
        "rights": _text(distribution.rights),
        "conforms_to": json.dumps(distribution.conforms_to),
        "language": _uris(distribution.ckan_languages),
        "status": distribution.status,
        "issued": _iso(distribution.issued),
        "modified": _iso(distribution.modified),
        "position": distribution.position,
        "created": _iso(distribution.created_at),
        "last_modified": _iso(distribution.updated_at),
        "metadata_modified": _iso(distribution.updated_at),
        "state": "active",
        "uri": settings.SITE_URL + reverse("catalog:distribution-rdf", args=[distribution.uuid]),
        **_link_fields(distribution),
        **_withheld(distribution, dataset, grants),
        **_resource_conditions(distribution, dataset),
    }


def _resource_conditions(distribution: Distribution, dataset: Dataset) -> dict:
    """The conditions in force for the resource (catalog.conditions.as_data)."""
    data = conditions.as_data(reuse.effective_conditions(dataset, distribution))
    return {
        "access_rights": data["access_rights_uri"] or "",
        "requires_agreement": data["requires_agreement"],
        "odrl_policy": json.dumps(data["policy"]) if data["policy"] else "",
    }


def _withheld(distribution: Distribution, dataset: Dataset, grants) -> dict:
    """catalog.access: a restricted resource's real location is only for those granted
    access; for others its URL is the portal's download URL, which checks the grant."""
    if grants.may_fetch(dataset, distribution):
        return {}
    guarded = settings.SITE_URL + distribution.get_download_url()
    return {"url": guarded, "access_url": guarded, "download_url": ""}


def _link_fields(distribution: Distribution) -> dict:
    """Link health (catalog.linkcheck), as extra resource fields CKAN clients pass through."""
    check = link_of(distribution)
    return {
        "link_status": check.status if check else LinkCheck.Status.UNKNOWN,
        "link_checked": _iso(check.checked_at) if check else None,
        "link_http_status": check.http_status if check else None,
        "link_reason": check.reason if check else "",
    }


_STATES = {Status.PUBLISHED: "active", Status.DRAFT: "draft", Status.WITHDRAWN: "deleted"}


def _extras(dataset: Dataset, contact: ContactPoint | None) -> list[dict]:
    """The DCAT properties CKAN has no column for, under ckanext-dcat's extras keys."""
    values = {
        "uri": dataset.uri,
        "identifier": dataset.identifier,
        "issued": _iso(dataset.issued),
        "modified": _iso(dataset.modified),
        "temporal_start": _iso(dataset.temporal_start),
        "temporal_end": _iso(dataset.temporal_end),
        "spatial_uri": dataset.spatial_uri,
        "frequency": dataset.frequency.uri if dataset.frequency_id else "",
        "access_rights": dataset.access_rights.uri if dataset.access_rights_id else "",
        "theme": _uris(dataset.ckan_themes),
        "language": _uris(dataset.ckan_languages),
        "conforms_to": json.dumps(dataset.conforms_to) if dataset.conforms_to else "",
        "documentation": json.dumps(dataset.documentation) if dataset.documentation else "",
        "version_notes": _text(dataset.version_notes),
        "provenance": _text(dataset.provenance),
        "contact_name": contact.name if contact else "",
        "contact_email": contact.email if contact else "",
        "contact_uri": contact.url if contact else "",
        "publisher_name": _text(dataset.publisher.name),
        "publisher_uri": dataset.publisher.get_uri(),
        "publisher_email": dataset.publisher.email,
        **_condition_extras(dataset),
    }
    quality = getattr(dataset, "quality", None)
    if quality is not None:
        # Not ckanext-dcat keys: the portal's metadata quality score (catalog.quality).
        values["quality_score"] = str(quality.score)
        values["quality_band"] = quality.band
    if dataset.has_bbox:
        w, s, e, n = dataset.bbox_west, dataset.bbox_south, dataset.bbox_east, dataset.bbox_north
        ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
        values["spatial"] = json.dumps({"type": "Polygon", "coordinates": [ring]})
    return [{"key": key, "value": value} for key, value in values.items() if value]


def _condition_extras(dataset: Dataset) -> dict:
    """The reuse conditions beyond licence and access rights (catalog.conditions)."""
    data = conditions.as_data(reuse.effective_conditions(dataset))
    legislation = data["applicable_legislation"]
    return {
        "access_reason": data["access_reason"] or "",
        "access_reason_text": _text(dataset.access_reason_text),
        "legal_basis": _text(dataset.legal_basis),
        "legal_basis_uri": data["legal_basis_uri"],
        "applicable_legislation": json.dumps(legislation) if legislation else "",
        "rights": _text(dataset.rights),
        "rights_holder": data["rights_holder"],
        "requires_agreement": "true" if data["requires_agreement"] else "",
        "odrl_policy": json.dumps(data["policy"]) if data["policy"] else "",
    }


def package_dict(dataset: Dataset, grants=access.NOBODY) -> dict:
    """A dataset as CKAN's package_show returns it (with ckanext-dcat extras); `grants`
    (catalog.access) decide whether restricted resources show their real URLs."""
    licence = dataset.licence
    contact = dataset.ckan_contact
    tags = sorted(set(dataset.ckan_keywords))
    resources = [resource_dict(d, dataset, grants) for d in dataset.ckan_distributions]
    return {
        "id": str(dataset.uuid),
        "name": dataset.slug,
        "title": _text(dataset.title),
        "title_translated": dict(dataset.title),
        "notes": _text(dataset.description),
        "notes_translated": dict(dataset.description),
        "url": dataset.landing_page,
        "version": dataset.version,
        "author": _text(dataset.creator.name) if dataset.creator_id else None,
        "author_email": None,
        "maintainer": contact.name if contact else None,
        "maintainer_email": (contact.email or None) if contact else None,
        "license_id": licence.code if licence else "",
        "license_title": _text(licence.title) if licence else "",
        "license_url": (licence.url or licence.uri) if licence else "",
        "isopen": bool(licence and licence.is_open),
        "state": _STATES.get(dataset.status, "active"),
        "private": dataset.status != Status.PUBLISHED,
        "type": "dataset",
        "owner_org": dataset.publisher.slug,
        "organization": organization_dict(dataset.publisher),
        "groups": [group_dict(theme) for theme in dataset.ckan_themes],
        "tags": [
            {"name": tag, "display_name": tag, "state": "active", "vocabulary_id": None}
            for tag in tags
        ],
        "num_tags": len(tags),
        "extras": _extras(dataset, contact),
        "resources": resources,
        "num_resources": len(resources),
        "metadata_created": _iso(dataset.created_at),
        "metadata_modified": _iso(dataset.updated_at),
        "creator_user_id": None,
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def _pairs(through, key: str, ids) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for owner, concept_id in through.filter(**{f"{key}__in": ids}).values_list(key, "concept_id"):
        found.setdefault(owner, []).append(concept_id)
    return found


def with_distribution_languages(distributions: list[Distribution]) -> list[Distribution]:
    concepts = Concept.objects.in_bulk()
    through = Distribution.languages.through.objects
    languages = _pairs(through, "distribution_id", [d.pk for d in distributions])
    for distribution in distributions:
        distribution.ckan_languages = [concepts[pk] for pk in languages.get(distribution.pk, [])]
    return distributions


def load_packages(datasets) -> list[Dataset]:
    """The datasets of `datasets` (a queryset), in its order, with what package_dict reads.

    Vocabulary terms are read once and shared, and links come as id pairs: rendering 1000
    packages costs a fixed number of queries and little more than the rows themselves.
    """
    rows = list(
        datasets.select_related(
            "publisher", "creator", "licence", "access_rights", "frequency", "quality"
        )
    )
    ids = [dataset.pk for dataset in rows]
    if not ids:
        return []
    concepts = Concept.objects.in_bulk()
    themes = _pairs(Dataset.themes.through.objects, "dataset_id", ids)
    languages = _pairs(Dataset.languages.through.objects, "dataset_id", ids)
    keywords: dict[int, list[str]] = {}
    through = Dataset.keywords.through.objects.filter(dataset_id__in=ids)
    for pk, value in through.values_list("dataset_id", "keyword__value"):
        keywords.setdefault(pk, []).append(value)
    contacts: dict[int, ContactPoint] = {}
    for contact in ContactPoint.objects.filter(dataset_id__in=ids).order_by("-pk"):
        contacts[contact.dataset_id] = contact  # the first one (lowest pk) wins
    licences = Licence.objects.in_bulk()
    distributions: dict[int, list[Distribution]] = {}
    by_id = {dataset.pk: dataset for dataset in rows}
    parts = with_distribution_languages(
        list(Distribution.objects.filter(dataset_id__in=ids).select_related("link_check"))
    )
    for distribution in parts:
        distribution.dataset = by_id[distribution.dataset_id]
        distribution.format = concepts.get(distribution.format_id)
        distribution.licence = licences.get(distribution.licence_id)
        distribution.access_rights = concepts.get(distribution.access_rights_id)
        distributions.setdefault(distribution.dataset_id, []).append(distribution)
    # The usage policies, for the conditions each package and resource carries.
    prefetch_related_objects(rows, "policy_rules")
    prefetch_related_objects(parts, "policy_rules")
    for dataset in rows:
        dataset.ckan_themes = [concepts[pk] for pk in themes.get(dataset.pk, [])]
        dataset.ckan_languages = [concepts[pk] for pk in languages.get(dataset.pk, [])]
        dataset.ckan_keywords = keywords.get(dataset.pk, [])
        dataset.ckan_contact = contacts.get(dataset.pk)
        dataset.ckan_distributions = distributions.get(dataset.pk, [])
    return rows


def _packages(user):
    return Dataset.objects.visible_to(user)


def _get_dataset(user, key) -> Dataset:
    """A dataset `user` may see, by slug or UUID; hidden ones are simply not found."""
    key = str(key)
    lookup = Q(slug=key)
    if re.fullmatch(r"[0-9a-fA-F-]{32,36}", key):
        lookup |= Q(uuid=key)
    dataset = next(iter(load_packages(_packages(user).filter(lookup)[:1])), None)
    if dataset is None:
        raise NotFound("Not found: no dataset with that name or id")
    return dataset


def _published_counts():
    return Count("datasets", filter=Q(datasets__status=Status.PUBLISHED), distinct=True)


# Read actions ------------------------------------------------------------------------------


@action()
def help_show(request, params):
    """Return the help string of an action: `name`."""
    name = _required(params, "name")
    view = ACTIONS.get(name)
    if view is None:
        raise NotFound(f"Not found: action {name}")
    return (view.__doc__ or "").strip()


@action()
def site_read(request, params):
    """Return True: the site may be read."""
    return True


@action()
def status_show(request, params):
    """Return the site's title, URL, CKAN API version and extensions."""
    catalog = Catalog.get_current()
    return {
        "site_title": settings.SITE_NAME,
        "site_description": _text(catalog.description),
        "site_url": settings.SITE_URL,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": _lang(),
        "extensions": ["dcat", "fluent"],
    }


@action()
def package_list(request, params):
    """Return the names of the published datasets, by name: `limit`, `offset`."""
    limit = _int(params, "limit", 0)
    offset = _int(params, "offset", 0)
    names = Dataset.objects.published().order_by("slug").values_list("slug", flat=True)
    names = names[offset : offset + limit] if limit else names[offset:]
    return list(names)


@action()
def package_show(request, params):
    """Return a dataset (package) by `id`: its name (slug) or UUID."""
    dataset = _get_dataset(request.user, _required(params, "id"))
    return package_dict(dataset, access.request_grants(request))


@action()
def resource_show(request, params):
    """Return a distribution (resource) by `id` (UUID)."""
    key = str(_required(params, "id"))
    if not re.fullmatch(r"[0-9a-fA-F-]{32,36}", key):
        raise NotFound("Not found: no resource with that id")
    visible = Dataset.objects.visible_to(request.user).values("pk")
    distribution = (
        distribution_queryset()
        .select_related("dataset")
        .filter(uuid=key, dataset__in=visible)
        .first()
    )
    if distribution is None:
        raise NotFound("Not found: no resource with that id")
    return _resource(request, distribution, distribution.dataset)


def _org_list(queryset, params, to_dict):
    all_fields = _bool(params, "all_fields")
    limit = _int(params, "limit", 0)
    offset = _int(params, "offset", 0)
    sort = str(params.get("sort") or "name asc").strip().lower()
    orders = {
        "name asc": ["key"], "name desc": ["-key"], "title asc": ["title_key", "key"],
        "title desc": ["-title_key", "-key"], "package_count desc": ["-package_count", "key"],
        "package_count asc": ["package_count", "key"],
    }  # fmt: skip
    if sort not in orders:
        raise ValidationError({"sort": [f"Cannot sort by {sort}"]})
    queryset = queryset.order_by(*orders[sort])
    if params.get("q"):
        queryset = queryset.filter(key__icontains=str(params["q"]))
    queryset = queryset[offset : offset + limit] if limit else queryset[offset:]
    if not all_fields:
        return [row.key for row in queryset]
    return [to_dict(row, package_count=row.package_count) for row in queryset]


@action()
def organization_list(request, params):
    """Return the publishers' names, or dicts with `all_fields`: `limit`, `offset`, `sort`
    (name, title or package_count, asc or desc), `q`."""
    publishers = Publisher.objects.annotate(
        key=F("slug"), title_key=Lower(KT(f"name__{_lang()}")), package_count=_published_counts()
    )
    return _org_list(publishers, params, organization_dict)


# Other apps add groups (data communities) without catalog importing them: each provider,
# registered from its app's ready(), has groups() -> group dicts (with package_count) and
# group(name) -> (group dict, its published datasets as a queryset) or None. Themes come first
# when names collide.
GROUP_PROVIDERS: list = []


@dataclass
class _GroupRow:
    key: str
    title_key: str
    package_count: int
    as_dict: Callable[[], dict]


def _sorted_groups(rows: list[_GroupRow], params) -> list:
    """_org_list() over themes and provided groups together, sorted in Python."""
    all_fields = _bool(params, "all_fields")
    limit = _int(params, "limit", 0)
    offset = _int(params, "offset", 0)
    sort = str(params.get("sort") or "name asc").strip().lower()
    orders = {
        "name asc": (lambda r: r.key, False), "name desc": (lambda r: r.key, True),
        "title asc": (lambda r: (r.title_key, r.key), False),
        "title desc": (lambda r: (r.title_key, r.key), True),
        "package_count desc": (lambda r: (-r.package_count, r.key), False),
        "package_count asc": (lambda r: (r.package_count, r.key), False),
    }  # fmt: skip
    if sort not in orders:
        raise ValidationError({"sort": [f"Cannot sort by {sort}"]})
    if params.get("q"):
        rows = [row for row in rows if str(params["q"]).lower() in row.key]
    key, reverse = orders[sort]
    rows = sorted(rows, key=key, reverse=reverse)
    rows = rows[offset : offset + limit] if limit else rows[offset:]
    return [row.as_dict() for row in rows] if all_fields else [row.key for row in rows]


@action()
def group_list(request, params):
    """Return the themes and communities as groups: names, or dicts with `all_fields`;
    `limit`, `offset`, `sort`, `q`."""
    themes = Concept.objects.filter(scheme=Concept.Scheme.THEME).annotate(
        key=Lower("code"),
        title_key=Lower(KT(f"label__{_lang()}")),
        package_count=_published_counts(),
    )
    provided = [group for provider in GROUP_PROVIDERS for group in provider.groups()]
    if not provided:
        return _org_list(themes, params, group_dict)
    rows = [
        _GroupRow(t.key, t.title_key or "", t.package_count, partial(_theme_group, t))
        for t in themes
    ]
    taken = {row.key for row in rows}
    rows += [
        _GroupRow(g["name"], g["title"].lower(), g["package_count"], partial(dict, g))
        for g in provided
        if g["name"] not in taken
    ]
    return _sorted_groups(rows, params)


def _theme_group(theme: Concept) -> dict:
    return group_dict(theme, package_count=theme.package_count)


def _with_packages(request, result: dict, datasets, params) -> dict:
    if _bool(params, "include_datasets"):
        rows = load_packages(datasets.order_by("slug")[:ROWS_MAX])
        grants = access.request_grants(request)
        result["packages"] = [package_dict(dataset, grants) for dataset in rows]
    return result


@action()
def organization_show(request, params):
    """Return a publisher by `id` (its name); `include_datasets` adds its published datasets."""
    key = str(_required(params, "id"))
    publisher = Publisher.objects.annotate(package_count=_published_counts()).filter(slug=key)
    publisher = publisher.first()
    if publisher is None:
        raise NotFound("Not found: no organization with that name")
    result = organization_dict(publisher, package_count=publisher.package_count)
    datasets = Dataset.objects.published().filter(publisher=publisher)
    return _with_packages(request, result, datasets, params)


@action()
def group_show(request, params):
    """Return a theme by `id` (its lower-case code) or a community (its name);
    `include_datasets` adds its published datasets."""
    key = str(_required(params, "id")).upper()
    theme = Concept.objects.filter(scheme=Concept.Scheme.THEME, code=key)
    theme = theme.annotate(package_count=_published_counts()).first()
    if theme is None:
        for provider in GROUP_PROVIDERS:
            found = provider.group(str(params["id"]))
            if found is not None:
                result, datasets = found
                return _with_packages(request, result, datasets, params)
        raise NotFound("Not found: no group with that name")
    result = group_dict(theme, package_count=theme.package_count)
    return _with_packages(request, result, Dataset.objects.published().filter(themes=theme), params)


@action()
def tag_list(request, params):
    """Return the keywords of published datasets: `query` filters, `all_fields` gives dicts."""
    keywords = Keyword.objects.filter(datasets__status=Status.PUBLISHED)
    if params.get("query"):
        keywords = keywords.filter(value__icontains=str(params["query"]))
    values = sorted(set(keywords.values_list("value", flat=True)), key=str.casefold)
    if _bool(params, "all_fields"):
        return [{"id": v, "name": v, "display_name": v, "vocabulary_id": None} for v in values]
    return values


@action()
def license_list(request, params):
    """Return the licences in CKAN's license dict shape."""
    return [license_dict(licence) for licence in Licence.objects.all()]


@action()
def format_autocomplete(request, params):
    """Return formats in use whose code contains `q`, most used first: `limit` (default 5)."""
    query = str(params.get("q") or "")
    limit = _int(params, "limit", 5)
    formats = (
        Concept.objects.filter(scheme=Concept.Scheme.FILE_TYPE, code__icontains=query)
        .annotate(uses=Count("format_distributions"))
        .filter(uses__gt=0)
        .order_by("-uses", "code")
    )
    return [code.lower() for code in formats.values_list("code", flat=True)[:limit]]


# package_search ----------------------------------------------------------------------------

SEARCH_PARAMETERS = {
    "q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field", "facet.limit",
    "facet.mincount", "include_private", "include_drafts", "include_deleted", "defType", "qf",
    "use_default_schema",
}  # fmt: skip
_TERM = re.compile(r'([+-]?)([\w.]+):("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+)')
_DATE_RANGE = re.compile(r"^\[\s*(\S+)\s+TO\s+(\S+)\s*\]$", re.IGNORECASE)


def _through(field_name: str):
    return Dataset._meta.get_field(field_name).remote_field.through.objects


def _range(field: str, value: str) -> Q:
    match = _DATE_RANGE.match(value)
    if not match:
        raise SearchQueryError(f"{field} needs a range such as [2024-01-01T00:00:00Z TO *]")
    column = {"metadata_modified": "updated_at", "metadata_created": "created_at"}[field]
    lookup = Q()
    for bound, operator in zip(match.groups(), ("gte", "lte"), strict=True):
        if bound == "*":
            continue
        try:
            moment = timezone.now() if bound == "NOW" else parse_datetime(bound)
            if moment is None and parse_date(bound.rstrip("Z")):
                moment = parse_datetime(bound.rstrip("Z") + "T00:00:00Z")
        except ValueError:
            moment = None
        if moment is None:
            raise SearchQueryError(f"{bound!r} is not a date and time")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        lookup &= Q(**{f"{column}__{operator}": moment})
    return lookup


def _field_filter(field: str, value: str) -> Q:
    """The Q for one `field:value` term of q/fq."""
    if field in ("metadata_modified", "metadata_created"):
        return _range(field, value)
    value = value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value
    match field:
        case "organization" | "owner_org":
            return Q(publisher__slug=value)
        case "tags":
            return Q(pk__in=_through("keywords").filter(keyword__value=value).values("dataset_id"))
        case "groups":
            themes = _through("themes").filter(concept__code__iexact=value)
            return Q(pk__in=themes.values("dataset_id"))
        case "res_format":
            formats = Distribution.objects.filter(
                Q(format__code__iexact=value) | Q(media_type__iexact=value)
            )
            return Q(pk__in=formats.values("dataset_id"))
        case "license_id":
            return Q(licence__code__iexact=value)
        case "name":
            return Q(slug=value)
        case "id":
            return Q(uuid=value) if re.fullmatch(r"[0-9a-fA-F-]{32,36}", value) else Q(pk=None)
        case "dataset_type" | "type":
            return Q() if value == "dataset" else Q(pk=None)
        case "capacity":
            return Q(status=Status.PUBLISHED) if value == "public" else ~Q(status=Status.PUBLISHED)
    raise SearchQueryError(f"cannot filter on field {field!r}")


_FIELDS = {
    "metadata_modified", "metadata_created", "organization", "owner_org", "tags", "groups",
    "res_format", "license_id", "name", "id", "dataset_type", "type", "capacity",
}  # fmt: skip


def _filters(text: str, *, strict: bool) -> tuple[Q, str]:
    """Split a q or fq string into field filters and the remaining free text.

    In q, `word:word` with an unknown field stays text; in fq (strict) it is an error.
    """
    lookup, rest = Q(), text
    for match in _TERM.finditer(text):
        sign, field, value = match.groups()
        if field not in _FIELDS and not strict:
            continue
        rest = rest.replace(match.group(0), " ", 1)
        if value == "*":
            continue
        term = _field_filter(field, value)
        lookup &= ~term if sign == "-" else term
    return lookup, rest.replace("*:*", " ")


_SORT_FIELDS = {
    "metadata_modified": "updated_at",
    "metadata_created": "created_at",
    "name": "slug",
    "id": "uuid",
}


def _ordering(sort: str, *, searching: bool) -> list:
    order = []
    for part in [p.strip() for p in sort.split(",") if p.strip()]:
        field, _, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if direction not in ("asc", "desc"):
            raise SearchQueryError(f"cannot sort by {part!r}")
        descending = direction == "desc"
        if field in ("score", "relevance"):
            if searching:
                order.append(F("search_rank").desc() if descending else F("search_rank").asc())
        elif field == "title_string":
            title = Lower(_localized_title())
            order.append(title.desc() if descending else title.asc())
        elif field in _SORT_FIELDS:
            order.append(F(_SORT_FIELDS[field]).desc() if descending else F(_SORT_FIELDS[field]))
        else:
            raise SearchQueryError(f"cannot sort by {part!r}")
    return [*order, "-pk"]


# CKAN's facet fields and the portal's facets (catalog.filters.facet_counts) they are.
FACET_FIELDS = {
    "organization": "publisher",
    "groups": "theme",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "licence",
}


def _facets(fields: list[str], count, limit: int, mincount: int) -> tuple[dict, dict]:
    """CKAN's `facets` and `search_facets` for `fields`, from `count()`: the portal's
    own facet counts (catalog.filters). Tags are the KEYWORD_FACET_SIZE most used keywords."""
    unknown = [field for field in fields if field not in FACET_FIELDS]
    if unknown:
        raise SearchQueryError(f"cannot facet on field {unknown[0]!r}")
    if not fields:
        return {}, {}
    counted = count()
    facets, search_facets = {}, {}
    for field in fields:
        items = [item for item in counted[FACET_FIELDS[field]] if item.count >= mincount]
        items = items if limit < 0 else items[:limit]
        values = [(i.value.lower() if field == "groups" else i.value, i) for i in items]
        facets[field] = {value: item.count for value, item in values}
        search_facets[field] = {
            "title": field,
            "items": [
                {"name": value, "display_name": item.label or value, "count": item.count}
                for value, item in values
            ],
        }
    return facets, search_facets


@action()
def package_search(request, params):
    """Search datasets: `q`, `fq` (organization:, tags:, res_format:, license_id:, groups:,
    metadata_modified:[X TO Y]), `rows` (default 10, at most 1000), `start`, `sort`,
    `facet.field`, `facet.limit`, `facet.mincount`, `include_private`."""
    unknown = sorted(set(params) - SEARCH_PARAMETERS)
    if unknown:
        raise SearchQueryError(f"Invalid search parameters: {unknown}")
    rows = min(_int(params, "rows", ROWS_DEFAULT), ROWS_MAX)
    start = _int(params, "start", 0)
    facet_limit = _int(params, "facet.limit", FACET_LIMIT_DEFAULT, minimum=-1)
    mincount = _int(params, "facet.mincount", 1)
    private = _bool(params, "include_private") or _bool(params, "include_drafts")
    facet_fields = [str(field) for field in _list(params.get("facet.field"))]

    datasets = Dataset.objects.visible_to(request.user) if private else Dataset.objects.published()
    datasets = datasets.exclude(status=Status.WITHDRAWN)
    lookup, text = _filters(str(params.get("q") or ""), strict=False)
    for fq in [*_list(params.get("fq")), *_list(params.get("fq_list"))]:
        fq_lookup, rest = _filters(str(fq), strict=True)
        if rest.strip(" +()"):
            raise SearchQueryError(f"fq needs field:value terms, not {rest.strip()!r}")
        lookup &= fq_lookup
    datasets = datasets.filter(lookup)
    searching = bool(query_terms(text))
    default_sort = "score desc, metadata_modified desc" if searching else "metadata_modified desc"
    sort = str(params.get("sort") or default_sort)
    ordering = _ordering(sort, searching=searching)

    # A public search in relevance order is answered in memory (catalog.facetindex);
    # anything else through the ORM: the page's ids first (one ranked query), then the
    # full rows with their relations.
    indexed = None
    if searching and not private and not lookup and sort == default_sort:
        indexed = facetindex.search(
            search.ranked_ids(text), {}, keyword_facet_size=KEYWORD_FACET_SIZE
        )
        page_ids = indexed.ids[start : start + rows]
        loaded = Dataset.objects.published().filter(pk__in=page_ids)
    else:
        if searching:
            datasets = search_datasets(datasets, text)
        page_ids = list(
            datasets.order_by(*ordering).values_list("pk", flat=True)[start : start + rows]
        )
        loaded = Dataset.objects.filter(pk__in=page_ids)
    found = {d.pk: d for d in load_packages(loaded)}
    grants = access.request_grants(request)
    results = [package_dict(found[pk], grants) for pk in page_ids if pk in found]
    facets, search_facets = {}, {}
    if _bool(params, "facet", True):
        if indexed is not None:
            count = partial(index_facet_counts, indexed)
        else:
            count = partial(facet_counts, datasets)
        facets, search_facets = _facets(facet_fields, count, facet_limit, mincount)
    return {
        "count": indexed.count if indexed is not None else datasets.count(),
        "results": results,
        "facets": facets,
        "search_facets": search_facets,
        "sort": sort,
    }


# Writes ------------------------------------------------------------------------------------

# CKAN keys -> the portal's (API) field names; errors are reported under the CKAN keys.
_PACKAGE_KEYS = {
    "name": "slug", "title": "title", "notes": "description", "url": "landing_page",
    "version": "version", "license_id": "licence", "owner_org": "publisher",
    "groups": "themes", "tags": "keywords",
}  # fmt: skip
_EXTRA_KEYS = {
    "uri": "uri", "identifier": "identifier", "issued": "issued", "modified": "modified",
    "temporal_start": "temporal_start", "temporal_end": "temporal_end",
    "spatial_uri": "spatial_uri", "frequency": "frequency", "access_rights": "access_rights",
    "theme": "themes", "language": "languages", "conforms_to": "conforms_to",
    "documentation": "documentation", "version_notes": "version_notes",
    "provenance": "provenance", "access_reason": "access_reason",
    "access_reason_text": "access_reason_text", "legal_basis": "legal_basis",
    "legal_basis_uri": "legal_basis_uri", "applicable_legislation": "applicable_legislation",
    "rights": "rights", "rights_holder": "rights_holder",
}  # fmt: skip
_CONTACT_KEYS = {"contact_name", "contact_email", "contact_uri"}
_READ_ONLY_EXTRAS = {
    "publisher_name", "publisher_uri", "publisher_email", "spatial", "quality_score",
    "quality_band", "requires_agreement", "odrl_policy",
}  # fmt: skip
_RESOURCE_KEYS = {
    "name": "title", "description": "description", "url": "access_url",
    "access_url": "access_url", "download_url": "download_url", "format": "format",
    "mimetype": "media_type", "license_id": "licence", "rights": "rights",
    "conforms_to": "conforms_to", "language": "languages", "status": "status",
    "issued": "issued", "modified": "modified",
}  # fmt: skip
_MULTILINGUAL = {"title", "description", "version_notes", "provenance", "access_reason_text"}
_MULTILINGUAL |= {"legal_basis", "rights"}


_PACKAGE_ERROR_KEYS = {
    **{api: ckan for ckan, api in _EXTRA_KEYS.items()},
    **{api: ckan for ckan, api in _PACKAGE_KEYS.items()},
}
_RESOURCE_ERROR_KEYS = {
    "title": "name", "access_url": "url", "media_type": "mimetype", "licence": "license_id",
    "languages": "language", "file": "upload",
}  # fmt: skip


def _ckan_errors(errors: dict, keys: dict) -> dict:
    return {keys.get(name, name): messages for name, messages in errors.items()}


def _concept_codes(scheme: str, values) -> list[str]:
    """Codes for concept URIs or codes (case-insensitive); unknown values pass through."""
    codes = []
    for value in values:
        value = str(value).strip()
        if value.startswith(("http://", "https://")):
            found = Concept.objects.filter(scheme=scheme, uri=value).first()
            codes.append(found.code if found else value)
        else:
            codes.append(value.upper())
    return codes


def _json_list(value) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            decoded = json.loads(value)
        except ValueError:
            return [value]
        return decoded if isinstance(decoded, list) else [value]
    return _list(value)


def _multilingual(params, key, current) -> dict | None:
    translated = params.get(f"{key}_translated")
    if key not in params and translated is None:
        return None
    text = dict(translated) if isinstance(translated, dict) else dict(current or {})
    if key in params:
        text[_lang()] = str(params[key] or "")
    return text


def _refs(items, key="name") -> list[str]:
    names = []
    for item in _list(items):
        if isinstance(item, dict):
            item = item.get(key) or item.get("id") or ""
        names.append(str(item))
    return [name for name in names if name]


def _package_values(params: dict, current: dict, dataset: Dataset | None) -> tuple[dict, dict]:
    """API values from a CKAN package dict, over `current`; and the contact point fields."""
    extras = {}
    for item in _list(params.get("extras")):
        if not isinstance(item, dict) or "key" not in item:
            raise ValidationError({"extras": ["Each extra needs a key and a value"]})
        extras[str(item["key"])] = item.get("value")
    # ckanext-scheming puts the DCAT fields at the top level: accept them there too.
    extras.update({k: params[k] for k in (*_EXTRA_KEYS, *_CONTACT_KEYS) if k in params})
    unknown = sorted(set(extras) - set(_EXTRA_KEYS) - _CONTACT_KEYS - _READ_ONLY_EXTRAS)
    if unknown:
        supported = ", ".join(sorted([*_EXTRA_KEYS, *_CONTACT_KEYS]))
        raise ValidationError({"extras": [f"Unknown extras {unknown}; supported: {supported}"]})
    values = dict(current)
    for ckan_key, name in _PACKAGE_KEYS.items():
        if name in _MULTILINGUAL:
            text = _multilingual(params, ckan_key, current.get(name))
            if text is not None:
                values[name] = text
        elif ckan_key in params and ckan_key not in ("groups", "tags"):
            values[name] = params[ckan_key]
    if "license_id" in params:
        code = str(params["license_id"] or "")
        licence = Licence.objects.filter(code__iexact=code).first()
        values["licence"] = licence.code if licence else (code or None)
    for key, name in _EXTRA_KEYS.items():
        if key not in extras or key == "theme":
            continue
        value = extras[key]
        if name in _MULTILINGUAL:
            values[name] = {**(current.get(name) or {}), _lang(): str(value or "")}
        elif name in ("languages", "conforms_to", "documentation", "applicable_legislation"):
            values[name] = _json_list(value)
        else:
            values[name] = value
    if "frequency" in extras:
        codes = _concept_codes("frequency", _list(extras["frequency"]))
        values["frequency"] = next(iter(codes), None)
    if "access_rights" in extras:
        codes = _concept_codes("access-right", _list(extras["access_rights"]))
        values["access_rights"] = next(iter(codes), None)
    if "language" in extras:
        values["languages"] = _concept_codes("language", values["languages"])
    if "groups" in params or "theme" in extras:
        themes = _refs(params.get("groups")) + _json_list(extras.get("theme"))
        values["themes"] = list(dict.fromkeys(_concept_codes("theme", themes)))
    if "tags" in params or "tag_string" in params:
        tags = _refs(params.get("tags")) + [
            t.strip() for t in str(params.get("tag_string") or "").split(",") if t.strip()
        ]
        existing = dataset.keywords_by_language() if dataset is not None else {}
        values["keywords"] = _keywords_from_tags(tags, existing)
    values.update(_status(params, values.get("status")))
    if dataset is None and not values.get("publisher"):
        values["publisher"] = None
    contact = {key: extras[key] for key in _CONTACT_KEYS if key in extras}
    return values, contact


def _keywords_from_tags(tags: list[str], current: dict) -> dict:
    """Tags as keywords: existing ones keep their language, new ones get the default one."""
    wanted = list(dict.fromkeys(tags))
    result = {lang: [v for v in values if v in wanted] for lang, values in current.items()}
    known = {value for values in result.values() for value in values}
    result.setdefault(_lang(), []).extend(tag for tag in wanted if tag not in known)
    return result


def _status(params: dict, current) -> dict:
    if "state" in params:
        states = {"active": Status.PUBLISHED, "draft": Status.DRAFT, "deleted": Status.WITHDRAWN}
        if params["state"] not in states:
            raise ValidationError({"state": ["Use active, draft or deleted"]})
        return {"status": states[params["state"]]}
    if "private" in params:
        return {"status": Status.DRAFT if _bool(params, "private") else Status.PUBLISHED}
    return {"status": current}


def _set_contact(dataset: Dataset, contact: dict) -> None:
    if not contact:
        return
    point = dataset.contact_points.first() or ContactPoint(dataset=dataset)
    point.name = str(contact.get("contact_name", point.name) or "")[:200]
    point.email = str(contact.get("contact_email", point.email) or "")
    point.url = str(contact.get("contact_uri", point.url) or "")
    if not point.name and not (point.email or point.url):
        if point.pk:
            point.delete()
        return
    try:
        point.full_clean(exclude=["dataset"])
    except DjangoValidationError as error:
        messages = getattr(error, "message_dict", {"contact_email": error.messages})
        keys = {"name": "contact_name", "email": "contact_email", "url": "contact_uri"}
        errors = {keys.get(k, "contact_email"): v for k, v in messages.items()}
        raise ValidationError(errors) from None
    point.save()


def _resource_values(params: dict, current: dict) -> dict:
    values = dict(current)
    for ckan_key, name in _RESOURCE_KEYS.items():
        if name in ("title", "description", "rights"):
            text = _multilingual(params, ckan_key, current.get(name))
            if text is not None:
                values[name] = text
        elif ckan_key in params:
            values[name] = params[ckan_key]
    if "format" in params:
        values["format"] = _format_code(params["format"])
    if "license_id" in params:
        licence = Licence.objects.filter(code__iexact=str(params["license_id"] or "")).first()
        values["licence"] = licence.code if licence else (params["license_id"] or None)
    if "language" in params:
        values["languages"] = _concept_codes("language", _json_list(params["language"]))
    if "conforms_to" in params:
        values["conforms_to"] = _json_list(params["conforms_to"])
    if isinstance(params.get("position"), int):
        values["position"] = params["position"]
    return values


def _format_code(value) -> str | None:
    value = str(value or "").strip()
    if not value:
        return None
    found = Concept.objects.filter(scheme=Concept.Scheme.FILE_TYPE).filter(
        Q(code__iexact=value) | Q(media_type__iexact=value) | Q(uri=value)
    )
    found = found.first()
    return found.code if found else value.upper()


def _save_resource(request, params: dict, dataset: Dataset, instance=None, *, replace=False):
    """Create or update a distribution from a CKAN resource dict; `replace` clears what
    the dict leaves out (resource_update), otherwise it is kept (resource_patch)."""
    if instance is None:
        base = {**dict.fromkeys(DISTRIBUTION_FIELDS), **DISTRIBUTION_DEFAULTS}
    else:
        base = distribution_values(instance)
        if replace:
            base = {**base, **dict.fromkeys(_RESOURCE_KEYS.values()), **DISTRIBUTION_DEFAULTS}
            base["position"] = instance.position
    values = _resource_values(params, base)
    values["dataset"] = dataset.slug
    files = {"file": request.FILES["upload"]} if "upload" in request.FILES else None
    if files and "url" not in params:
        values["access_url"] = values["download_url"] = ""
    try:
        return save_distribution(request.user, values, instance=instance, files=files)
    except WriteError as error:
        raise ValidationError(_ckan_errors(error.errors, _RESOURCE_ERROR_KEYS)) from None


def _editable(request, dataset: Dataset) -> None:
    try:
        editable_dataset(request.user, dataset)
    except Forbidden as error:
        raise NotAuthorized(f"Access denied: {error}") from None


def _save_package(request, params: dict, *, dataset: Dataset | None, replace: bool) -> dict:
    if dataset is None:
        current = {**dict.fromkeys(DATASET_FIELDS), "status": Status.PUBLISHED}
    else:
        current = dataset_values(dataset)
        if replace:  # CKAN's package_update: what the package dict can say, it must say
            kept = {"status", "creator", "concepts", "spatial_label", "bbox_west", "bbox_south"}
            kept |= {"bbox_east", "bbox_north", "slug", "uri", "publisher"}
            current = {k: (v if k in kept else None) for k, v in current.items()}
    values, contact = _package_values(params, current, dataset)
    own = Publisher.objects.editable_by(request.user)
    if dataset is None and values.get("publisher") is None:
        slugs = list(own.values_list("slug", flat=True)[:2])
        values["publisher"] = slugs[0] if len(slugs) == 1 else None
    publisher = values.get("publisher")
    if publisher and Publisher.objects.filter(slug=str(publisher)).exists():
        if not own.filter(slug=str(publisher)).exists():
            raise NotAuthorized(f"Access denied: you cannot publish for {publisher}")
    try:
        saved = save_dataset(request.user, values, instance=dataset)
    except WriteError as error:
        raise ValidationError(_ckan_errors(error.errors, _PACKAGE_ERROR_KEYS)) from None
    _set_contact(saved, contact)
    if "resources" in params:
        _replace_resources(request, saved, _list(params["resources"]))
    saved = load_packages(Dataset.objects.filter(pk=saved.pk))[0]
    return package_dict(saved, access.request_grants(request))


def _replace_resources(request, dataset: Dataset, resources: list) -> None:
    """Resources listed are created or updated (by id), the others deleted."""
    existing = {str(d.uuid): d for d in dataset.distributions.all()}
    errors, kept = [], set()
    for position, resource in enumerate(resources):
        if not isinstance(resource, dict):
            errors.append({"resource": ["Each resource must be an object"]})
            continue
        instance = existing.get(str(resource.get("id") or ""))
        try:
            saved = _save_resource(
                request, {**resource, "position": position}, dataset, instance, replace=True
            )
        except ValidationError as error:
            errors.append({k: v for k, v in error.errors.items()})
            continue
        Distribution.objects.filter(pk=saved.pk).update(position=position)
        kept.add(saved.pk)
        errors.append({})
    if any(errors):
        raise ValidationError({"resources": errors})
    dataset.distributions.exclude(pk__in=kept).delete()


@action(write=True)
def package_create(request, params):
    """Create a dataset in your publisher (`owner_org`); `private` or state=draft make a draft.
    Resources may be given inline. Returns the package dict."""
    return _save_package(request, params, dataset=None, replace=False)


def _own_dataset(request, params) -> Dataset:
    dataset = _get_dataset(request.user, params.get("id") or _required(params, "name"))
    _editable(request, dataset)
    return dataset


@action(write=True)
def package_update(request, params):
    """Replace a dataset (`id` or `name`): fields left out are cleared, except `resources`,
    which are kept when the key is left out."""
    return _save_package(request, params, dataset=_own_dataset(request, params), replace=True)


@action(write=True)
def package_patch(request, params):
    """Change only the given fields of a dataset (`id` or `name`)."""
    return _save_package(request, params, dataset=_own_dataset(request, params), replace=False)


@action(write=True)
def package_delete(request, params):
    """Withdraw a dataset (`id`): it leaves the catalogue, its URI and page stay."""
    dataset = _get_dataset(request.user, _required(params, "id"))
    _editable(request, dataset)
    if dataset.status != Status.WITHDRAWN:
        dataset.withdraw()
    return None


def _own_resource(request, params) -> Distribution:
    key = str(_required(params, "id"))
    if not re.fullmatch(r"[0-9a-fA-F-]{32,36}", key):
        raise NotFound("Not found: no resource with that id")
    visible = Dataset.objects.visible_to(request.user).values("pk")
    found = Distribution.objects.filter(uuid=key, dataset__in=visible).select_related("dataset")
    distribution = found.first()
    if distribution is None:
        raise NotFound("Not found: no resource with that id")
    _editable(request, distribution.dataset)
    return distribution


@action(write=True)
def resource_create(request, params):
    """Add a resource to a dataset (`package_id`): `url` or an `upload`, `name`, `format`..."""
    dataset = _get_dataset(request.user, _required(params, "package_id"))
    _editable(request, dataset)
    position = dataset.distributions.count()
    distribution = _save_resource(request, {"position": position, **params}, dataset)
    return _resource(request, distribution_queryset().get(pk=distribution.pk), dataset)


@action(write=True)
def resource_update(request, params):
    """Replace a resource's fields (`id`): fields left out are cleared."""
    distribution = _own_resource(request, params)
    saved = _save_resource(request, params, distribution.dataset, distribution, replace=True)
    saved = distribution_queryset().get(pk=saved.pk)
    return _resource(request, saved, distribution.dataset)


@action(write=True)
def resource_patch(request, params):
    """Change only the given fields of a resource (`id`)."""
    distribution = _own_resource(request, params)
    saved = _save_resource(request, params, distribution.dataset, distribution)
    saved = distribution_queryset().get(pk=saved.pk)
    return _resource(request, saved, distribution.dataset)


@action(write=True)
def resource_delete(request, params):
    """Delete a resource (`id`)."""
    _own_resource(request, params).delete()
    return None


ckan_urlpatterns = [
    path("api/3/action/<str:name>", dispatch, name="ckan-action"),
    path("api/action/<str:name>", dispatch, name="ckan-action-unversioned"),
]
