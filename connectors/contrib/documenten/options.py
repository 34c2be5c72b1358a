"""The options of a Documenten source, declared once (connectors/options.py).

* `max_vertrouwelijkheidaanduiding` (required): the most confidential documents this source may
  show at all, one of the API's values from `openbaar` to `zeer_geheim`. A grant's own maximum
  (the call context's) and a call's parameter `maximaleVertrouwelijkheidaanduiding` may lower it
  further, never raise it. Required, because any default would be a guess about what a municipality allows.
* `relations_via` ("zaken", default, or "documenten"): where the documents of a zaak are found.
  "zaken" asks the Zaken API's `zaakinformatieobjecten` (the zaak's own relations; needs
  `zaken_service`); "documenten" asks the Documenten API's `objectinformatieobjecten` (the
  mirror the Documenten API keeps of them).
* `zaken_service` (a server slug): the Zaken server, required with "zaken"; whenever it is set, a
  zaak URL is only accepted when it lies under this server's API root.
* `catalogi_service` (a server slug, optional): the Catalogi server whose informatieobjecttypen
  name the documents; without it only the type's URL is given.
* `informatieobjecttype_cache_seconds` (0..86400, default 300): how long informatieobjecttypen
  are kept in memory (reference data, no personal data; 0: not cached).
* `max_documenten` (1..500, default 100): at most this many documents per zaak.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ...options import Choice, Integer, Options, Server
from .fields import VERTROUWELIJKHEID

RELATIONS_VIA = ("zaken", "documenten")


class DocumentenOptions(Options):
    max_vertrouwelijkheidaanduiding = Choice(
        choices=VERTROUWELIJKHEID, required=True,
        help=_("the most confidential documents this source may show"),
    )
    relations_via = Choice(default="zaken", choices=RELATIONS_VIA,
                           help=_("where a zaak's documents are found: the Zaken or the Documenten API"))
    zaken_service = Server(help=_("the slug of the Zaken server"))
    catalogi_service = Server(help=_("the slug of the Catalogi server that names the informatieobjecttypen"))
    informatieobjecttype_cache_seconds = Integer(default=300, minimum=0, maximum=86400,
                                                 help=_("how long informatieobjecttypen are kept in memory"))
    max_documenten = Integer(default=100, minimum=1, maximum=500, help=_("the most documents per zaak"))

    def check(self) -> list[str]:
        if self.relations_via == "zaken" and not self.zaken_service:
            return [str(_('relations_via "zaken" needs zaken_service: the slug of the Zaken server.'))]
        return []
