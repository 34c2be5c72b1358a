"""Servers' secrets and API keys are encrypted at rest with the keys of IKO_SECRETS_KEY and read back
plain, so the zgw_consumers client still sends the real value (connectors/credentials.py); keys
rotate with `manage.py secrets_reencrypt`; the data migration encrypts what was stored plain."""

from __future__ import annotations

from io import StringIO

import pytest
import responses
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from connectors.base import ConnectorRequest, Status
from connectors.credentials import check_credentials_encrypted
from connectors.models import Source
from connectors.registry import registry

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
BRP_ROOT = "https://brp.example.org/haalcentraal/api/brp/"
API_KEY = "brp-api-key-that-stays-secret"
ZGW_SECRET = "zgw-secret-of-at-least-32-characters!!"


@pytest.fixture
def key_a(settings, db):
    settings.IKO_SECRETS_KEY = [KEY_A]
    return settings


def stored(slug: str) -> dict:
    """The row as the database holds it, past the signal handlers."""
    return Service.objects.filter(slug=slug).values("secret", "header_value").get()


def make_service(**values) -> Service:
    defaults = dict(label="BRP", slug="brp", api_type=APITypes.orc, api_root=BRP_ROOT, auth_type=AuthTypes.api_key,
                    header_key="X-Api-Key", header_value=API_KEY)
    return Service.objects.create(**{**defaults, **values})


def test_the_api_key_and_the_secret_are_stored_encrypted_and_read_back_plain(key_a):
    service = make_service(slug="zaken", auth_type=AuthTypes.zgw, client_id="iko", secret=ZGW_SECRET)

    row = stored("zaken")
    assert row["header_value"].startswith("fernet:") and row["secret"].startswith("fernet:")
    assert API_KEY not in str(row) and ZGW_SECRET not in str(row)
    assert (service.header_value, service.secret) == (API_KEY, ZGW_SECRET)  # the saved instance stays usable
    again = Service.objects.get(slug="zaken")
    assert (again.header_value, again.secret) == (API_KEY, ZGW_SECRET)


@responses.activate
def test_a_source_call_sends_the_plain_api_key(key_a):
    source = Source.objects.create(name="brp", connector="brp", service=make_service(), timeout=2.0)
    responses.post(BRP_ROOT + "personen", json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})

    config = Source.objects.select_related("service").get(pk=source.pk).to_config()
    result = registry["brp"](config).run(ConnectorRequest("RaadpleegMetBurgerservicenummer", {"bsn": "999993653"},
                                                          ("naam.volledigeNaam",)))

    assert result.status is Status.NOT_FOUND
    assert responses.calls[0].request.headers["X-Api-Key"] == API_KEY


def test_a_new_key_in_front_decrypts_the_old_values_and_the_command_moves_them_to_it(key_a):
    make_service()
    key_a.IKO_SECRETS_KEY = [KEY_B, KEY_A]
    assert Service.objects.get().header_value == API_KEY  # every key decrypts

    out = StringIO()
    call_command("secrets_reencrypt", stdout=out)

    assert "Re-encrypted the credentials of 1 server(s): 0 stored in plain text, 1 encrypted before." in out.getvalue()
    assert API_KEY not in out.getvalue()
    key_a.IKO_SECRETS_KEY = [KEY_B]  # the old key is gone
    assert Service.objects.get().header_value == API_KEY
    assert Fernet(KEY_B.encode()).decrypt(stored("brp")["header_value"][len("fernet:"):].encode()).decode() == API_KEY


def test_a_value_no_configured_key_decrypts_is_empty_when_loaded_and_kept_when_saved(key_a):
    make_service()
    before = stored("brp")["header_value"]
    key_a.IKO_SECRETS_KEY = [KEY_B]  # KEY_A removed before re-encrypting

    service = Service.objects.get()
    assert service.header_value == ""  # unusable, as a missing key: never the ciphertext as a key
    service.label = "BRP (renamed)"
    service.save()
    assert stored("brp")["header_value"] == before
    with pytest.raises(CommandError, match="1 credential\\(s\\) cannot be decrypted"):
        call_command("secrets_reencrypt", stdout=StringIO())
    assert [m.id for m in check_credentials_encrypted(databases=['default'])] == ["connectors.W102"]

    key_a.IKO_SECRETS_KEY = [KEY_A]
    assert Service.objects.get().header_value == API_KEY


