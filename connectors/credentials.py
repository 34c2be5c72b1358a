"""Server credentials encrypted at rest: the secret (ZGW JWT, OAuth2 client credentials) and the
API key (`header_value`) of a `zgw_consumers.Service`.

The Service model is zgw_consumers', so IKO cannot change its fields; instead these signal
handlers make the encryption transparent:
- `pre_save` stores each credential as `fernet:<token>` (Fernet: AES-128-CBC with HMAC-SHA256,
  from `cryptography`), encrypted with the first key of `IKO_SECRETS_KEY`; `post_save` puts the
  plain value back on the instance, so code that saved a server can go on using it;
- `post_init` decrypts whenever a Service is loaded, so the zgw_consumers client (and every other
  reader) gets the plain value, as before.
Every key in `IKO_SECRETS_KEY` decrypts (the first encrypts): to rotate, put a new key first, run
`manage.py secrets_reencrypt`, then remove the old key (docs/operator/secrets.md). A value no key
can decrypt is loaded as empty (the server is then unusable, as with a missing secret) and kept
in the database unchanged, so adding the right key back restores it. Values written around the
model (a queryset `update`) stay plain until `secrets_reencrypt` runs; the system check
`connectors.W101` reports them.

Encryption makes a value longer and the model's columns hold 255 characters, so a credential may
be at most `MAX_CREDENTIAL_LENGTH` (127) characters.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.db import DatabaseError
from django.db.models.signals import post_init, post_save, pre_save

logger = logging.getLogger(__name__)

PREFIX = "fernet:"
CREDENTIAL_FIELDS = ("secret", "header_value")
# The longest plain value whose `fernet:` token fits the 255 characters of the model's columns.
MAX_CREDENTIAL_LENGTH = 127


class CredentialUndecryptable(Exception):
    """No configured key decrypts this value (the key it was encrypted with is gone)."""


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet | None:
    return MultiFernet([Fernet(key.encode()) for key in keys]) if keys else None


def credential_keys() -> MultiFernet | None:
    """The configured keys (first encrypts, all decrypt), or None when none is configured."""
    return _fernet(tuple(getattr(settings, "IKO_SECRETS_KEY", ()) or ()))


def is_encrypted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def credential_encrypt(value: str) -> str:
    """`value` as stored: `fernet:<token>`; unchanged when empty, already encrypted, or no key
    is configured (development without a key)."""
    keys = credential_keys()
    if not value or is_encrypted(value) or keys is None:
        return value
    if len(value) > MAX_CREDENTIAL_LENGTH:
        raise ValueError(f"A credential may be at most {MAX_CREDENTIAL_LENGTH} characters.")
    return PREFIX + keys.encrypt(value.encode()).decode()


def credential_decrypt(value: str) -> str:
    """The plain value of a stored credential (a plain stored value is returned as it is)."""
    if not is_encrypted(value):
        return value
    keys = credential_keys()
    if keys is None:
        raise CredentialUndecryptable("IKO_SECRETS_KEY is not set.")
    try:
        return keys.decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise CredentialUndecryptable("No key in IKO_SECRETS_KEY decrypts this credential.") from None


def credential_rotate(value: str) -> str:
    """`value` encrypted with the first key (from plain, or from any configured key)."""
    if not value:
        return value
    return credential_encrypt(credential_decrypt(value))


# --- the signal handlers on zgw_consumers' Service ---------------------------------------------------


def _loaded(sender, instance, **kwargs) -> None:
    stored: dict[str, str] = {}
    for field in CREDENTIAL_FIELDS:
        value = instance.__dict__.get(field)  # deferred fields are not loaded: leave them
        if not is_encrypted(value):
            continue
        try:
            instance.__dict__[field] = credential_decrypt(value)
        except CredentialUndecryptable:
            logger.error("The %s of server %s cannot be decrypted with the keys in IKO_SECRETS_KEY.",
                         field, instance.__dict__.get("slug", "?"))
            stored[field] = value
            instance.__dict__[field] = ""
    if stored:
        instance._iko_undecryptable = stored


def _saving(sender, instance, **kwargs) -> None:
    plain: dict[str, str] = {}
    undecryptable = getattr(instance, "_iko_undecryptable", {})
    for field in CREDENTIAL_FIELDS:
        value = instance.__dict__.get(field)
        if value is None:
            continue
        if not value and field in undecryptable:
            instance.__dict__[field] = undecryptable[field]  # keep what a lost key encrypted
            plain[field] = value
        elif value and not is_encrypted(value):
            instance.__dict__[field] = credential_encrypt(value)
            plain[field] = value
    instance._iko_plain = plain


def _saved(sender, instance, **kwargs) -> None:
    for field, value in getattr(instance, "_iko_plain", {}).items():
        instance.__dict__[field] = value
    instance._iko_plain = {}


def connect_signals() -> None:
    """Called by the app's `ready()`: encrypt and decrypt every Service transparently."""
    from zgw_consumers.models import Service

    post_init.connect(_loaded, sender=Service, dispatch_uid="iko-credentials-loaded")
    pre_save.connect(_saving, sender=Service, dispatch_uid="iko-credentials-saving")
    post_save.connect(_saved, sender=Service, dispatch_uid="iko-credentials-saved")


