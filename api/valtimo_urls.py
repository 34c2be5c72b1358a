"""Routes of the Valtimo front door: the reference IKO Server's public paths (see api/valtimo.py).

Outside /api/v1 on purpose: a Valtimo installation's "IKO Server URL" is the root of IKO.
"""

from django.urls import path

from . import valtimo

urlpatterns = [
    path(
        "aggregated-data-profiles/<str:name>",
        valtimo.AggregatedDataProfileView.as_view(),
        name="valtimo-aggregated-data-profile",
    ),
    path(
        "aggregated-data-profiles/<str:name>/<str:identifier>",
        valtimo.AggregatedDataProfileDetailView.as_view(),
        name="valtimo-aggregated-data-profile-by-path",
    ),
    path(
        "endpoints/<str:connector_tag>/<str:instance_tag>/<str:operation>",
        valtimo.EndpointView.as_view(),
        name="valtimo-endpoint",
    ),
    path(
        "endpoints/<str:connector_tag>/<str:instance_tag>/<str:operation>/<str:identifier>",
        valtimo.EndpointDetailView.as_view(),
        name="valtimo-endpoint-detail",
    ),
]
