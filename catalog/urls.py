from django.urls import path, register_converter

from catalog import views

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
    path("publishers/", views.publisher_list, name="publisher-list"),
    path("publishers/<slug:slug>/", views.publisher_detail, name="publisher-detail"),
    path("data-services/<slug:slug>/", views.dataservice_detail, name="dataservice-detail"),
    # DCAT / linked data
    path("catalog", views.catalog_negotiated, name="catalog"),
    path("catalog.<rdf:fmt>", views.catalog_rdf, name="catalog-rdf"),
    path("datasets/<slug:slug>.<rdf:fmt>", views.dataset_rdf, name="dataset-rdf"),
    path("publishers/<slug:slug>.<rdf:fmt>", views.publisher_rdf, name="publisher-rdf"),
    path("data-services/<slug:slug>.<rdf:fmt>", views.dataservice_rdf, name="dataservice-rdf"),
    path("distributions/<uuid:uuid>", views.distribution_rdf, name="distribution-rdf"),
]
