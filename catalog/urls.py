from django.urls import path, register_converter

from catalog import api, views

app_name = "catalog"


class RdfFormatConverter:
    """The suffix of an RDF document: a key of catalog.dcat.FORMATS."""

    regex = "ttl|rdf|jsonld|nt"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RdfFormatConverter, "rdf")

urlpatterns = [
    path("datasets/", views.dataset_list, name="dataset-list"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path(
        "datasets/<slug:slug>/download/<uuid:uuid>/",
        views.distribution_download,
        name="distribution-download",
    ),
    path(
        "datasets/<slug:slug>/distributions/<uuid:uuid>/schema.json",
        views.distribution_schema,
        name="distribution-schema",
    ),
    # "May I use this?": the form's answer, and the API's URL as the issue wrote it (no slash)
    path("datasets/<slug:slug>/reuse-check/", views.reuse_check, name="dataset-reuse-check"),
    path("api/v1/datasets/<slug:slug>/reuse-check", api.reuse_check_without_slash),
    # Access requests for restricted data (catalog.access)
    path(
        "datasets/<slug:slug>/access/",
        views.access_request_create,
        name="access-request-create",
    ),
    path("access-requests/<int:pk>/", views.access_request_detail, name="access-request-detail"),
    path(
        "publishers/<slug:slug>/access-requests/",
        views.publisher_access_requests,
        name="publisher-access-requests",
    ),
    path(
        "publishers/<slug:slug>/access-requests.csv",
        views.publisher_access_requests_csv,
        name="publisher-access-requests-csv",
    ),
    path("account/access-requests/", views.my_access_requests, name="my-access-requests"),
    path("publishers/", views.publisher_list, name="publisher-list"),
    path("publishers/<slug:slug>/", views.publisher_detail, name="publisher-detail"),
    path("data-services/<slug:slug>/", views.dataservice_detail, name="dataservice-detail"),
    # Reuses (catalog.showcase); "new" and "moderation" before the slug they would match
    path("reuses/", views.reuse_list, name="reuse-list"),
    path("reuses/new/", views.reuse_create, name="reuse-create"),
    path("reuses/moderation/", views.reuse_moderation, name="reuse-moderation"),
    path("reuses/<slug:slug>/", views.reuse_detail, name="reuse-detail"),
    path("reuses/<slug:slug>/image", views.reuse_image, name="reuse-image"),
    path("reuses/<slug:slug>/moderate/", views.reuse_moderate, name="reuse-moderate"),
    path("account/reuses/", views.my_reuses, name="my-reuses"),
    # DCAT / linked data
    path("catalog", views.catalog_negotiated, name="catalog"),
    path("catalog.<rdf:fmt>", views.catalog_rdf, name="catalog-rdf"),
    path("datasets/<slug:slug>.<rdf:fmt>", views.dataset_rdf, name="dataset-rdf"),
    path("publishers/<slug:slug>.<rdf:fmt>", views.publisher_rdf, name="publisher-rdf"),
    path("data-services/<slug:slug>.<rdf:fmt>", views.dataservice_rdf, name="dataservice-rdf"),
    path("distributions/<uuid:uuid>", views.distribution_rdf, name="distribution-rdf"),
]
