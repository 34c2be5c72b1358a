"""The `--organisation` option of IKO's configuration commands (`setup_configuration`,
`config_export`): one parser for the name an operator types, so both commands accept the same
keys and fail with the same message."""

from __future__ import annotations

from django.core.management.base import CommandError

from profiles.organisations.selectors import organisation_get


def organisation_option_add(parser) -> None:
    parser.add_argument("--organisation", help="the organisation's short name or OIN (default: the default one)")


def organisation_id_named(key: str | None) -> int | None:
    """The organisation a command's --organisation names; None without one (the default)."""
    if not key:
        return None
    found = organisation_get(key=key)
    if found is None:
        raise CommandError(f"There is no organisation {key!r} (give its short name or OIN).")
    return found.pk

