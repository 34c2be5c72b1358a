"""demo/valtimo.yaml: Valtimo's names on top of the demo configuration, imported idempotently with
IKO's configuration steps (`manage.py setup_configuration`). (Valtimo's own files are played against the running demo in
tests/test_valtimo_dev_config.py.)"""

import pytest

from connectors.models import Source
from demo.config import DEMO_SECRETS, VALTIMO_FILE, demo_configure, demo_configure_valtimo
from demo.tests.test_config import ROOTS
from profiles.models import Grant, Profile, SearchAction


@pytest.mark.django_db
def test_the_valtimo_file_adds_its_sources_profiles_and_grants_and_a_second_import_changes_nothing():
    demo_configure(**ROOTS)
    demo_configure_valtimo()
    versions = dict(Profile.objects.values_list("name", "version"))
    counts = [Source.objects.count(), SearchAction.objects.count(), Grant.objects.count()]

    demo_configure_valtimo()

    assert dict(Profile.objects.values_list("name", "version")) == versions
    assert [Source.objects.count(), SearchAction.objects.count(), Grant.objects.count()] == counts
    assert {"Personen", "demo", "klantbeeld", "bedrijfsbeeld"} <= set(versions)
    tags = {s.name: s.front_door_tags for s in Source.objects.all()}
    assert tags["valtimo-brp"] == ("brp", "brp1") and tags["valtimo-demo"] == ("demo", "demo1")
    assert tags["brp"] == ("brp", "brp")  # the demo's own sources keep their defaults
    assert set(Source.objects.get(name="valtimo-brp").aliases.values_list("name", flat=True)) == {"Personen"}
    assert set(Source.objects.get(name="valtimo-demo").aliases.values_list("name", flat=True)) == {"getMockData"}
    roles = set(Grant.objects.filter(kind=Grant.Kind.ROLE).values_list("role", "profile__name", "is_default"))
    assert roles == {("ROLE_USER", "Personen", True), ("ROLE_USER", "demo", True)}


def test_the_valtimo_file_holds_no_secret():
    text = VALTIMO_FILE.read_text()

    assert not [name for name, secret in DEMO_SECRETS.items() if secret in text]