# --- re-encryption (the management command and the data migration) --------------------------------


def credentials_reencrypt(services: Iterable[Any], *, write, dry_run: bool = False) -> dict[str, int]:
    """Encrypt every stored credential with the first key: plain ones and ones encrypted with an
    older key. `services` yields (pk, slug, {field: stored value}); `write(pk, {field: value})`
    stores new values without the signal handlers. Returns counts (never values)."""
    counts = {"encrypted": 0, "rotated": 0, "undecryptable": 0, "servers": 0}
    if credential_keys() is None:
        raise CredentialUndecryptable("IKO_SECRETS_KEY is not set: there is no key to encrypt with.")
    for pk, slug, stored in services:
        new: dict[str, str] = {}
        for field, value in stored.items():
            if not value:
                continue
            try:
                new[field] = credential_rotate(value)
            except CredentialUndecryptable:
                counts["undecryptable"] += 1
                logger.error("The %s of server %s cannot be decrypted with the keys in IKO_SECRETS_KEY.", field, slug)
                continue
            counts["rotated" if is_encrypted(value) else "encrypted"] += 1
        if new:
            counts["servers"] += 1
            if not dry_run:
                write(pk, new)
    return counts


def stored_credentials(model) -> Iterable[tuple[Any, str, dict[str, str]]]:
    """(pk, slug, {field: value as stored}) of every server, read without the signal handlers."""
    for row in model.objects.values("pk", "slug", *CREDENTIAL_FIELDS).iterator():
        yield row["pk"], row["slug"], {field: row[field] for field in CREDENTIAL_FIELDS}


@checks.register(checks.Tags.database, checks.Tags.security)
def check_credentials_encrypted(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """connectors.W101: server credentials stored unencrypted; connectors.W102: encrypted with a
    key that is no longer configured. Runs when `manage.py check --database` asks for it."""
    from zgw_consumers.models import Service

    if not databases or credential_keys() is None:
        return []
    plain = undecryptable = 0
    try:
        for _, _, stored in stored_credentials(Service):
            for value in stored.values():
                if value and not is_encrypted(value):
                    plain += 1
                elif is_encrypted(value):
                    try:
                        credential_decrypt(value)
                    except CredentialUndecryptable:
                        undecryptable += 1
    except DatabaseError:
        return []  # no tables yet (before migrate): nothing stored to check
    messages = []
    if plain:
        messages.append(checks.Warning(
            f"{plain} server credential(s) are stored unencrypted.",
            hint="Run `manage.py secrets_reencrypt` to encrypt them with the first key of IKO_SECRETS_KEY.",
            id="connectors.W101",
        ))
    if undecryptable:
        messages.append(checks.Warning(
            f"{undecryptable} server credential(s) cannot be decrypted with the keys in IKO_SECRETS_KEY.",
            hint="Add the key they were encrypted with back to IKO_SECRETS_KEY, or enter them again in the admin.",
            id="connectors.W102",
        ))
    return messages
