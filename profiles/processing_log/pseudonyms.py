"""Keyed pseudonyms of data subjects for the processing log.

HMAC-SHA256 with `IKO_PSEUDONYM_KEY`: the log alone does not reveal who a record is about, and
nobody can test a guessed BSN against it without the key; a privacy officer with IKO (and so the
key) computes the pseudonym of a BSN to find that person's records.
"""

import hashlib
import hmac

from django.conf import settings


def subject_pseudonym(*, subject_type: str, value: str) -> str:
    message = f"{subject_type}:{value}".encode()
    return hmac.new(settings.IKO_PSEUDONYM_KEY.encode(), message, hashlib.sha256).hexdigest()
