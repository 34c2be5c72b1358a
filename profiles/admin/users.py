"""Users and groups in the admin, with their permissions named in the admin's language.

Django stores a permission's name in English when it migrates ("Can add profile", from
"Can %(action)s %(verbose_name)s" with the model's untranslated name) and the user and group
pages list those stored names. The names are not rewritten in the database: they are data that
other installations, `manage.py` and fixtures share, and a stored Dutch name would be wrong for a
user who works in English. Instead the permission widgets show each name translated when the page
is drawn: Django's four default permissions from the action and the model's translated
verbose_name, IKO's own (the models' `Meta.permissions`, marked with `gettext_noop` so that they
reach the catalogue) through gettext. A name this module does not know is shown as stored.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.utils.translation import gettext, gettext_lazy as _

# Django's default permissions ("add", "change", "delete", "view"), one text each so that a
# language can place the model's name where its grammar wants it.
DEFAULT_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_name(permission: Permission) -> str:
    """The permission's name in the active language."""
    model = permission.content_type.model_class()
    if model is not None:
        action, _sep, model_name = permission.codename.partition("_")
        opts = model._meta
        if (action in DEFAULT_ACTIONS and model_name == opts.model_name
                and permission.name == f"Can {action} {opts.verbose_name_raw}"):
            return DEFAULT_ACTIONS[action] % {"model": opts.verbose_name}
    return gettext(permission.name)


def permission_label(permission: Permission) -> str:
    """As Django's widget shows a permission ("application | model | name"), translated."""
    return f"{permission.content_type} | {permission_name(permission)}"


class TranslatedPermissionsMixin:
    """Shows the `permissions` and `user_permissions` choices with translated names."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions") and formfield is not None:
            formfield.label_from_instance = permission_label
        return formfield


class IkoUserAdmin(TranslatedPermissionsMixin, UserAdmin):
    pass


class IkoGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    pass


for _model, _admin_class in ((User, IkoUserAdmin), (Group, IkoGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
