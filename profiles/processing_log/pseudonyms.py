"""Keyed pseudonyms of data subjects for the processing log, keyed per organisation.

HMAC-SHA256 with the organisation's pseudonym key: the log alone does not reveal who a record is
about, and nobody can test a guessed BSN against it without the key; a privacy officer with IKO (and
so the key) computes the pseudonym of a BSN to find that person's records. Each organisation has its
own key (profiles.organisations.models), so one organisation's pseudonyms say nothing about whom
another organisation processed:
- the default organisation: `IKO_PSEUDONYM_KEY` itself (the pseudonyms written before there were
  organisations stay valid; it names no variable of its own);
- an organisation that names an environment variable (`IKO_PSEUDONYM_KEY_<SUFFIX>`): its value;
- any other organisation: HMAC(`IKO_PSEUDONYM_KEY`, "organisation:<id>"), a key of its own that is
  never stored.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from profiles.organisations.selectors import organisation_pseudonym_source


@functools.lru_cache(maxsize=64)
def _key(organisation_id: int, key_env: str, is_default: bool, base_key: str) -> bytes:
    if is_default:
        return base_key.encode()
    if key_env:
        value = os.environ.get(key_env, "")
        if not value:
            raise ImproperlyConfigured(f"The pseudonym key variable {key_env} of organisation {organisation_id} is not set.")
        return value.encode()
    return hmac.new(base_key.encode(), f"organisation:{organisation_id}".encode(), hashlib.sha256).digest()


def pseudonym_key(organisation_id: int | None = None) -> bytes:
    """The pseudonym key of an organisation (the default one when None)."""
    if organisation_id is None:  # the default organisation's key is always IKO_PSEUDONYM_KEY
        return settings.IKO_PSEUDONYM_KEY.encode()
    key_env, is_default = organisation_pseudonym_source(organisation_id)
    return _key(organisation_id, key_env, is_default, settings.IKO_PSEUDONYM_KEY)


def subject_pseudonym(*, subject_type: str, value: str, organisation_id: int | None = None) -> str:
    message = f"{subject_type}:{value}".encode()
    return hmac.new(pseudonym_key(organisation_id), message, hashlib.sha256).hexdigest()
