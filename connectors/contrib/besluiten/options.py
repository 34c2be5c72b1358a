"""The options of a Besluiten source, declared once (connectors/options.py).

* `max_besluiten` (1..500, default 100): at most this many besluiten per call; the result says
  when the cap cut the list.
* `catalogi_service` (a server slug, optional): the Catalogi server whose besluittypen name the
  besluiten. Without it a besluit carries only its besluittype URL. Besluittype URLs are only
  followed when they lie under this server's API root.
* `besluittype_cache_seconds` (0..86400, default 300): how long besluittypen are kept in memory
  (0: not cached); they are reference data without personal data.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ...options import Integer, Options, Server


class BesluitenOptions(Options):
    max_besluiten = Integer(default=100, minimum=1, maximum=500, help=_("the most besluiten per call"))
    catalogi_service = Server(help=_("the slug of the Catalogi server that names the besluittypen"))
    besluittype_cache_seconds = Integer(default=300, minimum=0, maximum=86400,
                                        help=_("how long besluittypen are kept in memory"))