def test_a_value_stored_around_the_model_is_reported_and_encrypted_by_the_command(key_a):
    make_service()
    Service.objects.filter(slug="brp").update(header_value=API_KEY)  # no signal: stored plain

    assert [m.id for m in check_credentials_encrypted(databases=['default'])] == ["connectors.W101"]
    call_command("secrets_reencrypt", stdout=StringIO())
    assert stored("brp")["header_value"].startswith("fernet:") and check_credentials_encrypted(databases=['default']) == []


def test_a_credential_too_long_to_store_encrypted_is_refused(key_a):
    with pytest.raises(ValueError, match="at most 127 characters"):
        make_service(header_value="k" * 128)


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_encrypts_the_plain_values_and_its_reversal_decrypts_them(settings):
    settings.IKO_SECRETS_KEY = [KEY_A]
    executor = MigrationExecutor(connection)
    executor.migrate([("connectors", "0001_initial")])
    try:
        make_service()
        Service.objects.filter(slug="brp").update(header_value=API_KEY)  # as an older IKO stored it

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("connectors", "0002_encrypt_server_credentials")])
        assert stored("brp")["header_value"].startswith("fernet:")
        assert Service.objects.get().header_value == API_KEY

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("connectors", "0001_initial")])
        assert stored("brp")["header_value"] == API_KEY
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        Service.objects.all().delete()


# --- the server admin: write-only credentials -----------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def change_url(service) -> str:
    from django.urls import reverse

    return reverse("admin:zgw_consumers_service_change", args=[service.pk])


def change_form(service, **values) -> dict:
    data = {"label": service.label, "uuid": str(service.uuid), "slug": service.slug, "api_type": service.api_type,
            "api_root": service.api_root, "auth_type": service.auth_type, "header_key": service.header_key,
            "client_id": service.client_id, "timeout": service.timeout, "jwt_valid_for": service.jwt_valid_for,
            "header_value": "", "secret": "", "iko_fsc-TOTAL_FORMS": "0", "iko_fsc-INITIAL_FORMS": "0",
            "iko_fsc-MIN_NUM_FORMS": "0", "iko_fsc-MAX_NUM_FORMS": "1"}
    data.update(values)
    return data


def test_the_server_page_says_a_credential_is_set_and_never_shows_it(admin_client, key_a):
    service = make_service(slug="zaken", auth_type=AuthTypes.zgw, client_id="iko", secret=ZGW_SECRET)

    page = admin_client.get(change_url(service)).content.decode()

    assert API_KEY not in page and ZGW_SECRET not in page and "fernet:" not in page
    assert page.count("<strong>Set</strong>") == 2 and 'name="secret_remove"' in page


def test_an_empty_field_keeps_the_stored_value_and_a_new_one_replaces_it(admin_client, key_a):
    service = make_service()

    kept = admin_client.post(change_url(service), change_form(service, label="BRP gateway"))
    assert kept.status_code == 302, kept.content
    assert Service.objects.get().header_value == API_KEY and Service.objects.get().label == "BRP gateway"

    admin_client.post(change_url(service), change_form(service, header_value="a-new-api-key"))
    assert Service.objects.get().header_value == "a-new-api-key"
    assert stored("brp")["header_value"].startswith("fernet:")


def test_the_remove_box_clears_a_credential(admin_client, key_a):
    service = make_service(auth_type=AuthTypes.no_auth, header_key="")
    Service.objects.filter(pk=service.pk).update(header_key="")

    response = admin_client.post(change_url(service), change_form(service, auth_type="no_auth", header_key="",
                                                                    header_value_remove="on"))

    assert response.status_code == 302, response.content
    assert stored("brp")["header_value"] == ""


def test_a_staff_user_who_may_only_view_servers_sees_set_not_the_value(client, key_a):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    service = make_service()
    user = get_user_model().objects.create_user("kijker", "k@example.org", "pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_service"))
    client.force_login(user)

    page = client.get(change_url(service)).content.decode()

    assert API_KEY not in page and "fernet:" not in page
    assert "Set" in page and "Not set" in page  # the API key is set, the secret is not
