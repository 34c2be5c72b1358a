"""Security settings read by `base.py`: the keys of the servers' credentials, the longest URL.

- `IKO_SECRETS_KEY` is a comma-separated list of Fernet keys that encrypt the servers' secrets
  and API keys at rest (connectors/credentials.py): the first encrypts, every one decrypts, so a
  key is rotated by putting a new one first (docs/operator/secrets.md). Production refuses to
  start without one; development and tests use a fixed, public key, so that the encryption runs
  there too.
- `IKO_MAX_URL_BYTES`: a longer path and query string is answered 414 problem+json by IKO itself
  (api/middleware.py), below the request line gunicorn takes (iko_project/gunicorn_conf.py).
"""

import os as _os

from cryptography.fernet import Fernet as _Fernet
from django.core.exceptions import ImproperlyConfigured

from iko_project.settings.envvars import DeclaredEnv

env = DeclaredEnv(__name__)

__all__ = ["IKO_SECRETS_KEY", "IKO_MAX_URL_BYTES"]

# Public, for development and tests only (base64 of 32 bytes); production refuses to run without its own.
DEVELOPMENT_SECRETS_KEY = "aW5zZWN1cmUtZGV2ZWxvcG1lbnQtb25seS1rZXktMDE="

IKO_SECRETS_KEY = env.list(
    "IKO_SECRETS_KEY", default=[], group="core", secret=True, default_doc="(required in production)",
    help_text="Fernet keys, comma-separated, that encrypt the servers' secrets and API keys in the database: the "
    "first encrypts, every one decrypts. Make one with `python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'`; to rotate, put the new key first, run `manage.py "
    "secrets_reencrypt`, then drop the old key.")
IKO_SECRETS_KEY = [key.strip() for key in IKO_SECRETS_KEY if key.strip()]
for _position, _key in enumerate(IKO_SECRETS_KEY, start=1):
    try:
        _Fernet(_key.encode())
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            f"IKO_SECRETS_KEY: key {_position} is not a Fernet key (32 bytes, URL-safe Base64, 44 characters)."
        ) from None
if not IKO_SECRETS_KEY:
    # IKO_ENV is declared (and checked) by base.py, which imports this module after reading it.
    if _os.environ.get("IKO_ENV", "production") == "production":
        raise ImproperlyConfigured(
            "IKO_SECRETS_KEY is not set. In production IKO encrypts the servers' credentials with it; make one "
            "with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'. "
            "For a local trial set IKO_ENV=development instead."
        )
    IKO_SECRETS_KEY = [DEVELOPMENT_SECRETS_KEY]

# Valtimo's table filters travel in the query string (containerParam), so URLs are long: gunicorn
# takes request lines up to 8190 bytes (its maximum); IKO answers a longer path and query itself.
IKO_MAX_URL_BYTES = env.int(
    "IKO_MAX_URL_BYTES", default=8000, group="limits",
    help_text="Longest path plus query string IKO accepts; a longer one is answered 414 (problem+json). Keep it "
    "below gunicorn's request line limit (8190 bytes, with the method and protocol).")
if not 256 <= IKO_MAX_URL_BYTES <= 8100:
    raise ImproperlyConfigured("IKO_MAX_URL_BYTES must be from 256 to 8100 (gunicorn takes request lines up to 8190 bytes).")
