"""The portal's REST API (/api/v1/): viewsets, and writes through the admin's forms.

Reads show what the requester may see (Dataset.objects.visible_to). Writes take JSON,
translate it into the data of the admin's own forms (DatasetForm, DistributionForm) and
save through them, so the API validates exactly as the publishing admin does. The CKAN
Action API (catalog.ckan) writes through save_dataset() and save_distribution() too.
Serializers live in catalog.serializers; tokens, throttles and CORS in catalog.api_access.
"""

from django import forms
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import BaseFilterBackend
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.response import Response

from catalog import facetindex, reuse, showcase
from catalog.conditions import DatasetConditionsForm as DatasetForm
from catalog.conditions import DistributionConditionsForm as DistributionForm
from catalog.filters import DatasetFilter
from catalog.models import (
    Column,
    Concept,
    DataService,
    Dataset,
    Distribution,
    Licence,
    Publisher,
    QualityScore,
    Reuse,
    Status,
    is_site_manager,
)
from catalog.serializers import (
    ConceptSerializer,
    DataServiceSerializer,
    DatasetSerializer,
    DatasetWriteSerializer,
    DistributionSerializer,
    DistributionWriteSerializer,
    FileTypeSerializer,
    LicenceSerializer,
    PublisherSerializer,
    ReuseCheckSerializer,
    ReuseSerializer,
    ReuseVerdictSerializer,
)


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "catalog.api_access.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A personal token from /account/tokens/, sent as `Token <token>`.",
        }


