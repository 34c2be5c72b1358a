"""Other applications' admin screens whose texts are not looked up in a catalogue, in the admin's language.

django-otp (the devices of the second factor) writes its texts as plain English strings, not
through gettext: its model and field names ("TOTP device", "created at"), help texts, fieldset
titles ("Identity", "Throttling"), the "QR Code" column and the search help. simple-certmanager's
signing requests and zgw-consumers' servers have fields without a translatable name ("common
name", "client id", "secret"), and a column titled from its method's name ("Csr link"). A
catalogue alone cannot translate a text that is never looked up, so here those texts are made
lazy translations of themselves when the admin loads: each is then looked up in IKO's catalogue,
where iko_project/third_party_texts.py lists them with their Dutch. Outside a request (migrations,
`makemigrations --check`, which switch translation off) a lazy text is the same English string, so
the models' migration state does not change. The other texts of these applications translate
through the catalogue alone.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_certmanager.admin import SigningRequestAdmin, download_csr_action
from simple_certmanager.models import SigningRequest
from zgw_consumers.models import Service


def _lazy(text):
    return text if text is None or isinstance(text, Promise) or not text else gettext_lazy(str(text))


def translate_model_texts(model) -> None:
    """The model's names and its fields' names and help texts, looked up in the catalogue."""
    opts = model._meta
    plural = str(opts.verbose_name_plural)
    opts.verbose_name = _lazy(str(opts.verbose_name))
    opts.verbose_name_plural = _lazy(plural)
    for field in opts.get_fields():
        if getattr(field, "verbose_name", None):
            field.verbose_name = _lazy(field.verbose_name)
        if getattr(field, "help_text", None):
            field.help_text = _lazy(field.help_text)


class TranslatedFieldsetsMixin:
    """Fieldset titles looked up in the catalogue when the page is drawn."""

    def get_fieldsets(self, request, obj=None):
        return [(gettext(name) if name else name, options) for name, options in super().get_fieldsets(request, obj)]


class IkoTOTPDeviceAdmin(TranslatedFieldsetsMixin, TOTPDeviceAdmin):
    search_help_text = _lazy(TOTPDeviceAdmin.search_help_text)

    @admin.display(description=gettext_lazy("QR Code"))
    def qrcode_link(self, device):
        return super().qrcode_link(device)


class IkoStaticDeviceAdmin(TranslatedFieldsetsMixin, StaticDeviceAdmin):
    search_help_text = _lazy(StaticDeviceAdmin.search_help_text)


@admin.action(description=gettext_lazy("Download the CSRs of the selected signing requests"))
def download_csrs(modeladmin, request, queryset):
    return download_csr_action(modeladmin, request, queryset)


class IkoSigningRequestAdmin(SigningRequestAdmin):
    actions = [download_csrs]

    @admin.display(description=gettext_lazy("Download CSR"))
    def csr_link(self, obj):
        return super().csr_link(obj)


for _model in (TOTPDevice, StaticDevice, StaticToken, SigningRequest, Service):
    translate_model_texts(_model)
for _model, _admin_class in ((TOTPDevice, IkoTOTPDeviceAdmin), (StaticDevice, IkoStaticDeviceAdmin),
                             (SigningRequest, IkoSigningRequestAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
