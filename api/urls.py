"""Routes of the IKO API, version 1. No trailing slashes (API Design Rules)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views

urlpatterns = [
    path("profiles", views.ProfileListView.as_view(), name="profile-list"),
    path("profiles/<slug:name>/view", views.ProfileViewView.as_view(), name="profile-view"),
    path("profiles/<slug:name>/schema", views.ProfileSchemaView.as_view(), name="profile-schema"),
    path("openapi.yaml", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="openapi"),
    path("docs", SpectacularSwaggerView.as_view(url_name="openapi", permission_classes=[], authentication_classes=[]), name="api-docs"),
    path("redoc", SpectacularRedocView.as_view(url_name="openapi", permission_classes=[], authentication_classes=[]), name="api-redoc"),
]