class DatasetFilterBackend(BaseFilterBackend):
    """catalog.filters.DatasetFilter on the dataset list: an invalid value is a 400 whose
    body names the parameter. Its parameters are documented on the view (the FilterSet's
    custom filters cannot be introspected)."""

    def filter_queryset(self, request, queryset, view):
        filterset = DatasetFilter(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            errors = filterset.errors.get_json_data()
            raise exceptions.ValidationError(
                {name: [error["message"] for error in items] for name, items in errors.items()}
            )
        # An anonymous search sees published datasets only, which catalog.facetindex can
        # answer in memory; the paginator then reads just the page's rows.
        if not request.user.is_authenticated:
            indexed = filterset.from_index()
            if indexed is not None:
                return facetindex.Page(indexed.ids, queryset.published())
        return filterset.qs

    def get_schema_operation_parameters(self, view):
        return []


class CanWriteOrReadOnly(BasePermission):
    """Anyone reads; signed-in members of a publisher write its records (checked per object)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_authenticated


# Saving through the admin's forms ----------------------------------------------------------

# How the forms' reference fields are addressed in the API.
_LOOKUPS = {
    "publisher": "slug",
    "creator": "slug",
    "dataset": "slug",
    "licence": "code",
}
DATASET_FIELDS = list(DatasetWriteSerializer().fields)
DISTRIBUTION_FIELDS = list(DistributionWriteSerializer().fields)
_URL_LISTS = {"documentation", "conforms_to", "applicable_legislation"}
DISTRIBUTION_DEFAULTS = {"status": Distribution.DistributionStatus.COMPLETED, "position": 0}


class WriteError(Exception):
    """The input was refused; `errors` maps API field names to lists of messages."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


class Forbidden(Exception):
    pass


def _form_data(form_class, values: dict) -> MultiValueDict:
    """`values` (API shape) as the POST data the admin form would receive."""
    data = MultiValueDict()
    fields = form_class.base_fields
    for name, value in values.items():
        form_name = "keyword_text" if name == "keywords" else name
        field = fields.get(form_name)
        if field is None:
            continue
        if name == "keywords":
            value = {lang: ", ".join(words) for lang, words in (value or {}).items()}
        if hasattr(field, "languages"):  # a language map: one input per language
            for index, code in enumerate(field.languages):
                data[f"{form_name}_{index}"] = (value or {}).get(code, "")
        elif name in _URL_LISTS:
            data[form_name] = "\n".join(value or [])
        elif isinstance(value, list) or isinstance(field, forms.ModelMultipleChoiceField):
            data.setlist(form_name, [str(item) for item in value or []])
        elif value is None:
            data[form_name] = ""
        else:
            data[form_name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def _bind(form, user):
    """Point reference fields at codes and slugs, and limit them as the admin does."""
    for name, field in form.fields.items():
        if hasattr(field, "queryset"):
            field.to_field_name = _LOOKUPS.get(name, "code")
    if "publisher" in form.fields:
        form.fields["publisher"].queryset = Publisher.objects.editable_by(user)
    if "dataset" in form.fields:
        form.fields["dataset"].queryset = Dataset.objects.editable_by(user).filter(
            harvest_source__isnull=True
        )
    return form


def _form_errors(form) -> dict:
    errors = {}
    for name, messages in form.errors.get_json_data().items():
        key = {"keyword_text": "keywords", "__all__": "non_field_errors"}.get(name, name)
        errors[key] = [message["message"] for message in messages]
    return errors


def dataset_values(dataset: Dataset) -> dict:
    """The writable fields of `dataset` in the API's input shape (for partial updates)."""
    refs = {name: getattr(dataset, name) for name in ("publisher", "creator", "licence")}
    refs.update({name: getattr(dataset, name) for name in ("frequency", "access_rights")})
    values = {name: getattr(dataset, name) for name in DATASET_FIELDS if name not in refs}
    for name, obj in refs.items():
        values[name] = None if obj is None else getattr(obj, _LOOKUPS.get(name, "code"))
    for name in ("themes", "concepts", "languages"):
        values[name] = [concept.code for concept in getattr(dataset, name).all()]
    values["keywords"] = dataset.keywords_by_language()
    return values


def distribution_values(distribution: Distribution) -> dict:
    values = {name: getattr(distribution, name) for name in DISTRIBUTION_FIELDS}
    values["dataset"] = distribution.dataset.slug
    values["format"] = distribution.format.code if distribution.format_id else None
    values["licence"] = distribution.licence.code if distribution.licence_id else None
    access_rights = distribution.access_rights
    values["access_rights"] = access_rights.code if access_rights else None
    values["languages"] = [concept.code for concept in distribution.languages.all()]
    return values


def editable_dataset(user, dataset: Dataset) -> None:
    """Raise Forbidden unless `user` may change `dataset`; harvested ones belong to their source."""
    if not Dataset.objects.editable_by(user).filter(pk=dataset.pk).exists():
        raise Forbidden(_("You can only change datasets of your own publisher."))
    if dataset.harvest_source_id:
        raise Forbidden(_("This dataset is harvested: change it at its source."))


def save_dataset(user, values: dict, *, instance: Dataset | None = None, files=None) -> Dataset:
    """Create or update a dataset from API values through the admin's DatasetForm.

    The caller checks that `user` may edit `instance`. Raises WriteError with field errors.
    The slug and URI of an existing dataset are kept, as in the admin; publishing sets
    the first publication date.
    """
    form = _bind(DatasetForm(_form_data(DatasetForm, values), files, instance=instance), user)
    errors = {}
    if instance is not None:
        fixed = ["uri"] if is_site_manager(user) else ["uri", "slug"]
        for name in fixed:
            del form.fields[name]
            if values.get(name) not in (None, "", getattr(instance, name)):
                errors[name] = [_("This cannot be changed once the dataset exists.")]
    if not form.is_valid() or errors:
        raise WriteError({**_form_errors(form), **errors})
    with transaction.atomic():
        dataset = form.save()
        if dataset.is_published and dataset.published_at is None:
            dataset.publish()
    return dataset


def save_distribution(
    user, values: dict, *, instance: Distribution | None = None, files=None
) -> Distribution:
    """Create or update a distribution through the admin's DistributionForm."""
    form = _bind(
        DistributionForm(_form_data(DistributionForm, values), files, instance=instance), user
    )
    if not form.is_valid():
        raise WriteError(_form_errors(form))
    return form.save()


def remove_dataset(dataset: Dataset) -> str:
    """DELETE: a draft is deleted for good, anything published before is withdrawn.

    Returns "deleted" or "withdrawn". A published dataset has been cited and harvested by
    others: it keeps its URI and page (which says it was withdrawn).
    """
    if dataset.status == Status.DRAFT and dataset.published_at is None:
        dataset.delete()
        return "deleted"
    if dataset.status != Status.WITHDRAWN:
        dataset.withdraw()
    return "withdrawn"


# Viewsets ----------------------------------------------------------------------------------


def _error_response(exc):
    if isinstance(exc, WriteError):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    raise exceptions.PermissionDenied(str(exc))


def distribution_queryset():
    return Distribution.objects.select_related(
        "format", "licence", "access_rights", "link_check", "profile"
    ).prefetch_related(
        "languages",
        "policy_rules",
        Prefetch("columns", queryset=Column.objects.select_related("references_dataset")),
    )


def dataset_queryset(user):
    """Datasets `user` may see, with everything the serializer reads in a fixed query count."""
    return (
        Dataset.objects.visible_to(user)
        .select_related("publisher", "creator", "licence", "access_rights", "frequency", "quality")
        .prefetch_related(
            "themes",
            "concepts",
            "languages",
            "keywords",
            "contact_points",
            "policy_rules",
            Prefetch("distributions", queryset=distribution_queryset()),
        )
    )


def _facet_parameter(name: str, example: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "string"}},
        explode=True,
        description=f"Code or slug, e.g. {example}; repeat the parameter for more values.",
    )


