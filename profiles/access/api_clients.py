"""API clients: the case systems, portals and forms that call IKO with their own token.

An API client is a principal: grants name it (profiles/access/grants.py) and the processing log
records it as the actor.

Only a SHA-256 hash of a token is stored. Tokens are 256-bit random values, so a plain hash is
enough (no slow password hash needed) and lookup by hash is a single indexed query. The token
itself is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from profiles.organisations.models import organisation_field, organisation_mismatches

TOKEN_PREFIX = "iko_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    organisation = organisation_field()
    name = models.CharField(verbose_name=_("name"), max_length=200, help_text=_("The calling system, e.g. Valtimo."))
    token_hash = models.CharField(verbose_name=_("token hash"), max_length=64, unique=True, editable=False)
    token_hint = models.CharField(
        verbose_name=_("token hint"),
        max_length=12, editable=False, help_text=_("First characters of the token, to recognise it.")
    )
    enabled = models.BooleanField(verbose_name=_("enabled"), default=True)
    default_purpose = models.ForeignKey(
        "profiles.Purpose", verbose_name=_("default purpose"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Purpose used when a request names none. It still needs a grant."),
    )
    oin = models.CharField(
        _("OIN"),
        max_length=20,
        blank=True,
        help_text=_("Organisation identification number (20 digits) of the caller, if it has one."),
    )
    fsc_peer_id = models.CharField(
        verbose_name=_("FSC peer id"),
        max_length=64,
        blank=True,
        null=True,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z._-]{1,64}$", _("A peer id is letters, digits, '.', '_' or '-'."))],
        help_text=_(
            "The FSC peer id (normally the OIN) of the organisation that calls IKO as this client through "
            "your FSC inway. Requests from the inway that name this peer act as this client; leave it empty "
            "for a client that calls with its token."
        ),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(verbose_name=_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = _("API clients")
        # The table keeps the name it had when API clients belonged to the api app.
        db_table = "api_apiclient"
        ordering = ["name"]
        verbose_name = _("API client")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_api_client_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Empty means "no peer": stored as NULL, so that many clients can be without one.
        self.fsc_peer_id = (self.fsc_peer_id or "").strip() or None
        super().save(*args, **kwargs)

    # DRF's permission classes ask the authenticated principal these.
    is_authenticated = True
    is_active = True

    def clean(self) -> None:
        if self.default_purpose_id and (
            problems := organisation_mismatches(self.organisation_id, default_purpose=self.default_purpose)
        ):
            raise ValidationError(problems)

    def set_new_token(self, token: str | None = None) -> str:
        """Set a new token (random unless given) and return it; only its hash is stored."""
        token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = token_hash(token)
        self.token_hint = token[:8]
        return token
