"""`ServerFsc`: the FSC outway through which one server is reached, and its contract's grant hash.

A row next to a `zgw_consumers.Service` (which IKO does not change): a server with one is called
through its outway as `connectors/fsc.py` describes; a server without one is called directly. The
admin edits it inline on the server; `connectors.servers` checks it with the server.
`fsc_routes_attach` loads the routes of a source's servers where its snapshot is taken (the request
thread), and `fsc_route_of` reads them where the calls are made (the runner's workers).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fsc import FscRoute, grant_hash_problems, outway_address_problems


class ServerFsc(models.Model):
    service = models.OneToOneField(
        "zgw_consumers.Service", on_delete=models.CASCADE, related_name="iko_fsc", verbose_name=_("server"),
    )
    outway_address = models.URLField(
        _("outway address"), max_length=500,
        help_text=_(
            "Address of your organisation's FSC outway, such as http://outway.internal:8080/. Calls go to this "
            "address plus the path below the server's API root; add a path here when the service's endpoint "
            "at the inway is the host's root."
        ),
    )
    grant_hash = models.CharField(
        _("grant hash"), max_length=250,
        help_text=_(
            "The Fsc-Grant-Hash of the contract's ServiceConnectionGrant for this service, as your FSC "
            "manager shows it ($1$3$...). The outway picks the contract by it."
        ),
    )

    class Meta:
        verbose_name = _("FSC outway")
        verbose_name_plural = _("FSC outway")

    def __str__(self) -> str:
        return str(_("FSC outway of %(server)s") % {"server": self.service_id})

    def clean(self) -> None:
        errors = {}
        if problems := outway_address_problems(self.outway_address):
            errors["outway_address"] = problems
        if problems := grant_hash_problems(self.grant_hash):
            errors["grant_hash"] = problems
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.outway_address and not self.outway_address.endswith("/"):
            self.outway_address += "/"
        super().save(*args, **kwargs)

    def route(self) -> FscRoute:
        address = self.outway_address if self.outway_address.endswith("/") else self.outway_address + "/"
        return FscRoute(outway_address=address, grant_hash=self.grant_hash.strip())


# --- the route of a server, loaded before the fan-out -------------------------------------------
# The attribute of a `zgw_consumers.Service` instance that holds its route (or None).
_ROUTE_ATTRIBUTE = "_iko_fsc_route"


def fsc_routes_attach(*services) -> None:
    """Load the FSC route of each server (in the request thread) and keep it on the instance, so
    that the workers read it without the ORM. A server already loaded is left as it is."""
    todo = [s for s in services if s is not None and not hasattr(s, _ROUTE_ATTRIBUTE)]
    saved = [s.pk for s in todo if s.pk is not None]
    by_service = {row.service_id: row for row in ServerFsc.objects.filter(service_id__in=saved)} if saved else {}
    for service in todo:
        row = by_service.get(service.pk)
        setattr(service, _ROUTE_ATTRIBUTE, row.route() if row is not None else None)


def fsc_route_of(service) -> FscRoute | None:
    """The server's FSC route, loaded by `fsc_routes_attach` (None: called directly).

    A server that was never loaded is loaded here, in whatever thread this is, rather than called
    directly: an outway that a call silently bypassed would be configuration that does nothing."""
    if service is None:
        return None
    if not hasattr(service, _ROUTE_ATTRIBUTE):
        fsc_routes_attach(service)
    return getattr(service, _ROUTE_ATTRIBUTE)