DATASET_LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="Search words (title, keywords, description)."),
    _facet_parameter("theme", "TRAN"),
    _facet_parameter("publisher", "gemeente-utrecht"),
    _facet_parameter("format", "CSV"),
    _facet_parameter("licence", "CC-BY-4.0"),
    _facet_parameter("access_rights", "PUBLIC"),
    _facet_parameter("keyword", "verkeer"),
    _facet_parameter("language", "NLD"),
    OpenApiParameter(
        "quality",
        {"type": "array", "items": {"type": "string", "enum": QualityScore.Band.values}},
        explode=True,
        description="Metadata quality band; repeat the parameter for more bands.",
    ),
    OpenApiParameter("open_licence", bool, description="true: open licences only."),
    OpenApiParameter(
        "commercial_use",
        bool,
        description="true: commercial use allowed (licence, usage policy and access agree).",
    ),
    OpenApiParameter(
        "no_agreement", bool, description="true: public data that needs no agreement."
    ),
    OpenApiParameter("modified_since", OpenApiTypes.DATE),
    OpenApiParameter("issued_since", OpenApiTypes.DATE),
    OpenApiParameter(
        "sort",
        str,
        enum=[value for value, _label in DatasetFilter.SORT_CHOICES],
        description="Default: relevance when searching, else newest.",
    ),
]
_ERRORS = {400: OpenApiTypes.OBJECT, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT}


