"""Routes of the self-service paths, under /api/v1/self-service/ (no trailing slashes)."""

from django.urls import path

from . import self_service as views

urlpatterns = [
    path("profiles/<slug:name>/view", views.SelfServiceViewView.as_view(), name="self-service-view"),
    path("profiles/<slug:name>/reports", views.ReportView.as_view(), name="self-service-report"),
    path("insight", views.InsightView.as_view(), name="self-service-insight"),
    path("insight.csv", views.InsightCsvView.as_view(), name="self-service-insight-csv"),
    path("consents", views.ConsentsView.as_view(), name="self-service-consents"),
    path("consents/withdraw", views.ConsentWithdrawView.as_view(), name="self-service-consent-withdraw"),
]
