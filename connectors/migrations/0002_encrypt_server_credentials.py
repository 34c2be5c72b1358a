"""Encrypt the servers' secrets and API keys that are stored in plain text (connectors/credentials.py).

Runs with the keys of IKO_SECRETS_KEY; reversing it decrypts them again. A value that is already
encrypted is left as it is (rotation is `manage.py secrets_reencrypt`), and so is one longer
than an encrypted value can be stored (`MAX_CREDENTIAL_LENGTH`): the system check connectors.W101
reports it, and it must be replaced by a shorter one in the admin.
"""

from django.db import migrations

from connectors.credentials import (
    CREDENTIAL_FIELDS,
    MAX_CREDENTIAL_LENGTH,
    credential_decrypt,
    credential_encrypt,
    credential_keys,
    is_encrypted,
)


def _each(apps, change):
    Service = apps.get_model("zgw_consumers", "Service")
    if credential_keys() is None:
        return
    for row in Service.objects.values("pk", *CREDENTIAL_FIELDS):
        new = {field: change(row[field]) for field in CREDENTIAL_FIELDS if row[field]}
        new = {field: value for field, value in new.items() if value != row[field]}
        if new:
            Service.objects.filter(pk=row["pk"]).update(**new)


def encrypt(apps, schema_editor):
    _each(apps, lambda value: value if is_encrypted(value) or len(value) > MAX_CREDENTIAL_LENGTH
          else credential_encrypt(value))


def decrypt(apps, schema_editor):
    _each(apps, credential_decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0001_initial"),
        ("zgw_consumers", "0027_service_oauth2_scope_service_oauth2_token_url_and_more"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
