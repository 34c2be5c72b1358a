"""Purpose-binding (protocollering) headers towards a BRP gateway, and the options that set them.

`x-doelbinding`, `x-verwerking`, `x-gebruiker` and `x-origin-oin` are gateway conventions, not an
RvIG standard (tests/specs/README.md, "BRP API Personen 2.7"),
so each BRP source says whether to send them and under which names. The values come from the
view's purpose and caller (`CallContext`): the purpose's doelbinding for consulting
(`RaadpleegMet...`) or searching (`ZoekMet...`), its verwerking (`activiteit@detail`), the end
user (or `BurgerZelf`), and the organisation's OIN.

Options of a BRP source (JSON, all optional):

    {"protocol_headers": true,
     "header_names": {"doelbinding": "x-doelbinding", "verwerking": "x-verwerking",
                      "gebruiker": "x-gebruiker", "origin_oin": "x-origin-oin"},
     "origin_oin": "00000001234567890000"}

- `protocol_headers` (default false): send the headers at all. When on, a query whose purpose has
  no doelbinding is not sent (the gateway would refuse it, or worse, log it under no purpose).
- `header_names`: another name per header for gateways that differ; `""` leaves that header out.
- `origin_oin`: the OIN (20 digits) sent as origin; default `IKO_ORGANISATION_OIN`.
Values are limited to 242 characters (Open Formulieren and ZAC do the same); the verwerking has
at most one `@`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

from django.utils.translation import gettext_lazy as _

from ...base import CallContext, ConnectorError
from ...options import Boolean, Custom, OptionInvalid, Options, Text

DEFAULT_HEADER_NAMES = {
    "doelbinding": "x-doelbinding",
    "verwerking": "x-verwerking",
    "gebruiker": "x-gebruiker",
    "origin_oin": "x-origin-oin",
}
# RFC 9110, 5.1: a field name is a token.
HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
RESERVED = {"authorization", "content-type", "content-length", "accept", "host", "traceparent", "tracestate"}
OIN = re.compile(r"\d{20}")
MAX_VALUE = 242
SEARCH_PREFIX = "ZoekMet"


def _header_names(names: Any) -> dict[str, str]:
    if not isinstance(names, dict):
        raise OptionInvalid(messages=["header_names must be an object, e.g. {\"doelbinding\": \"x-doelbinding\"}."])
    errors = []
    wrong = sorted(set(names) - set(DEFAULT_HEADER_NAMES))
    if wrong:
        errors.append(f"header_names knows only {', '.join(DEFAULT_HEADER_NAMES)}; not {', '.join(wrong)}.")
    for key, name in names.items():
        if not isinstance(name, str) or (name and not HEADER_NAME.fullmatch(name)):
            errors.append(f"header_names.{key} must be a header name (letters, digits, '-'), or \"\" to leave it out.")
        elif name.lower() in RESERVED:
            errors.append(f"header_names.{key} may not be {name}: IKO sets that header itself.")
    chosen = [n.lower() for n in {**DEFAULT_HEADER_NAMES, **names}.values() if isinstance(n, str) and n]
    if len(chosen) != len(set(chosen)):
        errors.append("header_names gives two headers the same name.")
    if errors:
        raise OptionInvalid(messages=errors)
    return names


class BrpOptions(Options):
    """The options of a BRP source; stored as given (the defaults live here, not in the source)."""

    fill_defaults = False
    messages = {"boolean": "{name} must be true or false."}
    protocol_headers = Boolean(default=False, help=_("send the purpose-binding headers"))
    header_names = Custom(default={}, clean=_header_names, help=_("another name per header, or \"\" to leave it out"))
    origin_oin = Text(pattern=OIN.pattern, help=_("the OIN sent as origin"), messages={
        "text": "origin_oin must be an OIN: 20 digits, e.g. 00000001234567890000.",
        "pattern": "origin_oin must be an OIN: 20 digits, e.g. 00000001234567890000.",
    })


def clean_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The options as given, checked; ValidationError listing every problem."""
    BrpOptions.parse(options)
    return dict(options or {})


def _printable(value: str) -> str:
    """A header value: no control characters, Latin-1 only (accents folded), at most 242 chars."""
    value = unicodedata.normalize("NFKC", value)
    chars = []
    for char in value:
        if unicodedata.category(char)[0] == "C":
            continue
        if ord(char) > 0xFF:
            char = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or "?"
        chars.append(char)
    return "".join(chars).strip()[:MAX_VALUE]


def _checked(value: str, what: str) -> str:
    if value != _printable(value):
        raise ConnectorError(f"The purpose's {what} is not a valid header value; fix it in the admin.")
    return value


def protocol_headers(options: Mapping[str, Any], context: CallContext, *, operation: str) -> dict[str, str]:
    """The purpose-binding headers for one query, or {} when the source does not send them."""
    if not options.get("protocol_headers"):
        return {}
    names = {**DEFAULT_HEADER_NAMES, **(options.get("header_names") or {})}
    search = operation.startswith(SEARCH_PREFIX)
    doelbinding = (context.doelbinding_search or context.doelbinding_consult) if search else context.doelbinding_consult
    headers: dict[str, str] = {}
    if names["doelbinding"]:
        if not doelbinding:
            kind = "search" if search else "consult"
            raise ConnectorError(
                f"The purpose {context.purpose_code or '(none)'} has no BRP doelbinding ({kind}); "
                "the BRP gateway of this source needs one, so nothing was sent."
            )
        headers[names["doelbinding"]] = _checked(doelbinding, "BRP doelbinding")
    if names["verwerking"] and context.verwerking:
        verwerking = _checked(context.verwerking, "BRP verwerking")
        if verwerking.count("@") > 1:
            raise ConnectorError("The purpose's BRP verwerking has more than one '@'; fix it in the admin.")
        headers[names["verwerking"]] = verwerking
    gebruiker = _printable(context.gebruiker)
    if names["gebruiker"] and gebruiker:
        headers[names["gebruiker"]] = gebruiker
    origin_oin = options.get("origin_oin") or context.origin_oin
    if names["origin_oin"] and origin_oin:
        if not OIN.fullmatch(origin_oin):
            raise ConnectorError("The origin OIN is not 20 digits; fix IKO_ORGANISATION_OIN or the source's origin_oin.")
        headers[names["origin_oin"]] = origin_oin
    return headers
