"""Narrowing to what a caller asks for and may have: `fields_within` (the `fields` a front-door
caller lists, within what its grant releases) and `schema_narrow` (a profile's schema cut to a
grant's paths)."""


def test_fields_within_keeps_only_allowed_paths_a_caller_asked_for():
    from profiles.definitions.fields import fields_within

    allowed = ["burgerservicenummer", "naam.volledigeNaam", "naam.voornamen", "verblijfplaats"]

    assert fields_within(allowed, ["naam", "verblijfplaats.verblijfadres.postcode", "partners"]) == [
        "naam.volledigeNaam", "naam.voornamen", "verblijfplaats.verblijfadres.postcode"]
    assert fields_within(allowed, ["naamx", "", "kinderen"]) == []


def test_a_schema_narrowed_to_grant_paths_keeps_their_subtrees_through_lists_and_nullable_parts():
    from profiles.definitions.schema import schema_narrow

    naam = {"type": "object", "properties": {"volledigeNaam": {}, "voornamen": {}}}
    schema = {"type": "object", "properties": {
        "persoon": {"anyOf": [{"type": "object", "properties": {"naam": naam, "bsn": {}}}, {"type": "null"}]},
        "zaken": {"anyOf": [{"type": "array", "items": {"type": "object", "properties": {"id": {}, "x": {}}}},
                            {"type": "null"}]},
        "inkomens": {"description": "Shaped by the JQ transform: ..."},
    }}

    narrowed = schema_narrow(schema, ["persoon.naam.volledigeNaam", "zaken.id", "inkomens"])

    assert narrowed["properties"]["persoon"]["anyOf"][0]["properties"] == {
        "naam": {"type": "object", "properties": {"volledigeNaam": {}}}}
    assert narrowed["properties"]["zaken"]["anyOf"][0]["items"]["properties"] == {"id": {}}
    assert narrowed["properties"]["inkomens"] == schema["properties"]["inkomens"]
    assert schema_narrow(schema, None) is schema
