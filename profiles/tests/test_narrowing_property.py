"""Property: whatever the sources send and however a grant is narrowed, a view releases only paths
the grant names, and the processing record lists exactly what was released."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from profiles.access.api_clients import ApiClient
from connectors.models import Source
from profiles.definitions.fields import released_paths
from profiles.models import Grant, ProcessingRecord, Profile, Purpose, Relation
from profiles.services.view import Caller, view_build
from profiles.subjects import Subject
from profiles.tests.test_minimisation_property import FIELD_PATHS, KEYS, current, payload, registry_returning_current_payload
from profiles.tracing import trace_from_header

GRANT_PATHS = sorted(
    {"root", "root.child"} | {f"root.{p}" for p in FIELD_PATHS} | {f"root.child.{p}" for p in FIELD_PATHS}
)


def covered(path, allowed):
    return any(path == a or path.startswith(a + ".") for a in allowed)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    root_data=st.dictionaries(st.sampled_from(KEYS), payload, max_size=6),
    child_data=payload,
    root_allowed=st.lists(st.sampled_from(FIELD_PATHS), min_size=1, max_size=4, unique=True),
    child_allowed=st.lists(st.sampled_from(FIELD_PATHS), min_size=1, max_size=4, unique=True),
    granted=st.lists(st.sampled_from(GRANT_PATHS), min_size=1, max_size=4, unique=True),
)
def test_a_narrowed_grant_never_releases_a_path_it_does_not_name(db, root_data, child_data, root_allowed, child_allowed, granted):
    service, _ = Service.objects.get_or_create(slug="echo", defaults=dict(label="e", api_type=APITypes.orc, api_root="https://e.example.org/", auth_type=AuthTypes.no_auth))
    source, _ = Source.objects.get_or_create(name="echo", defaults=dict(connector="echo", service=service))
    profile, _ = Profile.objects.get_or_create(name="p", defaults=dict(title="p", subject_types=["bsn"], status="active"))
    purpose, _ = Purpose.objects.get_or_create(code="doel", defaults=dict(name="doel"))
    client, _ = ApiClient.objects.get_or_create(name="c", defaults=dict(token_hash="h" * 64))
    profile.relations.all().delete()
    root = Relation.objects.create(profile=profile, name="root", source=source, operation="one", fields=root_allowed)
    Relation.objects.create(profile=profile, parent=root, name="child", source=source, operation="many",
                            input_expression='{x: "1"}', fields=child_allowed)
    Grant.objects.update_or_create(api_client=client, profile=profile, purpose=purpose, defaults={"fields": granted})
    current.update(root=root_data, child=child_data)
    profile = Profile.objects.prefetch_related("relations__source__service").get(pk=profile.pk)

    result = view_build(
        profile=profile, subject=Subject("bsn", "999993653"), caller=Caller(api_client=client, name="c"),
        purpose_code="doel", trace=trace_from_header(None), registry=registry_returning_current_payload(),
    )

    data = result.body["data"] or {}
    released = released_paths(data)
    assert all(covered(path, granted) for path in released), (granted, released)
    record = ProcessingRecord.objects.order_by("-pk").first()
    assert record.fields_released == released
