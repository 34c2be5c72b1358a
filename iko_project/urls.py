"""Top-level URL conf: the landing page, the admin (with its two-factor login), staff login with OIDC,
the language switch and the API."""

from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from api.root import ApiRootView
from connectors.health_admin import source_health_view
from iko_project import admin_login
from iko_project.admin_site import IkoAdminSite

# maykin-2fa's admin site (a second factor for password logins) with IKO's index order; the
# site object stays the one every ModelAdmin registered with.
admin.site.__class__ = IkoAdminSite
admin.site.site_header = _("IKO administration")
admin.site.site_title = "IKO"
admin.site.index_title = _("Servers, sources, profiles, purposes and grants")


def moved_admin_page(request, model: str, rest: str):
    """API clients and subject lookup alerts moved from the api app to profiles: an admin's old
    bookmark lands on the same page at its new address."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"/admin/profiles/{model}/{rest}" + (f"?{query}" if query else ""))


urlpatterns = [
    re_path(r"^admin/api/(?P<model>apiclient|subjectlookupalert)/(?P<rest>.*)$", moved_admin_page),
    # Per source: the last hour's availability, latency and circuit (staff with view permission).
    path("admin/source-health/", admin.site.admin_view(source_health_view), name="source_health"),
    # maykin-2fa's login and second-factor pages, before the admin's own (whose login they replace).
    path("admin/", include((admin_login.urlpatterns, "maykin_2fa"))),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the admin's language switch
    # No dead ends: the landing page links the API documentation and the admin.
    path("", TemplateView.as_view(template_name="iko/landing.html"), name="landing"),
    path("api/v1", ApiRootView.as_view()),
    path("api/v1/", ApiRootView.as_view(), name="api-root"),
    path("api/v1/", include("api.urls")),
    # /oidc/authenticate/ and /oidc/callback/ (both 404 while IKO_OIDC_ENABLED is false), /oidc/logout/
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("", include("api.valtimo_urls")),  # Valtimo front door: /aggregated-data-profiles, /endpoints
]

handler404 = "api.problems.handler404"
handler500 = "api.problems.handler500"

# Health probes. HealthProbeMiddleware answers these paths before any other middleware;
# the routes serve a setup without it.
from iko_project import health  # noqa: E402

urlpatterns += [
    path("_healthz/livez", health.livez, name="healthz-livez"),
    path("_healthz/readyz", health.readyz, name="healthz-readyz"),
]
# Prometheus metrics, for the configured networks or token only (MetricsMiddleware answers first).
from iko_project.metrics_view import metrics_view  # noqa: E402

urlpatterns += [path("metrics", metrics_view, name="metrics")]
# A request Django itself refuses (a body over the limit read as form data, a bad host name).
handler400 = "api.problems.handler400"
