"""API clients and subject lookup alerts moved from the api app to profiles: a database at the schema
before the move, with data in it, migrates to the new schema without losing rows, foreign keys,
content types or permissions (profiles/migrations/0006, api/migrations/0004).

Runs on the test database of the run: SQLite by default, PostgreSQL with DATABASE_URL.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from profiles.access.api_clients import ApiClient
from profiles.access.models import Grant
from profiles.processing_log.models import ProcessingRecord, SubjectLookupAlert

# The latest migrations of both apps before the models moved.
BEFORE = [("api", "0003_subject_lookup_alerts"), ("profiles", "0005_processing_record_search_subject")]
MOVED = ("apiclient", "subjectlookupalert")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def foreign_key_target(table: str, column: str) -> tuple[str, str] | None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    for constraint in constraints.values():
        if constraint["foreign_key"] and constraint["columns"] == [column]:
            return constraint["foreign_key"]
    return None


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_old_schema_keeps_its_api_clients_grants_alerts_and_permissions_when_migrated():
    old = migrate(BEFORE)

    # Today's schema: the models in the api app, their content types and permissions under "api".
    ContentTypeBefore = old.get_model("contenttypes", "ContentType")
    PermissionBefore = old.get_model("auth", "Permission")
    old_types = {}
    for model, name in (("apiclient", "API client"), ("subjectlookupalert", "subject lookup alert")):
        content_type, _ = ContentTypeBefore.objects.get_or_create(app_label="api", model=model)
        old_types[model] = content_type.pk
        for action in ("add", "change", "delete", "view"):
            PermissionBefore.objects.get_or_create(
                content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {name}"}
            )
    permission_ids = set(
        PermissionBefore.objects.filter(content_type_id__in=old_types.values()).values_list("pk", flat=True)
    )
    assert len(permission_ids) == 8

    purpose = old.get_model("profiles", "Purpose").objects.create(code="klantcontact", name="Klantcontact")
    profile = old.get_model("profiles", "Profile").objects.create(
        name="klantbeeld", title="Klantbeeld", subject_types=["bsn"], status="active"
    )
    client = old.get_model("api", "ApiClient").objects.create(
        name="Valtimo", token_hash="a" * 64, token_hint="iko_abcd", oin="00000001234567890000",
        default_purpose=purpose,
    )
    grant = old.get_model("profiles", "Grant").objects.create(
        kind="api_client", api_client=client, profile=profile, purpose=purpose, fields=["persoon.naam"],
    )
    alert = old.get_model("api", "SubjectLookupAlert").objects.create(
        actor="api-client:Valtimo", distinct_subjects=120, threshold=100, window_seconds=3600, trace_id="c" * 32,
    )
    record = old.get_model("profiles", "ProcessingRecord").objects.create(
        trace_id="d" * 32, span_id="e" * 16, actor="api-client:Valtimo", actor_type="api_client",
        purpose_code="klantcontact", profile_name="klantbeeld", subject_type="bsn", subject_pseudonym="f" * 64,
        grant_id=grant.pk, outcome="complete", http_status=200, duration_ms=12.5,
    )
    # Who holds the permissions, and the admin's history of the client, point at the content type.
    user = get_user_model().objects.create_user("beheerder", password="x")
    group = Group.objects.create(name="beheer")
    group.permissions.set(permission_ids)
    user.groups.add(group)
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
    LogEntry.objects.create(
        user_id=admin.pk, content_type_id=old_types["apiclient"], object_id=str(client.pk),
        object_repr="Valtimo", action_flag=ADDITION,
    )

    migrate(latest())

    moved = ApiClient.objects.get()
    assert (moved.pk, moved.name, moved.token_hash, moved.token_hint, moved.oin) == (
        client.pk, "Valtimo", "a" * 64, "iko_abcd", "00000001234567890000"
    )
    assert moved.default_purpose.code == "klantcontact"
    moved_grant = Grant.objects.select_related("api_client").get()
    assert (moved_grant.pk, moved_grant.api_client, moved_grant.fields) == (grant.pk, moved, ["persoon.naam"])
    assert list(moved.grants.all()) == [moved_grant]
    moved_alert = SubjectLookupAlert.objects.get()
    assert (moved_alert.pk, moved_alert.actor, moved_alert.distinct_subjects) == (alert.pk, "api-client:Valtimo", 120)
    assert ProcessingRecord.objects.get().pk == record.pk

    # The tables kept their names, and the database's foreign keys still point at them.
    assert ApiClient._meta.db_table == "api_apiclient"
    assert SubjectLookupAlert._meta.db_table == "api_subjectlookupalert"
    assert foreign_key_target(Grant._meta.db_table, "api_client_id") == ("api_apiclient", "id")
    assert foreign_key_target("api_apiclient", "default_purpose_id") == ("profiles_purpose", "id")

    # The same content types, now under "profiles"; the same permissions, still held.
    for model in MOVED:
        content_type = ContentType.objects.get(app_label="profiles", model=model)
        assert content_type.pk == old_types[model]
        assert content_type.model_class() in (ApiClient, SubjectLookupAlert)
    assert not ContentType.objects.filter(app_label="api", model__in=MOVED).exists()
    assert set(Permission.objects.filter(content_type_id__in=old_types.values()).values_list("pk", flat=True)) == permission_ids
    assert ContentType.objects.get_for_model(ApiClient).pk == old_types["apiclient"]
    user = get_user_model().objects.get(pk=user.pk)  # a fresh permission cache
    assert user.has_perm("profiles.change_apiclient") and user.has_perm("profiles.view_subjectlookupalert")
    assert LogEntry.objects.get().get_edited_object() == moved


@pytest.mark.django_db(transaction=True)
def test_migrating_back_returns_the_content_types_to_the_api_app():
    migrate(latest())
    for model in MOVED:
        ContentType.objects.get_or_create(app_label="profiles", model=model)
    ids = {m: ContentType.objects.get(app_label="profiles", model=m).pk for m in MOVED}

    migrate(BEFORE)

    assert {m: ContentType.objects.get(app_label="api", model=m).pk for m in MOVED} == ids
    migrate(latest())
    assert {m: ContentType.objects.get(app_label="profiles", model=m).pk for m in MOVED} == ids
