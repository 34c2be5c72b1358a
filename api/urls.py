"""Routes of the IKO API, version 1. No trailing slashes (API Design Rules)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views

urlpatterns = [
    path("profiles", views.ProfileListView.as_view(), name="profile-list"),
    path("profiles/<slug:name>/view", views.ProfileViewView.as_view(), name="profile-view"),
    path("profiles/<slug:name>/schema", views.ProfileSchemaView.as_view(), name="profile-schema"),
    path("self-service/", include("api.self_service_urls")),  # citizens (api/self_service.py)
    path("openapi.yaml", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="openapi"),
    path("docs", SpectacularSwaggerView.as_view(url_name="openapi", permission_classes=[], authentication_classes=[]), name="api-docs"),
    path("redoc", SpectacularRedocView.as_view(url_name="openapi", permission_classes=[], authentication_classes=[]), name="api-redoc"),
]

# Search: criteria travel in the POST body, never in the URL.
from . import search_views  # noqa: E402

urlpatterns += [
    path("profiles/<slug:name>/search", search_views.ProfileSearchListView.as_view(), name="profile-search-list"),
    path("profiles/<slug:name>/search/<slug:action>", search_views.ProfileSearchView.as_view(), name="profile-search"),
]

# Suggestions of regelingen and prefill attributes for forms: the subject travels in the body.
from . import suggestion_views  # noqa: E402

urlpatterns += [
    path("profiles/<slug:name>/suggestions", suggestion_views.ProfileSuggestionsView.as_view(), name="profile-suggestions"),
    path("profiles/<slug:name>/prefill", suggestion_views.ProfilePrefillView.as_view(), name="profile-prefill"),
]
