"""Write-only credentials in the server admin: a server's secret and API key are never shown.

The server page says whether a credential is set, offers an empty field to replace it and a box
to remove it; leaving the field empty keeps what is stored. The value itself is never rendered,
not even to a staff user who may only view servers (`CREDENTIAL_STATUS_FIELDS`). At rest the
values are encrypted (connectors/credentials.py).
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

from .credentials import CREDENTIAL_FIELDS, MAX_CREDENTIAL_LENGTH

KEEP, REPLACE, REMOVE = "keep", "replace", "remove"
# Read-only stand-ins for the credential fields, for staff who may view but not change servers.
CREDENTIAL_STATUS_FIELDS = {field: f"{field}_status" for field in CREDENTIAL_FIELDS}


def credential_is_set(service, field: str) -> bool:
    """Whether the server has this credential stored (also one no configured key decrypts)."""
    return bool(getattr(service, field, "")) or field in getattr(service, "_iko_undecryptable", {})


def credential_status_text(is_set: bool) -> str:
    return gettext("Set") if is_set else gettext("Not set")


class CredentialInput(forms.PasswordInput):
    """An empty password input (never the stored value), the credential's status, and a box to
    remove it. Its data is (new value, remove)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False)
        self.is_set = False

    def value_from_datadict(self, data, files, name):
        return (data.get(name, "") or "", f"{name}_remove" in data)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_remove" not in data

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "placeholder": gettext("Enter a new value to replace it") if self.is_set else ""}
        field = super().render(name, None, attrs, renderer)
        remove = ""
        if self.is_set:
            remove = format_html(
                '<label><input type="checkbox" name="{}_remove" id="id_{}_remove"> {}</label>',
                name, name, gettext("Remove the stored value"),
            )
        return format_html('<div><strong>{}</strong></div>{}{}', credential_status_text(self.is_set), field, remove)


class CredentialField(forms.Field):
    """A credential as (action, new value): keep what is stored, replace it, or remove it."""

    widget = CredentialInput

    def to_python(self, value):
        text, remove = value if isinstance(value, tuple) else (value or "", False)
        text = text.strip()
        if remove:
            return (REMOVE, "")
        return (REPLACE, text) if text else (KEEP, "")

    def validate(self, value):
        action, text = value
        if action == REPLACE and len(text) > MAX_CREDENTIAL_LENGTH:
            raise forms.ValidationError(
                _("At most %(limit)s characters: the value is stored encrypted."), params={"limit": MAX_CREDENTIAL_LENGTH},
            )

    def has_changed(self, initial, data):
        text, remove = data if isinstance(data, tuple) else ("", False)
        return bool(text.strip()) or remove


def credentials_resolve(form, cleaned: dict) -> None:
    """Turn each credential field's (action, value) into the value to store: the new value, "",
    or the stored value (kept). Called by the server form's `clean` before anything checks them."""
    for field in CREDENTIAL_FIELDS:
        if field not in cleaned or not isinstance(cleaned[field], tuple):
            continue
        action, text = cleaned[field]
        if action == REPLACE:
            cleaned[field] = text
        elif action == REMOVE:
            cleaned[field] = ""
            getattr(form.instance, "_iko_undecryptable", {}).pop(field, None)  # really gone
        else:
            cleaned[field] = getattr(form.instance, field, "") or ""


def credentials_prepare(form) -> None:
    """Give each credential field of a server form its status, and drop the stored values from the
    form's initial data, so that nothing can render them."""
    for field in CREDENTIAL_FIELDS:
        if field in form.fields:
            form.fields[field].widget.is_set = credential_is_set(form.instance, field)
        form.initial.pop(field, None)
