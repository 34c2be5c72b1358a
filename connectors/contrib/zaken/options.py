"""The options of a Zaken source, checked with readable messages for the admin.

* `max_zaken` (1..1000, default 100): at most this many zaken per subject; pages are followed
  until the cap, and the result says when the cap cut the list.
* `zaaktype_via` ("expand", default, or "catalogi"): how the zaaktype name is found. "expand"
  asks the Zaken API to inline it (`expand=zaaktype,status,status.statustype`, an Open Zaak
  extension of the standard): no extra calls. "catalogi" reads zaaktypen and statustypen from
  the Catalogi server, cached, and each zaak's status from the Zaken API: for Zaken APIs
  without `expand`.
* `catalogi_service` (a server slug): the Catalogi server. Required with "catalogi"; with
  "expand" it is the fallback for what the Zaken API did not inline. Zaaktype and statustype
  URLs are only followed when they lie under this server's API root.
* `zaaktype_cache_seconds` (0..86400, default 300): how long zaaktypen and statustypen are
  kept in memory (0: not cached).
* `max_status_lookups` (0..1000, default 25): with "catalogi", at most this many zaken get their
  status fetched (one call each); the others keep only the status URL.
"""

from __future__ import annotations

from typing import Any, Mapping

from django.utils.translation import gettext_lazy as _

from ...options import Choice, Integer, Options, Server

ZAAKTYPE_VIA = ("expand", "catalogi")


class ZakenOptions(Options):
    messages = {"range": "Option {name} must be from {minimum} to {maximum}{got}."}
    max_zaken = Integer(default=100, minimum=1, maximum=1000, help=_("the most zaken per subject"))
    zaaktype_via = Choice(default="expand", choices=ZAAKTYPE_VIA, help=_("how zaaktype names are found"))
    catalogi_service = Server(help=_("the slug of the Catalogi server"))
    zaaktype_cache_seconds = Integer(default=300, minimum=0, maximum=86400,
                                     help=_("how long zaaktypen are kept in memory"))
    max_status_lookups = Integer(default=25, minimum=0, maximum=1000,
                                 help=_("the most statuses fetched per call with catalogi"))

    def check(self) -> list[str]:
        if self.zaaktype_via == "catalogi" and not self.catalogi_service:
            return ['zaaktype_via "catalogi" needs catalogi_service: the slug of the Catalogi server.']
        return []


def clean_options(options: Mapping[str, Any] | None) -> ZakenOptions:
    """The options with defaults filled in; ValidationError listing every problem."""
    return ZakenOptions.parse(options)
