from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("datasets/", views.dataset_list, name="dataset-list"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path(
        "datasets/<slug:slug>/download/<uuid:uuid>/",
        views.distribution_download,
        name="distribution-download",
    ),
    path("publishers/", views.publisher_list, name="publisher-list"),
    path("publishers/<slug:slug>/", views.publisher_detail, name="publisher-detail"),
    path("data-services/<slug:slug>/", views.dataservice_detail, name="dataservice-detail"),
]
