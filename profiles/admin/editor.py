"""The profile editor's relation tree: relations in tree order, with choices from the connectors.

The profile page edits a profile's relations as one inline formset (so every validation of
`Relation.clean` and of the formset still runs at save), but shows them as the tree they form:
parent before child, children indented under their parent, in their `order`. The page embeds the
connector catalogue of every source (its operations, each with its parameters and the fields it
can deliver, from the connector registry), so a little script (`profiles/static/profiles/editor.js`)
can offer the operations of the chosen source, the fields of the chosen operation as a checklist,
the fields a child's input expression can read from its parent, and add a child under a relation
in place. Without the script the same form works with plain inputs (JSON lists of fields).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext, gettext_lazy as _

from connectors.models import Source
from profiles.definitions.models import Relation
from profiles.organisations.selectors import of_organisation


def source_catalogue(organisation_id: int | None = None) -> dict[str, dict]:
    """Per source (by primary key, as the source select's values): its connector's operations,
    with their description, parameters, subject types and the fields they can deliver.

    Only the connector's declaration: nothing here calls a source. `organisation_id`: only that
    organisation's sources (None: a superuser working in all organisations sees all)."""
    catalogue = {}
    sources = Source.objects.all() if organisation_id is None else of_organisation(Source.objects.all(), organisation_id)
    for source in sources.order_by("name"):
        connector_class = source.connector_class
        catalogue[str(source.pk)] = {
            "name": source.name,
            "connector": connector_class.title if connector_class else source.connector,
            "operations": {
                name: {
                    # The connectors mark their descriptions for translation (gettext_noop); a
                    # description from configuration (the generic connector) is shown as written.
                    "description": gettext(operation.description) if operation.description else "",
                    "subjectTypes": list(operation.subject_types),
                    "params": [param.name for param in operation.parameters if param.name not in operation.subject_types],
                    "many": operation.many,
                    "fields": list(operation.fields),
                }
                for name, operation in source.operations.items()
            },
        }
    return catalogue


def _operation_choices(form: forms.ModelForm) -> list[tuple[str, str]]:
    """The operations of the form's source (as posted, or as saved), plus its current value so
    that an operation the source lost is still shown (and refused by `Relation.clean`)."""
    source_id = form["source"].value()
    source = Source.objects.filter(pk=source_id).first() if source_id not in (None, "") else None
    choices = [("", "---------")]
    if source is not None:
        choices += [(name, name) for name in source.operations]
    current = form["operation"].value()
    if current and current not in {value for value, _label in choices}:
        choices.append((current, current))
    return choices


class RelationForm(forms.ModelForm):
    """A relation's form in the tree: an operation select, compact inputs, fields as JSON lists
    (which the script shows as checklists)."""

    class Meta:
        model = Relation
        fields = ["name", "order", "parent", "source", "operation", "input_expression", "fields", "release_fields",
                  "output_transform", "max_calls", "required", "needs_consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].widget = forms.Select(choices=_operation_choices(self),
                                                       attrs={"class": "iko-operation"})
        self.fields["source"].widget.attrs["class"] = "iko-source"
        if "parent" in self.fields:
            self.fields["parent"].label_from_instance = lambda relation: relation.name
            self.fields["parent"].widget.attrs["class"] = "iko-parent"
        self.fields["input_expression"].widget.attrs.update(rows=3, cols=60, spellcheck="false",
                                                           **{"class": "iko-expression"})
        self.fields["output_transform"].widget.attrs.update(rows=2, cols=60, spellcheck="false")
        for name in ("fields", "release_fields"):
            self.fields[name].widget.attrs.update(rows=2, cols=60, spellcheck="false", **{"class": f"iko-json-{name}"})
        self.fields["order"].widget.attrs.update(style="width: 4em")
        self.fields["max_calls"].widget.attrs.update(style="width: 4em")


@dataclass(frozen=True)
class TreeRow:
    """One relation's form, where it sits in the tree."""

    form: forms.ModelForm
    depth: int
    pk: int | None


class RelationTreeFormSet(BaseInlineFormSet):
    def tree_rows(self) -> list[TreeRow]:
        """The forms in tree order: each parent before its children, siblings by order and name.

        New forms (after a save with errors) sit under the parent they name; a form whose parent
        is not on the page, or that is caught in a loop of parents, is shown at the top level
        (saving it is refused by `Relation.clean`)."""
        entries = []
        for form in self.forms:
            pk = form.instance.pk
            parent = form["parent"].value()
            order = form["order"].value()
            try:
                order = int(order)
            except (TypeError, ValueError):
                order = 0
            entries.append((form, pk, str(parent) if parent not in (None, "") else None, order, form["name"].value() or ""))
        by_parent: dict[str | None, list] = {}
        known = {str(pk) for _form, pk, *_rest in entries if pk is not None}
        for entry in entries:
            parent = entry[2] if entry[2] in known else None
            by_parent.setdefault(parent, []).append(entry)
        rows: list[TreeRow] = []
        placed: set[int] = set()

        def place(parent: str | None, depth: int) -> None:
            for form, pk, _parent, _order, _name in sorted(by_parent.get(parent, []), key=lambda e: (e[3], e[4])):
                if id(form) in placed:
                    continue
                placed.add(id(form))
                rows.append(TreeRow(form=form, depth=depth, pk=pk))
                if pk is not None:
                    place(str(pk), depth + 1)

        place(None, 0)
        rows.extend(TreeRow(form=e[0], depth=0, pk=e[1]) for e in entries if id(e[0]) not in placed)
        return rows


class RelationTreeInline(admin.StackedInline):
    """The relations of a profile, edited as a tree (templates/admin/profiles/profile/relation_tree.html)."""

    model = Relation
    fk_name = "profile"
    form = RelationForm
    formset = RelationTreeFormSet
    extra = 0
    template = "admin/profiles/profile/relation_tree.html"
    verbose_name = _("relation")
    verbose_name_plural = _("relations (the tree of source calls)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Only relations of this profile can be a parent.
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Relation.objects.filter(profile_id=object_id) if object_id else Relation.objects.none()
        if db_field.name == "source":
            kwargs["queryset"] = Source.objects.order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            # A plain select: the add/change/delete icons beside every relation's source and
            # parent crowd the tree; sources are managed on their own page.
            formfield.widget = formfield.widget.widget
        return formfield
