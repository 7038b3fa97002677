from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from catalog import api as catalog_api
from catalog import views as catalog_views
from catalog.ckan import ckan_urlpatterns
from communities import api as communities_api
from portal import views

# The REST API: one router; later apps register their resources on it too.
router = DefaultRouter()
catalog_api.register(router)
communities_api.register(router)

urlpatterns = [
    path("admin/", admin.site.urls),
    # APIs
    path("api/v1/", include(router.urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # [\s\S]: a newline in a path is still under the API (`.` would not match it).
    re_path(r"^api/v1/[\s\S]*/$", catalog_api.not_found),
    *ckan_urlpatterns,
    # Accounts: allauth's sign-up, sign-in and e-mail pages, and the signed-in user's overview
    path("accounts/", include("allauth.urls")),
    path("account/", views.account, name="account"),
    # API tokens
    path("account/tokens/", catalog_views.token_list, name="token-list"),
    path("account/tokens/new/", catalog_views.token_create, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", catalog_views.token_revoke, name="token-revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", views.home, name="home"),
    path("", include("catalog.urls")),
    # Communities after the catalogue, so that none of its paths can shadow a catalogue page
    path("", include("communities.urls")),
    path("sitemap.xml", catalog_views.sitemap_index, name="sitemap-index"),
    path("sitemap-<section>.xml", catalog_views.sitemap_section, name="sitemap-section"),
    path("robots.txt", catalog_views.robots_txt, name="robots-txt"),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
