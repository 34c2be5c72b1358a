"""Which organisation (tenant, profiles/organisations) a server belongs to.

A server is zgw_consumers' `Service`, whose fields IKO cannot change, so its organisation is kept
beside it: one `ServerOwner` row per server, made with the default organisation when a server is
saved without one (an import, a fixture, the admin of a single-organisation installation). The
admin of an organisation's administrator gives it their organisation (profiles/admin/organisations.py);
a source refuses a server, or a linked server, of another organisation (models.py).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, models, transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


logger = logging.getLogger(__name__)


def organisation_default_id() -> int:
    """The default organisation, found by its app label: connectors import nothing of profiles."""
    from django.apps import apps

    return apps.get_model("profiles", "Organisation").objects.default_id()


class ServerOwner(models.Model):
    service = models.OneToOneField(
        "zgw_consumers.Service", on_delete=models.CASCADE, primary_key=True, related_name="iko_owner",
        verbose_name=_("server"),
    )
    organisation = models.ForeignKey(
        "profiles.Organisation", on_delete=models.PROTECT, related_name="+",
        default=organisation_default_id, verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("server's organisation")
        verbose_name_plural = _("servers' organisations")

    def __str__(self) -> str:
        return f"{self.service_id}: {self.organisation_id}"


def server_organisation_id(service) -> int | None:
    """The organisation of a server (None: not saved yet)."""
    if service is None or service.pk is None:
        return None
    owner = ServerOwner.objects.filter(service_id=service.pk).values_list("organisation_id", flat=True).first()
    return owner if owner is not None else organisation_default_id()


def server_owner_set(service, organisation_id: int) -> None:
    ServerOwner.objects.update_or_create(service_id=service.pk, defaults={"organisation_id": organisation_id})


def _saved(sender, instance, created: bool, raw: bool = False, **_: Any) -> None:
    if not created or raw:
        return
    try:
        with transaction.atomic():
            ServerOwner.objects.get_or_create(service_id=instance.pk)
    except DatabaseError:
        # The database is migrated back to before organisations (a migration test): the migration
        # that makes the table gives every server its owner.
        logger.warning("Server %s was saved without an organisation: the table of owners is missing.", instance.pk)


def connect() -> None:
    from zgw_consumers.models import Service

    post_save.connect(_saved, sender=Service, dispatch_uid="iko-server-owner")
