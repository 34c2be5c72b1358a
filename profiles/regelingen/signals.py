"""Keeping the configuration cache honest: a regeling, criterion or prefill attribute saved or
deleted in this process clears it at once (other instances follow within
IKO_CONFIG_CACHE_SECONDS, as for profiles; see profiles/access/config_cache.py)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from profiles.access.config_cache import config_cache_clear

WATCHED_MODELS = {"regelingen.regeling", "regelingen.criterion", "regelingen.prefillattribute"}


def _on_change(sender, **kwargs: Any) -> None:
    if sender._meta.label_lower in WATCHED_MODELS:
        config_cache_clear()


post_save.connect(_on_change, dispatch_uid="iko-regelingen-cache-save")
post_delete.connect(_on_change, dispatch_uid="iko-regelingen-cache-delete")
