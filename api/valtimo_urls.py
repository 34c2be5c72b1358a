"""Routes of the Valtimo front door: the reference IKO Server's public paths (see api/valtimo.py).

Outside /api/v1 on purpose: a Valtimo installation's "IKO Server URL" is the root of IKO.
"""

from django.urls import path

from . import valtimo, valtimo_schema

urlpatterns = [
    path(
        "aggregated-data-profiles/<str:name>",
        valtimo.AggregatedDataProfileView.as_view(),
        name="valtimo-aggregated-data-profile",
    ),
    # Before the older path with the subject in it: "schema" is no subject.
    path(
        "aggregated-data-profiles/<str:name>/schema",
        valtimo_schema.AggregatedDataProfileSchemaView.as_view(),
        name="valtimo-aggregated-data-profile-schema",
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
