"""Front-door aliases of a source's operations: the names and parameters a case system knows.

A case system written for the reference IKO Server calls
`/endpoints/{connectorTag}/{instanceTag}/{operation}?...` with the operation and parameter names of
the reference server's connectors: Valtimo asks the BRP for `Personen?type=ZoekMetAdres&
toevoeging=A&fields=naam,geboorte`, where IKO's BRP connector has one operation per query type
and calls that parameter `huisnummertoevoeging`. An `OperationAlias` maps such a call onto one of
the source's operations, configured in the admin (inline on the source) or in a configuration
file, without code:

- `operations`: the operations the alias may run, in order. With a `selector_param` (the BRP's
  `type`) its value names the operation, directly or through `selector_values`
  (`{"ZoekMetAdres": "ZoekMetPostcodeEnHuisnummer"}`); without one, or when the caller leaves it
  out, the first operation whose required parameters the call gives is run (a BSN: consulting; a
  surname and birth date: the search).
- `params`: the caller's parameter names mapped to the operation's (`{"burgerservicenummer":
  "bsn", "toevoeging": "huisnummertoevoeging"}`); a name mapped to null is accepted and not
  passed on (a view parameter the reference server ignores too). Names not listed pass through
  as they are, and are refused, as always, when the operation does not take them.
- `fixed_params`: values the alias always sends (`{"inclusiefOverledenPersonen": "false"}`); a
  caller who gives another value is refused.
- `fields_param`: the parameter in which the caller lists the fields it wants (`fields`,
  comma-separated paths); what comes back is that list intersected with what the caller's grant
  releases, so asking for more is no error: it just does not come back.
- `result_transform`: a JQ expression applied to each item of the answer after field
  minimisation, to give the rows the shape the case system's columns read (it sees only released
  fields, so it cannot release more).

Every name is checked against the source's operations when the alias is saved. Running an alias
is in profiles/services/aliases.py; it ends in the same endpoint call as the operation itself,
with the same grants, minimisation, subject checks and processing record.
"""

from __future__ import annotations

import re
from typing import Any

import jq
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext, gettext_lazy as _

ALIAS_NAME = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_.-]{0,99}$",
    _("Give a name of letters, digits, '_', '.' or '-', starting with a letter (it is a path segment)."),
)
PARAM_NAME = re.compile(r"^[^\s&=#?]{1,200}$")


