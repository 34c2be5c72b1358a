"""Top-level URL conf: the admin and the API."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "IKO administration"
admin.site.site_title = "IKO"
admin.site.index_title = "Servers, sources, profiles, purposes and grants"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]

handler404 = "api.problems.handler404"
handler500 = "api.problems.handler500"