@extend_schema_view(
    list=extend_schema(
        summary="List and search datasets",
        parameters=DATASET_LIST_PARAMETERS,
        description="Filters are those of the dataset search page; an unknown value is a 400 "
        "naming the parameter. `sort` orders (relevance when searching, else newest).",
    ),
    retrieve=extend_schema(summary="One dataset, with its distributions"),
    create=extend_schema(
        summary="Create a dataset (token of a publisher member)",
        request=DatasetWriteSerializer,
        responses={201: DatasetSerializer, **_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a dataset's fields",
        request=DatasetWriteSerializer,
        responses={200: DatasetSerializer, **_ERRORS, 404: OpenApiTypes.OBJECT},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a dataset",
        request=DatasetWriteSerializer,
        responses={200: DatasetSerializer, **_ERRORS, 404: OpenApiTypes.OBJECT},
    ),
    destroy=extend_schema(
        summary="Delete a draft, or withdraw a published dataset",
        description="A dataset that was never published is deleted. One that was published "
        "is withdrawn: it leaves the catalogue, its URI and page stay.",
        responses={204: None, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    ),
)
class DatasetViewSet(viewsets.ModelViewSet):
    serializer_class = DatasetSerializer
    lookup_field = "slug"
    filter_backends = [DatasetFilterBackend]
    permission_classes = [CanWriteOrReadOnly]

    @property
    def ckan_write(self):
        # catalog.api_access throttles by this: the reuse check is POSTed, yet only reads.
        return self.request.method not in SAFE_METHODS and self.action != "reuse_check"

    def get_queryset(self):
        return dataset_queryset(self.request.user)

    def filter_queryset(self, queryset):
        # The filters (and search) are for lists; a detail URL names its dataset.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _write(self, request, *, instance=None, partial=False):
        serializer = DatasetWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        if instance is None:
            values = {**dict.fromkeys(DATASET_FIELDS), "status": Status.DRAFT}
        elif partial:
            values = dataset_values(instance)
        else:  # PUT replaces every field; a dataset keeps its status unless one is given
            values = {**dict.fromkeys(DATASET_FIELDS), "status": instance.status}
        values.update(serializer.validated_data)
        try:
            if instance is not None:
                editable_dataset(request.user, instance)
            dataset = save_dataset(request.user, values, instance=instance)
        except (WriteError, Forbidden) as exc:
            return _error_response(exc)
        dataset = self.get_queryset().get(pk=dataset.pk)
        code = status.HTTP_201_CREATED if instance is None else status.HTTP_200_OK
        data = DatasetSerializer(dataset, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def create(self, request, *args, **kwargs):
        return self._write(request)

    def update(self, request, *args, **kwargs):
        return self._write(request, instance=self.get_object(), partial=kwargs.get("partial"))

    def destroy(self, request, *args, **kwargs):
        dataset = self.get_object()
        try:
            editable_dataset(request.user, dataset)
        except Forbidden as exc:
            return _error_response(exc)
        remove_dataset(dataset)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="May I use this? Check an intended use against the dataset's conditions",
        description="Anyone may ask (throttled as a read); a signed-in user's approved access "
        "request counts. Every reason names the licence flag or policy rule that decided. "
        "Also served without the trailing slash. See the README for the semantics.",
        request=ReuseCheckSerializer,
        responses={200: ReuseVerdictSerializer, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"], url_path="reuse-check", permission_classes=[AllowAny])
    def reuse_check(self, request, slug=None):
        dataset = get_object_or_404(reuse.check_queryset(request.user), slug=slug)
        serializer = ReuseCheckSerializer(data=request.data, context={"dataset": dataset})
        serializer.is_valid(raise_exception=True)
        distribution = serializer.validated_data.get("distribution")
        verdict = reuse.check_dataset(
            dataset, serializer.use(), distribution=distribution, user=request.user
        )
        return Response(ReuseVerdictSerializer(verdict.as_dict()).data)


@extend_schema_view(
    create=extend_schema(
        summary="Add a distribution to a dataset of your publisher",
        request=DistributionWriteSerializer,
        responses={201: DistributionSerializer, **_ERRORS},
    ),
    update=extend_schema(
        request=DistributionWriteSerializer,
        responses={200: DistributionSerializer, **_ERRORS, 404: OpenApiTypes.OBJECT},
    ),
    partial_update=extend_schema(
        request=DistributionWriteSerializer,
        responses={200: DistributionSerializer, **_ERRORS, 404: OpenApiTypes.OBJECT},
    ),
    destroy=extend_schema(
        summary="Delete a distribution",
        responses={204: None, 401: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
    ),
)
class DistributionViewSet(viewsets.ModelViewSet):
    serializer_class = DistributionSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"
    permission_classes = [CanWriteOrReadOnly]

    def get_queryset(self):
        visible = Dataset.objects.visible_to(self.request.user).values("pk")
        return (
            distribution_queryset()
            # The dataset's conditions apply where the distribution has none of its own.
            .select_related("dataset__licence", "dataset__access_rights")
            .prefetch_related("dataset__policy_rules")
            .filter(dataset__in=visible)
            .order_by("dataset_id", "position", "pk")
        )

    def _write(self, request, *, instance=None, partial=False):
        serializer = DistributionWriteSerializer(data=request.data, partial=instance is not None)
        serializer.is_valid(raise_exception=True)
        values = {**dict.fromkeys(DISTRIBUTION_FIELDS), **DISTRIBUTION_DEFAULTS}
        if instance is not None:
            current = distribution_values(instance)
            values = current if partial else {**values, "dataset": current["dataset"]}
            if serializer.validated_data.get("dataset", current["dataset"]) != current["dataset"]:
                raise exceptions.ValidationError(
                    {"dataset": [_("A distribution cannot move to another dataset.")]}
                )
        values.update(serializer.validated_data)
        try:
            if instance is not None:
                editable_dataset(request.user, instance.dataset)
            distribution = save_distribution(request.user, values, instance=instance)
        except (WriteError, Forbidden) as exc:
            return _error_response(exc)
        distribution = self.get_queryset().get(pk=distribution.pk)
        code = status.HTTP_201_CREATED if instance is None else status.HTTP_200_OK
        data = DistributionSerializer(distribution, context=self.get_serializer_context()).data
        return Response(data, status=code)

    def create(self, request, *args, **kwargs):
        return self._write(request)

    def update(self, request, *args, **kwargs):
        return self._write(request, instance=self.get_object(), partial=kwargs.get("partial"))

    def destroy(self, request, *args, **kwargs):
        distribution = self.get_object()
        try:
            editable_dataset(request.user, distribution.dataset)
        except Forbidden as exc:
            return _error_response(exc)
        distribution.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublisherViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PublisherSerializer
    lookup_field = "slug"

    def get_queryset(self):
        published = Count("datasets", filter=Q(datasets__status=Status.PUBLISHED))
        publishers = Publisher.objects.select_related("publisher_type")
        return publishers.annotate(dataset_count=published).order_by("slug")


class DataServiceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DataServiceSerializer
    lookup_field = "slug"

    def get_queryset(self):
        user = self.request.user
        visible = Prefetch(
            "serves_datasets",
            queryset=Dataset.objects.visible_to(user).only("pk", "slug").order_by("slug"),
            to_attr="visible_datasets",
        )
        return (
            DataService.objects.visible_to(user)
            .select_related("publisher", "licence", "access_rights")
            .prefetch_related("themes", visible)
        )


@extend_schema_view(
    list=extend_schema(
        summary="List approved reuses",
        parameters=[
            OpenApiParameter("type", str, enum=Reuse.Type.values),
            OpenApiParameter("dataset", str, description="Slug of a dataset the reuse uses."),
            OpenApiParameter("publisher", str, description="Slug of a publisher of its data."),
            OpenApiParameter("q", str, description="Words in the title."),
        ],
    ),
    retrieve=extend_schema(summary="One approved reuse"),
)
class ReuseViewSet(viewsets.ReadOnlyModelViewSet):
    """Reuses (showcases) of the catalogue's data, once a publisher approved them."""

    serializer_class = ReuseSerializer
    lookup_field = "slug"

    def get_queryset(self):
        reuses = showcase.with_datasets(Reuse.objects.approved())
        if self.action == "list":
            reuses = showcase.filter_reuses(reuses, self.request.query_params)
        return reuses


class LicenceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LicenceSerializer
    queryset = Licence.objects.all()
    lookup_field = "code"
    lookup_value_regex = "[^/]+"


class _ConceptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ConceptSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    scheme = ""

    def get_queryset(self):
        return Concept.objects.filter(scheme=self.scheme)


def _concept_viewset(name: str, scheme: str, serializer=ConceptSerializer):
    return type(name, (_ConceptViewSet,), {"scheme": scheme, "serializer_class": serializer})


ThemeViewSet = _concept_viewset("ThemeViewSet", Concept.Scheme.THEME)
FormatViewSet = _concept_viewset("FormatViewSet", Concept.Scheme.FILE_TYPE, FileTypeSerializer)
AccessRightViewSet = _concept_viewset("AccessRightViewSet", Concept.Scheme.ACCESS_RIGHT)
FrequencyViewSet = _concept_viewset("FrequencyViewSet", Concept.Scheme.FREQUENCY)
LanguageViewSet = _concept_viewset("LanguageViewSet", Concept.Scheme.LANGUAGE)


# The URL of the check has no trailing slash, the router's has one: both answer. Only
# the router's is in the schema (the same operation twice would collide there).
reuse_check_without_slash = DatasetViewSet.as_view(
    {"post": "reuse_check"},
    **{**DatasetViewSet.reuse_check.kwargs, "schema": None},
    detail=True,
    basename="dataset",
)


@csrf_exempt
def not_found(request):
    """Unmatched paths under /api/v1/ answer in JSON, like the API's own 404s."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


def register(router) -> None:
    """Put the catalogue's resources on the portal's one router."""
    router.register("datasets", DatasetViewSet, basename="dataset")
    router.register("distributions", DistributionViewSet, basename="distribution")
    router.register("publishers", PublisherViewSet, basename="publisher")
    router.register("data-services", DataServiceViewSet, basename="dataservice")
    router.register("reuses", ReuseViewSet, basename="reuse")
    router.register("themes", ThemeViewSet, basename="theme")
    router.register("licences", LicenceViewSet, basename="licence")
    router.register("formats", FormatViewSet, basename="format")
    router.register("access-rights", AccessRightViewSet, basename="accessright")
    router.register("frequencies", FrequencyViewSet, basename="frequency")
    router.register("languages", LanguageViewSet, basename="language")