class OperationAlias(models.Model):
    """One name a case system calls a source's operation(s) by, with its parameter mapping."""

    source = models.ForeignKey("connectors.Source", verbose_name=_("source"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(
        _("alias"), max_length=100, validators=[ALIAS_NAME],
        help_text=_("The operation name the case system uses in /endpoints/{connectorTag}/{instanceTag}/{operation}, "
                    "for example Personen."),
    )
    description = models.TextField(_("description"), blank=True)
    operations = models.JSONField(
        _("operations"), default=list, blank=True,  # blank: clean() says what is missing
        help_text=_('JSON list of the source\'s operations this alias may run, in order, for example '
                    '["RaadpleegMetBurgerservicenummer", "ZoekMetGeslachtsnaamEnGeboortedatum"]. Without a selector '
                    "parameter, the first one whose required parameters the call gives is run."),
    )
    selector_param = models.CharField(
        _("selector parameter"), max_length=100, blank=True,
        help_text=_("The parameter whose value names the operation to run, for example type. Empty: the "
                    "parameters given decide."),
    )
    selector_values = models.JSONField(
        _("selector values"), default=dict, blank=True,
        help_text=_('JSON object of selector values that are not an operation\'s own name, with the operation '
                    'each runs, for example {"ZoekMetAdres": "ZoekMetPostcodeEnHuisnummer"}.'),
    )
    params = models.JSONField(
        _("parameter names"), default=dict, blank=True,
        help_text=_('JSON object of the caller\'s parameter names and the operation\'s, for example '
                    '{"burgerservicenummer": "bsn", "toevoeging": "huisnummertoevoeging"}. A name mapped to null '
                    "is accepted and not passed on. Names not listed pass through unchanged."),
    )
    fixed_params = models.JSONField(
        _("fixed values"), default=dict, blank=True,
        help_text=_('JSON object of operation parameters the alias always sends, for example '
                    '{"inclusiefOverledenPersonen": "false"}. A caller who sends another value is refused.'),
    )
    fields_param = models.CharField(
        _("fields parameter"), max_length=100, blank=True,
        help_text=_("The parameter in which the caller lists the fields it wants, comma-separated (the "
                    "reference server's fields). The answer holds those of them the caller's grant releases."),
    )
    result_transform = models.TextField(
        _("result transform"), blank=True,
        help_text=_("Optional JQ expression applied to each item of the answer, after the fields the caller may "
                    "not have are removed, for example {basisgegevens: {naam: .naam.volledigeNaam}}."),
    )

    class Meta:
        ordering = ["source", "name"]
        verbose_name = _("operation alias")
        verbose_name_plural = _("operation aliases")
        constraints = [models.UniqueConstraint(fields=["source", "name"], name="unique_operation_alias_name")]

    def __str__(self) -> str:
        return f"{self.source.name}: {self.name}" if self.source_id else self.name

    # -- reading ---------------------------------------------------------------------------

    def operation_for(self, value: str) -> str | None:
        """The operation a selector value names (None: not one of this alias's operations)."""
        operation = (self.selector_values or {}).get(value, value)
        return operation if operation in (self.operations or []) else None

    def as_dict(self) -> dict[str, Any]:
        """The alias as a configuration document lists it (profiles/configuration/)."""
        return {
            "name": self.name, "description": self.description, "operations": list(self.operations or []),
            "selectorParam": self.selector_param, "selectorValues": dict(self.selector_values or {}),
            "params": dict(self.params or {}), "fixedParams": dict(self.fixed_params or {}),
            "fieldsParam": self.fields_param, "resultTransform": self.result_transform,
        }

    # -- checking --------------------------------------------------------------------------

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        offered = self.source.operations if self.source_id else {}
        if self.name and self.name in offered:
            add("name", gettext("The source has an operation of this name itself; an alias cannot hide it."))
        candidates = self.operations
        if not isinstance(candidates, list) or not candidates or not all(isinstance(o, str) for o in candidates):
            add("operations", gettext("Give a JSON list of at least one of the source's operations."))
            candidates = []
        unknown = [o for o in candidates if o not in offered]
        if unknown:
            add("operations", gettext("The source has no operation(s) %(names)s; it has: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(offered) or "-"})
        accepted = {
            name for o in candidates if o in offered
            for name in (*offered[o].subject_types, *offered[o].params)
        }
        reserved = {n for n in (self.selector_param, self.fields_param) if n}
        if self.selector_param and self.selector_param == self.fields_param:
            add("fields_param", gettext("The fields parameter cannot also be the selector parameter."))
        for field, name in (("selector_param", self.selector_param), ("fields_param", self.fields_param)):
            if name and not PARAM_NAME.match(name):
                add(field, gettext("Give a parameter name without spaces, '&', '=', '#' or '?'."))
        selector_values = self.selector_values
        if not isinstance(selector_values, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in selector_values.items()
        ):
            add("selector_values", gettext("Give a JSON object of texts: a selector value and the operation it runs."))
        else:
            if selector_values and not self.selector_param:
                add("selector_values", gettext("Selector values need a selector parameter."))
            wrong = sorted(v for v in selector_values.values() if v not in candidates)
            if wrong:
                add("selector_values", gettext("Not among this alias's operations: %(names)s.") % {"names": ", ".join(wrong)})
        params = self.params
        if not isinstance(params, dict) or not all(
            isinstance(k, str) and PARAM_NAME.match(k) and (v is None or isinstance(v, str)) for k, v in params.items()
        ):
            add("params", gettext("Give a JSON object of parameter names: the caller's name and the operation's "
                                  "(or null to accept it without passing it on)."))
        else:
            clashing = sorted(reserved & set(params))
            if clashing:
                add("params", gettext("%(names)s is the selector or fields parameter; do not map it as well.")
                    % {"names": ", ".join(clashing)})
            untaken = sorted(v for v in params.values() if v is not None and v not in accepted)
            if untaken and candidates and not unknown:
                add("params", gettext("None of the alias's operations takes %(names)s; they take: %(known)s.")
                    % {"names": ", ".join(untaken), "known": ", ".join(sorted(accepted)) or "-"})
        fixed = self.fixed_params
        if not isinstance(fixed, dict) or not all(
            isinstance(k, str) and isinstance(v, (str, int, bool)) for k, v in fixed.items()
        ):
            add("fixed_params", gettext("Give a JSON object of operation parameters and their (text, number or "
                                        "true/false) values."))
        else:
            untaken = sorted(k for k in fixed if k not in accepted)
            if untaken and candidates and not unknown:
                add("fixed_params", gettext("None of the alias's operations takes %(names)s.") % {"names": ", ".join(untaken)})
        transform = (self.result_transform or "").strip()
        if transform:
            try:
                jq.compile(transform)
            except ValueError as exc:
                add("result_transform", gettext("This JQ expression does not compile: %(error)s")
                    % {"error": " ".join(str(exc).split())[:300]})
        if errors:
            raise ValidationError(errors)
