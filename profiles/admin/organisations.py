"""The admin per organisation (tenant): one mechanism for every model that belongs to one.

An organisation's administrators (staff users with an `OrganisationMember` row; staff without one
belong to the default organisation) see and change only their organisation's configuration and
records: the change lists, the change pages (another organisation's object is "not found"), the
choices of every foreign key and the organisation given to what they add. A superuser without a
membership sees every organisation, and can work in one of them (the organisations' action "Work in
this organisation") or in all again.

With one organisation (the default after the migration that introduced them) nothing of tenancy is
shown: no organisation column, filter or field, and organisations themselves stay out of the index.

`scope_registered_admins` replaces the registered admin of each model in `ORGANISATION_PATHS` with
a subclass that mixes in `OrganisationScopedAdmin` (its inlines too), so each concept's own admin
module stays as it is.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _

from connectors.server_owners import server_owner_set
from profiles.organisations.models import Organisation, OrganisationMember
from profiles.organisations.selectors import (
    ORGANISATION_PATHS, of_organisation, organisation_default_id, organisations_several,
)

# The session key of a superuser's chosen organisation.
SESSION_KEY = "iko_organisation"

def admin_organisation_id(request) -> int | None:
    """The organisation a staff user works in: their membership, else (a superuser) the one chosen
    in this session or None for all of them, else the default organisation."""
    user = request.user
    member = getattr(request, "_iko_organisation", "unknown")
    if member != "unknown":
        return member
    found = OrganisationMember.objects.filter(user_id=user.pk).values_list("organisation_id", flat=True).first()
    if found is None:
        if user.is_superuser:
            chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
            found = chosen if Organisation.objects.filter(pk=chosen).exists() else None
        else:
            found = organisation_default_id()
    request._iko_organisation = found
    return found


def _path(model) -> str | None:
    return ORGANISATION_PATHS.get(model._meta.label_lower)


def _scoped(queryset, organisation_id: int | None):
    """None: a superuser working in all organisations sees all."""
    return queryset if organisation_id is None else of_organisation(queryset, organisation_id)


class OrganisationScopedAdmin:
    """Mixed into a ModelAdmin or inline of a model in ORGANISATION_PATHS."""

    def get_queryset(self, request):
        return _scoped(super().get_queryset(request), admin_organisation_id(request))

    def get_inlines(self, request, obj):
        # Inlines scoped too (their foreign keys' choices): also those added after registration.
        return [_scoped_class(inline) for inline in super().get_inlines(request, obj)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped(field.queryset, admin_organisation_id(request))
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = _scoped(field.queryset, admin_organisation_id(request))
        return field

    def _organisation_shown(self, request) -> bool:
        # Only a superuser working in all organisations, and only when there are several.
        return organisations_several() and admin_organisation_id(request) is None

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if _owns_organisation(self.model) and not self._organisation_shown(request):
            exclude.append("organisation")
        return exclude

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if _owns_organisation(self.model) and not self._organisation_shown(request) and "organisation" in fields:
            fields.remove("organisation")
        elif _owns_organisation(self.model) and self._organisation_shown(request) and "organisation" not in fields:
            fields.insert(0, "organisation")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not (_owns_organisation(self.model) and self._organisation_shown(request)):
            return fieldsets
        named = [name for _, options in fieldsets for name in _flat(options.get("fields", ()))]
        if "organisation" in named:
            return fieldsets
        return [(None, {"fields": ["organisation"]}), *fieldsets]

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if self._organisation_shown(request) and _path(self.model) not in (None, "pk"):
            shown.append(_path(self.model))
        return shown

    def get_list_filter(self, request):
        # A filter by a related object lists only those of the organisation's own rows: the plain
        # one would list every organisation's (their names).
        filters = [_related_only(self.model, item) for item in super().get_list_filter(request)]
        if self._organisation_shown(request) and _path(self.model) not in (None, "pk"):
            filters.insert(0, _path(self.model))
        return filters

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not _owns_organisation(self.model):
            return form
        organisation_id = admin_organisation_id(request)

        class OrganisationForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # Before validation: the model's checks compare organisations (a grant's client
                # and profile), and names are unique per organisation.
                if self.instance.pk is None and organisation_id is not None:
                    self.instance.organisation_id = organisation_id

            def _get_validation_exclusions(self):
                # The organisation is not on the form, yet the unique names per organisation must
                # be checked here (a clash is a form error, never an IntegrityError).
                exclusions = super()._get_validation_exclusions()
                exclusions.discard("organisation")
                return exclusions

        OrganisationForm.__name__ = form.__name__
        return OrganisationForm

    def save_model(self, request, obj, form, change):
        organisation_id = admin_organisation_id(request)
        if _owns_organisation(self.model) and organisation_id is not None:
            obj.organisation_id = organisation_id
        super().save_model(request, obj, form, change)
        if self.model._meta.label_lower == "zgw_consumers.service" and not change and organisation_id is not None:
            # A server's organisation is kept beside it (connectors/server_owners.py).
            server_owner_set(obj, organisation_id)


def _related_only(model, item):
    if not isinstance(item, str):
        return item
    try:
        field = model._meta.get_field(item)
    except Exception:  # noqa: BLE001 - a lookup path or another kind of filter: as it is
        return item
    return (item, admin.RelatedOnlyFieldListFilter) if field.is_relation else item


def _flat(fields) -> list[str]:
    flat = []
    for name in fields:
        flat.extend(name if isinstance(name, (list, tuple)) else [name])
    return flat


def _owns_organisation(model) -> bool:
    try:
        field = model._meta.get_field("organisation")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: the model belongs through its parent
        return False
    return isinstance(field, models.ForeignKey) and field.related_model is Organisation


def _scoped_class(admin_class: type) -> type:
    if issubclass(admin_class, OrganisationScopedAdmin):
        return admin_class
    scoped = _scoped_classes.get(admin_class)
    if scoped is None:
        attributes = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
        scoped = _scoped_classes[admin_class] = type(admin_class.__name__, (OrganisationScopedAdmin, admin_class), attributes)
    return scoped


_scoped_classes: dict[type, type] = {}


def scope_registered_admins(site: admin.AdminSite = admin.site) -> None:
    """Re-register the admin of every organisation-owned model with the scoping mixed in."""
    for model, model_admin in list(site._registry.items()):
        if _path(model) is None or model is Organisation:
            continue
        site.unregister(model)
        site.register(model, _scoped_class(type(model_admin)))


def source_health_view(request):
    """The source health page (connectors/health_admin.py) with the staff user's organisation's
    sources only."""
    from connectors.health_admin import source_health_view as unscoped
    from connectors.models import Source

    return unscoped(request, sources=_scoped(Source.objects.all(), admin_organisation_id(request)))


class OrganisationMemberInline(admin.TabularInline):
    model = OrganisationMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Organisations, for superusers only (and only in the index when there are several)."""

    list_display = ["name", "slug", "oin", "is_default"]
    search_fields = ["name", "slug", "oin"]
    fields = ["name", "slug", "oin", "pseudonym_key_env", "is_default"]
    readonly_fields = ["is_default"]
    inlines = [OrganisationMemberInline]
    actions = ["work_in_organisation", "work_in_all"]

    def has_module_permission(self, request):
        return request.user.is_superuser and organisations_several()

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and not (obj is not None and obj.is_default)

    @admin.action(description=_("Work in this organisation (the admin shows only its configuration)"))
    def work_in_organisation(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one organisation."), messages.ERROR)
            return
        organisation = queryset.get()
        request.session[SESSION_KEY] = organisation.pk
        self.message_user(request, _("You now work in %(name)s.") % {"name": organisation.name}, messages.SUCCESS)

    @admin.action(description=_("Work in all organisations again"))
    def work_in_all(self, request, queryset):
        request.session.pop(SESSION_KEY, None)
        self.message_user(request, _("You now see every organisation."), messages.SUCCESS)
