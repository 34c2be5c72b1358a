"""API clients: the case systems, portals and forms that call IKO with their own token.

Only a SHA-256 hash of a token is stored. Tokens are 256-bit random values, so a plain hash is
enough (no slow password hash needed) and lookup by hash is a single indexed query. The token
itself is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models

TOKEN_PREFIX = "iko_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text="The calling system, e.g. Valtimo.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(
        max_length=12, editable=False, help_text="First characters of the token, to recognise it."
    )
    enabled = models.BooleanField(default=True)
    default_purpose = models.ForeignKey(
        "profiles.Purpose",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Purpose used when a request names none. It still needs a grant.",
    )
    oin = models.CharField(
        "OIN",
        max_length=20,
        blank=True,
        help_text="Organisation identification number (20 digits) of the caller, if it has one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name

    # DRF's permission classes ask the authenticated principal these.
    is_authenticated = True
    is_active = True

    def set_new_token(self, token: str | None = None) -> str:
        """Set a new token (random unless given) and return it; only its hash is stored."""
        token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = token_hash(token)
        self.token_hint = token[:8]
        return token


class SubjectLookupAlert(models.Model):
    """One principal looked up an unusual number of distinct subjects in a short time (issue 7).

    Written by api/alerts.py when the distinct data subjects of one actor (and the end user it
    acted for) exceed `IKO_ALERT_DISTINCT_SUBJECTS` within `IKO_ALERT_WINDOW_SECONDS`: a case
    worker browsing through the population, or a stolen token. Holds who and how many, never
    which subjects; the processing log (same actor, around `created_at`, `trace_id`) tells which.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=200, help_text="The API client or user, as in the processing log.")
    on_behalf_of = models.CharField(max_length=242, blank=True, help_text="The end user it acted for, if any.")
    distinct_subjects = models.PositiveIntegerField(
        help_text="Distinct subjects looked up within the window when the alert was raised (estimated "
        "to within about 1% when counted in Redis)."
    )
    threshold = models.PositiveIntegerField(help_text="IKO_ALERT_DISTINCT_SUBJECTS at the time.")
    window_seconds = models.PositiveIntegerField(help_text="IKO_ALERT_WINDOW_SECONDS at the time.")
    trace_id = models.CharField(
        max_length=32, blank=True, help_text="Trace id of the lookup that crossed the threshold (processing log)."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "subject lookup alert"

    def __str__(self) -> str:
        who = f"{self.actor} for {self.on_behalf_of}" if self.on_behalf_of else self.actor
        return f"{self.created_at:%Y-%m-%d %H:%M} {who}: {self.distinct_subjects} subjects"
