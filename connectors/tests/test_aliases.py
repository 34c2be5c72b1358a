"""A source's front-door names: its connector and instance tags (defaults, clashes) and its
operation aliases, checked against its operations when saved, and the admin action that adds the
reference IKO Server's aliases."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from connectors.aliases import OperationAlias
from connectors.models import Source, sources_by_tags
from connectors.reference_aliases import ALIAS_KEYS, BRP_QUERY_TYPES, REFERENCE_ALIASES


@pytest.fixture
def brp(make_server):
    return Source.objects.create(name="gemeente-brp", connector="brp", service=make_server("brp"))


def alias(source, **values):
    values.setdefault("name", "Personen")
    values.setdefault("operations", ["RaadpleegMetBurgerservicenummer"])
    return OperationAlias(source=source, **values)


def messages_of(exc: ValidationError) -> dict[str, list[str]]:
    return {field: list(messages) for field, messages in exc.message_dict.items()}


def test_a_source_answers_on_its_connector_id_and_name_until_it_is_given_tags(brp):
    assert brp.front_door_tags == ("brp", "gemeente-brp")
    assert list(sources_by_tags("brp", "gemeente-brp")) == [brp]

    brp.instance_tag = "brp1"
    brp.save()

    assert brp.front_door_tags == ("brp", "brp1")
    assert list(sources_by_tags("brp", "brp1")) == [brp]
    assert not sources_by_tags("brp", "gemeente-brp").exists()


def test_a_connector_tag_names_the_source_whatever_its_connector(make_server, brp):
    brp.connector_tag, brp.instance_tag = "demo", "demo1"
    brp.save()

    assert list(sources_by_tags("demo", "demo1")) == [brp]
    assert not sources_by_tags("brp", "demo1").exists()


def test_two_sources_cannot_answer_on_the_same_tags(make_server, brp):
    brp.instance_tag = "brp1"
    brp.save()
    other = Source(name="brp1", connector="brp", service=make_server("brp-2"))

    with pytest.raises(ValidationError) as caught:
        other.full_clean()

    assert messages_of(caught.value)["instance_tag"] == [
        "Source gemeente-brp already answers on /endpoints/brp/brp1; give this source another instance tag."
    ]


def test_the_reference_brp_alias_is_valid_on_a_brp_source(brp):
    definition = REFERENCE_ALIASES["brp"][0]
    personen = OperationAlias(source=brp, name=definition["name"],
                              **{attr: definition[key] for key, attr in ALIAS_KEYS.items()})

    personen.full_clean()

    assert personen.operations == list(BRP_QUERY_TYPES) and set(BRP_QUERY_TYPES) == set(brp.operations)
    assert personen.operation_for("ZoekMetPostcodeEnHuisnummer") == "ZoekMetPostcodeEnHuisnummer"
    assert personen.operation_for("ZoekMetAdres") is None


@pytest.mark.parametrize(("values", "errors"), [
    ({"operations": ["Personen"]},
     {"operations": ["The source has no operation(s) Personen; it has: {operations}."]}),
    ({"operations": []}, {"operations": ["Give a JSON list of at least one of the source's operations."]}),
    ({"name": "RaadpleegMetBurgerservicenummer"},
     {"name": ["The source has an operation of this name itself; an alias cannot hide it."]}),
    ({"params": {"toevoeging": "huisnummertoevoeging"}},
     {"params": ["None of the alias's operations takes huisnummertoevoeging; they take: bsn."]}),
    ({"params": {"bsn": 12}}, {"params": [
        "Give a JSON object of parameter names: the caller's name and the operation's (or null to accept it "
        "without passing it on)."]}),
    ({"selector_values": {"ZoekMetAdres": "ZoekMetPostcodeEnHuisnummer"}, "selector_param": "type"},
     {"selector_values": ["Not among this alias's operations: ZoekMetPostcodeEnHuisnummer."]}),
    ({"selector_values": {"X": "RaadpleegMetBurgerservicenummer"}},
     {"selector_values": ["Selector values need a selector parameter."]}),
    ({"fixed_params": {"inclusiefOverledenPersonen": "true"}},
     {"fixed_params": ["None of the alias's operations takes inclusiefOverledenPersonen."]}),
    ({"selector_param": "type", "fields_param": "type"},
     {"fields_param": ["The fields parameter cannot also be the selector parameter."]}),
    ({"selector_param": "type", "params": {"type": "bsn"}},
     {"params": ["type is the selector or fields parameter; do not map it as well."]}),
    ({"name": "1 personen"},
     {"name": ["Give a name of letters, digits, '_', '.' or '-', starting with a letter (it is a path segment)."]}),
])
def test_an_alias_is_checked_against_the_source_s_operations_when_saved(brp, values, errors):
    with pytest.raises(ValidationError) as caught:
        alias(brp, **values).full_clean()

    operations = ", ".join(brp.operations)
    assert messages_of(caught.value) == {
        field: [m.replace("{operations}", operations) for m in messages] for field, messages in errors.items()}


def test_an_alias_result_transform_must_compile(brp):
    with pytest.raises(ValidationError) as caught:
        alias(brp, result_transform="{naam: .naam.volledigeNaam").full_clean()

    assert list(messages_of(caught.value)) == ["result_transform"]
    assert messages_of(caught.value)["result_transform"][0].startswith("This JQ expression does not compile:")


def test_one_name_per_alias_and_source(brp):
    alias(brp).save()

    with pytest.raises(ValidationError):
        alias(brp).full_clean()


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def test_the_admin_adds_the_reference_server_s_aliases_once(admin_client, brp, make_server):
    kvk = Source.objects.create(name="kvk", connector="kvk", service=make_server("kvk"))
    bag = Source.objects.create(name="bag", connector="bag", service=make_server("bag"))
    url = reverse("admin:connectors_source_changelist")
    action = {"action": "add_reference_aliases", "_selected_action": [brp.pk, kvk.pk, bag.pk]}

    response = admin_client.post(url, action, follow=True)
    again = admin_client.post(url, action, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "bag: nothing to add.", "gemeente-brp: added Personen.", "kvk: added getResults."]
    assert [str(m) for m in again.context["messages"]] == [
        "bag: nothing to add.", "gemeente-brp: nothing to add.", "kvk: nothing to add."]
    assert list(OperationAlias.objects.values_list("source__name", "name")) == [
        ("gemeente-brp", "Personen"), ("kvk", "getResults")]


def test_the_source_admin_shows_the_front_door_and_edits_aliases_inline(admin_client, brp):
    brp.instance_tag = "brp1"
    brp.save()
    alias(brp).save()

    listing = admin_client.get(reverse("admin:connectors_source_changelist"))
    page = admin_client.get(reverse("admin:connectors_source_change", args=[brp.pk]))

    assert "brp/brp1" in listing.content.decode()
    assert page.status_code == 200 and "aliases-0-name" in page.content.decode()
