"""IKO's admin site: maykin-2fa's site (a second factor for password logins) with the index in the
order an administrator configures IKO.

Django lists the applications alphabetically by their technical names ("Zgw_Consumers",
"Simple_Certmanager"). IKO's index groups the screens by task instead, in the order they are
filled in: servers and sources first, then what is asked for (purposes, profiles), who may ask
(API clients, grants), what was done (processing log, lookup alerts), the functions built on top
(regelingen, consent), and the users last. A screen not named in `GROUPS` (a model another
application adds) keeps its application's own group after these, so nothing disappears;
`HIDDEN` lists what IKO does not use. The order is tested in tests/test_admin_index.py.

The source-health page is not a model: the index template (templates/admin/index.html) shows it
after the groups.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from maykin_2fa.admin import MFARequired

# (group name, [(app label, model name, the name shown or None for the model's own)]).
GROUPS: list[tuple[str, list[tuple[str, str, str | None]]]] = [
    (_("Servers and sources"), [
        ("zgw_consumers", "service", _("Servers")),
        ("connectors", "source", None),
        ("simple_certmanager", "certificate", _("Certificates")),
        ("simple_certmanager", "signingrequest", _("Certificate signing requests")),
    ]),
    (_("Purposes and profiles"), [
        ("profiles", "purpose", None),
        ("profiles", "profile", None),
    ]),
    (_("API clients and grants"), [
        ("profiles", "apiclient", None),
        ("profiles", "grant", None),
    ]),
    (_("Processing log"), [
        ("profiles", "processingrecord", None),
        ("profiles", "subjectlookupalert", None),
    ]),
    (_("Regelingen and prefill"), [
        ("regelingen", "regeling", None),
        ("regelingen", "prefillattribute", None),
        ("regelingen", "suggestionrecord", None),
    ]),
    (_("Consent"), [
        ("consent", "consenttext", None),
        ("consent", "consent", None),
    ]),
    (_("Users and login"), [
        ("auth", "user", None),
        ("auth", "group", None),
        # django-otp's own names are English only ("TOTP devices").
        ("otp_totp", "totpdevice", _("Authenticator apps (second factor)")),
        ("otp_static", "staticdevice", _("Backup tokens (second factor)")),
        ("axes", "accessattempt", _("Failed login attempts")),
        ("axes", "accessfailurelog", _("Failed logins")),
        ("axes", "accesslog", _("Logins")),
    ]),
]
# Screens of installed applications that IKO does not use.
HIDDEN = {("zgw_consumers", "nlxconfig")}


def ordered_app_list(app_list: list[dict]) -> list[dict]:
    """Django's app list (already filtered by the user's permissions) regrouped by `GROUPS`."""
    models = {
        (app["app_label"], model["object_name"].lower()): (app, model)
        for app in app_list
        for model in app["models"]
    }
    placed = set(HIDDEN)
    result = []
    for name, members in GROUPS:
        entries, first_app = [], None
        for app_label, model_name, shown in members:
            found = models.get((app_label, model_name))
            if found is None:
                continue  # not installed, or the user may not see it
            placed.add((app_label, model_name))
            app, model = found
            first_app = first_app or app
            entries.append({**model, "name": shown} if shown else model)
        if entries:
            # The group's caption links to the page of its first model's application.
            result.append({
                "name": name,
                "app_label": first_app["app_label"],
                "app_url": first_app["app_url"],
                "has_module_perms": True,
                "models": entries,
            })
    for app in app_list:  # what GROUPS does not name, in Django's order
        rest = [m for m in app["models"] if (app["app_label"], m["object_name"].lower()) not in placed]
        if rest:
            result.append({**app, "models": rest})
    return result


class IkoAdminSite(MFARequired):
    """The admin site IKO installs over `admin.site` (iko_project/urls.py)."""

    site_url = "/"  # "View site": the landing page, with the API documentation and the admin

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list  # one application's page keeps that application's models
        return ordered_app_list(app_list)
