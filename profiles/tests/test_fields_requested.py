"""Narrowing to what a caller asks for and may have: `fields_within`, the `fields` a front-door
caller lists, within what its grant releases."""


def test_fields_within_keeps_only_allowed_paths_a_caller_asked_for():
    from profiles.definitions.fields import fields_within

    allowed = ["burgerservicenummer", "naam.volledigeNaam", "naam.voornamen", "verblijfplaats"]

    assert fields_within(allowed, ["naam", "verblijfplaats.verblijfadres.postcode", "partners"]) == [
        "naam.volledigeNaam", "naam.voornamen", "verblijfplaats.verblijfadres.postcode"]
    assert fields_within(allowed, ["naamx", "", "kinderen"]) == []
