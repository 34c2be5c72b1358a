"""The admin's login: maykin-2fa's login (password, then the second factor) with IKO's ways in.

maykin-2fa's login view walks django-two-factor-auth's steps: the password (`auth`), then the code
of the authenticator app (`token`) or a backup token (`backup`); a staff member without an app
is sent to set one up. IKO's view adds the login with the organisation account (OIDC) beside it
and takes IKO's password form (`api.oidc.AdminLoginForm`), which refuses passwords while password
login is switched off. The template is templates/maykin_2fa/login.html.
"""

from __future__ import annotations

from django.urls import path
from maykin_2fa import urls as maykin_urls
from maykin_2fa.views import AdminLoginView
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm

from api.oidc import AdminLoginForm, oidc_enabled, password_login_enabled


class IkoAdminLoginView(AdminLoginView):
    form_list = (
        (AdminLoginView.AUTH_STEP, AdminLoginForm),
        (AdminLoginView.TOKEN_STEP, AuthenticationTokenForm),
        (AdminLoginView.BACKUP_STEP, BackupTokenForm),
    )

    def get_prefix(self, request, *args, **kwargs):
        # maykin-2fa's recovery-token view reads the login's wizard storage under this prefix.
        return "admin_login_view"

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context.update(
            oidc_enabled=oidc_enabled(),
            password_login_enabled=password_login_enabled(),
            oidc_login_failed=self.request.GET.get("oidc") == "failed",
        )
        return context


# maykin-2fa's URLs (namespace "maykin_2fa", mounted under admin/ before the admin itself), with
# IKO's login view in place of maykin-2fa's.
urlpatterns = [
    path("login/", IkoAdminLoginView.as_view(), name="login"),
    *(pattern for pattern in maykin_urls.urlpatterns if pattern.name != "login"),
]
