"""Property: whatever sources send, no field outside a relation's release fields is in the view."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from connectors.base import CallContext, Connector, ConnectorResult, Operation, Status
from connectors.models import Source
from connectors.registry import Registry
from profiles.engine.execute import plan_profile, profile_execute
from profiles.definitions.fields import released_paths
from profiles.models import Profile, Relation
from profiles.subjects import Subject

KEYS = ["naam", "bsn", "adres", "geheim", "straat", "datum", "items"]
FIELD_PATHS = sorted({a for a in KEYS} | {f"{a}.{b}" for a in KEYS for b in KEYS})
payload = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=25,
)
current = {}


def registry_returning_current_payload():
    registry = Registry()

    @registry("echo")
    class Echo(Connector):
        title = "Echo"
        operations = {
            "one": Operation("one", "", ("bsn",), tuple(FIELD_PATHS)),
            "many": Operation("many", "", (), tuple(FIELD_PATHS), params=("x",), many=True),
        }

        def fetch(self, request):
            data = current["root" if request.operation == "one" else "child"]
            if request.operation == "many" and not isinstance(data, list):
                data = [data]
            return ConnectorResult(Status.OK, data=data)

    return registry


def covered(path, allowed, child_names):
    head = path.split(".")[0]
    return head in child_names or any(path == a or path.startswith(a + ".") for a in allowed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    root_data=st.dictionaries(st.sampled_from(KEYS), payload, max_size=6),
    child_data=payload,
    root_allowed=st.lists(st.sampled_from(FIELD_PATHS), min_size=1, max_size=4, unique=True),
    child_allowed=st.lists(st.sampled_from(FIELD_PATHS), min_size=1, max_size=4, unique=True),
)
def test_no_field_outside_the_allowed_set_ever_appears_in_a_view(db, root_data, child_data, root_allowed, child_allowed):
    service, _ = Service.objects.get_or_create(slug="echo", defaults=dict(label="e", api_type=APITypes.orc, api_root="https://e.example.org/", auth_type=AuthTypes.no_auth))
    source, _ = Source.objects.get_or_create(name="echo", defaults=dict(connector="echo", service=service))
    profile, _ = Profile.objects.get_or_create(name="p", defaults=dict(title="p", subject_types=["bsn"], status="active"))
    profile.relations.all().delete()
    root = Relation.objects.create(profile=profile, name="root", source=source, operation="one", fields=root_allowed)
    Relation.objects.create(profile=profile, parent=root, name="child", source=source, operation="many",
                            input_expression='{x: "1"}', fields=child_allowed)
    current.update(root=root_data, child=child_data)
    registry = registry_returning_current_payload()

    profile = Profile.objects.prefetch_related("relations__source__service").get(pk=profile.pk)
    result = profile_execute(
        roots=plan_profile(profile, registry=registry), subject=Subject("bsn", "999993653"), context=CallContext(),
        registry=registry, deadline=time.monotonic() + 5, breaker=None,
    )

    root_view = result.data["root"]
    if root_view is None:
        return
    child_view = root_view.get("child")
    root_only = {k: v for k, v in root_view.items() if k != "child"}
    for path in released_paths(root_only):
        assert covered(path, root_allowed, ()), (path, root_allowed)
    for path in released_paths(child_view or []):
        assert covered(path, child_allowed, ()), (path, child_allowed)
