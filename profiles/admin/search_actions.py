"""Admin of search actions: an inline on the profile.

Registered from `ProfilesConfig.ready()`, so the profile admin (definitions.py) needs no change.
The model's `clean()` explains mistakes on the form: an unknown operation, a criterion the
operation does not take, a column the connector cannot deliver, an identifier the profile's view
cannot open.
"""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from profiles.admin.definitions import ProfileAdmin
from profiles.definitions.models import SearchAction


class SearchActionFormSet(BaseInlineFormSet):
    """A profile form posted without this inline's management form (a script, or a form made
    before search actions existed) leaves the search actions as they are instead of failing."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        total = f"{self.prefix}-TOTAL_FORMS"
        if self.is_bound and total not in self.data:
            self.data = self.data.copy()
            self.data.update({total: "0", f"{self.prefix}-INITIAL_FORMS": "0"})


class SearchActionInline(admin.StackedInline):
    model = SearchAction
    formset = SearchActionFormSet
    fk_name = "profile"
    classes = ["collapse"]  # folded: the relation tree above is what the profile page is mostly for
    extra = 0
    verbose_name = _("search action")
    verbose_name_plural = _("search actions (find the subject before opening the view)")
    fieldsets = [
        (None, {"fields": [("name", "order"), "title", "description", ("source", "operation")]}),
        (_("Criteria and result"), {"fields": ["criteria", "columns", ("identifier_column", "identifier_type"), "max_results"]}),
        (_("BRP"), {"fields": ["brp_doelbinding"], "classes": ["collapse"]}),
    ]


def register() -> None:
    """Add the inline to the profile admin once (ready() may run more than once in tests)."""
    if SearchActionInline not in ProfileAdmin.inlines:
        ProfileAdmin.inlines = [*ProfileAdmin.inlines, SearchActionInline]
