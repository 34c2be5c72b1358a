"""Routes of the self-service paths, under /api/v1/self-service/ (no trailing slashes)."""

from django.urls import path

from . import self_service as views
from . import self_service_regelingen as regelingen

urlpatterns = [
    path("profiles/<slug:name>/view", views.SelfServiceViewView.as_view(), name="self-service-view"),
    path("profiles/<slug:name>/reports", views.ReportView.as_view(), name="self-service-report"),
    path("profiles/<slug:name>/suggestions", regelingen.SelfServiceSuggestionsView.as_view(),
         name="self-service-suggestions"),
    path("profiles/<slug:name>/prefill", regelingen.SelfServicePrefillView.as_view(), name="self-service-prefill"),
    path("insight", views.InsightView.as_view(), name="self-service-insight"),
    path("insight.csv", views.InsightCsvView.as_view(), name="self-service-insight-csv"),
    path("consents", views.ConsentsView.as_view(), name="self-service-consents"),
    path("consents/withdraw", views.ConsentWithdrawView.as_view(), name="self-service-consent-withdraw"),
]
