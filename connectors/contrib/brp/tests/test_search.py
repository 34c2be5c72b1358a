"""The BRP search types (`ZoekMet...`) with `responses`: the exact query each sends, its headers,
how the `PersoonBeperkt` list is read, and the parameter checks that run before anything is sent."""

import json

import pytest
import responses
from django.core.exceptions import ValidationError

from connectors.base import CallContext, ConnectorRequest, Status
from connectors.contrib.brp.fields import PERSOON_BEPERKT_FIELDS, PERSOON_BEPERKT_MARKERS, PERSOON_FIELDS
from connectors.contrib.brp.plugin import BrpPersonenConnector
from connectors.contrib.brp.search import SEARCH_TYPES

from .samples import JSON_UTF8, MERLIJN, PERSONEN_URL, SUZANNE, answer

FIELDS = ("burgerservicenummer", "naam.volledigeNaam", "geboorte.datum")
CONTEXT = CallContext(
    purpose_code="klantcontact",
    doelbinding_consult="BRPACT-Totaal",
    doelbinding_search="BRPACT-ZoekenAlgemeen",
    verwerking="Klantcontact@Zoeken klant",
    gebruiker="medewerker-42",
    origin_oin="00000001234567890000",
)

# operation, params as a caller gives them, the search parameters the BRP must receive
SEARCHES = [
    (
        "ZoekMetGeslachtsnaamEnGeboortedatum",
        {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01", "voornamen": "Suz*", "voorvoegsel": "van",
         "geslacht": "v", "inclusiefOverledenPersonen": True, "gemeenteVanInschrijving": "0599"},
        {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01", "voornamen": "Suz*", "voorvoegsel": "van",
         "geslacht": "V", "inclusiefOverledenPersonen": True, "gemeenteVanInschrijving": "0599"},
    ),
    (
        "ZoekMetPostcodeEnHuisnummer",
        # As the Valtimo front door passes them on: text from a query string.
        {"postcode": "3077 aw", "huisnummer": "31", "huisletter": "a", "huisnummertoevoeging": "bis",
         "geboortedatum": "1985-12-01", "geslachtsnaam": "Moul*", "inclusiefOverledenPersonen": "false"},
        {"postcode": "3077AW", "huisnummer": 31, "huisletter": "a", "huisnummertoevoeging": "bis",
         "geboortedatum": "1985-12-01", "geslachtsnaam": "Moul*", "inclusiefOverledenPersonen": False},
    ),
    (
        "ZoekMetNaamEnGemeenteVanInschrijving",
        {"geslachtsnaam": "Moulin", "voornamen": "Suzanne", "gemeenteVanInschrijving": "0599",
         "voorvoegsel": "de", "geslacht": "V", "inclusiefOverledenPersonen": True},
        {"geslachtsnaam": "Moulin", "voornamen": "Suzanne", "gemeenteVanInschrijving": "0599",
         "voorvoegsel": "de", "geslacht": "V", "inclusiefOverledenPersonen": True},
    ),
    (
        "ZoekMetNummeraanduidingIdentificatie",
        # A BAG id that came through JSON as a number lost its leading zero.
        {"nummeraanduidingIdentificatie": 599200000219678},
        {"nummeraanduidingIdentificatie": "0599200000219678"},
    ),
    (
        "ZoekMetAdresseerbaarObjectIdentificatie",
        {"adresseerbaarObjectIdentificatie": "0599010000208579", "inclusiefOverledenPersonen": True,
         "gemeenteVanInschrijving": "0599"},
        {"adresseerbaarObjectIdentificatie": "0599010000208579", "inclusiefOverledenPersonen": True,
         "gemeenteVanInschrijving": "0599"},
    ),
]
MINIMAL = {
    "ZoekMetGeslachtsnaamEnGeboortedatum": {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"},
    "ZoekMetPostcodeEnHuisnummer": {"postcode": "3077AW", "huisnummer": 31},
    "ZoekMetNaamEnGemeenteVanInschrijving": {"geslachtsnaam": "Moulin", "voornamen": "Suzanne", "gemeenteVanInschrijving": "0599"},
    "ZoekMetNummeraanduidingIdentificatie": {"nummeraanduidingIdentificatie": "0599200000219678"},
    "ZoekMetAdresseerbaarObjectIdentificatie": {"adresseerbaarObjectIdentificatie": "0599010000208579"},
}


def run(brp_source, operation, params, fields=FIELDS, context=CallContext()):
    request = ConnectorRequest(operation=operation, params=params, fields=tuple(fields), context=context)
    return BrpPersonenConnector(brp_source.to_config()).run(request)


def sent_body(index=0):
    return json.loads(responses.calls[index].request.body)


# --- what is sent ------------------------------------------------------------------------------
@pytest.mark.parametrize("operation, params, expected", SEARCHES, ids=[s[0] for s in SEARCHES])
@responses.activate
def test_each_search_type_posts_its_type_the_spec_parameters_and_exactly_the_asked_fields(brp_source, operation, params, expected):
    responses.post(PERSONEN_URL, json=answer(operation, SUZANNE), content_type=JSON_UTF8)

    result = run(brp_source, operation, params)

    assert result.status is Status.OK, result.detail
    assert len(responses.calls) == 1
    sent = responses.calls[0].request
    assert sent.method == "POST" and sent.url == PERSONEN_URL
    assert json.loads(sent.body) == {"type": operation, **expected, "fields": list(FIELDS)}
    assert sent.headers["Content-Type"] == "application/json; charset=utf-8"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["X-Api-Key"] == "brp-secret"
    # Personal data goes in the body only.
    assert sent.url.endswith("/personen") and "?" not in sent.url
    assert result.fields_requested == FIELDS


@responses.activate
def test_a_search_asks_only_for_the_asked_fields_never_the_automatic_ones_and_adds_no_bsn(brp_source):
    responses.post(PERSONEN_URL, json=answer("ZoekMetPostcodeEnHuisnummer", SUZANNE), content_type=JSON_UTF8)

    result = run(brp_source, "ZoekMetPostcodeEnHuisnummer", MINIMAL["ZoekMetPostcodeEnHuisnummer"],
                 fields=("naam.volledigeNaam", "geheimhoudingPersoonsgegevens", "naam.inOnderzoek", "naam.volledigeNaam",
                         "adressering.adresregel1", "rni", "verificatie", "opschortingBijhouding"))

    assert sent_body()["fields"] == ["naam.volledigeNaam", "adressering.adresregel1"]
    assert result.fields_requested == ("naam.volledigeNaam", "adressering.adresregel1")


@pytest.mark.parametrize("operation", list(MINIMAL))
@responses.activate
def test_searching_sends_the_purposes_search_doelbinding(brp_source, operation):
    brp_source.options = {"protocol_headers": True}
    brp_source.full_clean()
    brp_source.save()
    responses.post(PERSONEN_URL, json=answer(operation, SUZANNE), content_type=JSON_UTF8)

    result = run(brp_source, operation, MINIMAL[operation], context=CONTEXT)

    assert result.status is Status.OK, result.detail
    headers = responses.calls[0].request.headers
    assert headers["x-doelbinding"] == "BRPACT-ZoekenAlgemeen"
    assert headers["x-verwerking"] == "Klantcontact@Zoeken klant"
    assert headers["x-gebruiker"] == "medewerker-42"
    assert headers["x-origin-oin"] == "00000001234567890000"


@responses.activate
def test_a_search_without_any_doelbinding_is_not_sent_when_the_gateway_needs_one(brp_source):
    brp_source.options = {"protocol_headers": True}
    brp_source.save()

    result = run(brp_source, "ZoekMetGeslachtsnaamEnGeboortedatum", MINIMAL["ZoekMetGeslachtsnaamEnGeboortedatum"],
                 context=CallContext(purpose_code="kcc"))

    assert result.status is Status.ERROR
    assert "has no BRP doelbinding (search)" in result.detail
    assert len(responses.calls) == 0


# --- what comes back ---------------------------------------------------------------------------
@responses.activate
def test_the_answer_is_the_list_of_persons_as_the_brp_gave_them(brp_source):
    responses.post(PERSONEN_URL, json=answer("ZoekMetGeslachtsnaamEnGeboortedatum", SUZANNE, MERLIJN), content_type=JSON_UTF8)

    result = run(brp_source, "ZoekMetGeslachtsnaamEnGeboortedatum", MINIMAL["ZoekMetGeslachtsnaamEnGeboortedatum"])

    assert result.status is Status.OK and result.detail == ""
    assert [p["burgerservicenummer"] for p in result.data] == ["999993653", "999993847"]
    assert result.data[1]["naam"]["volledigeNaam"] == "Merlijn Moulin"
    # Automatic fields are passed on; the profile engine decides what is released.
    assert result.data[1]["geheimhoudingPersoonsgegevens"] is True


@pytest.mark.parametrize("operation", list(MINIMAL))
@responses.activate
def test_no_person_found_is_an_empty_list_not_a_failure(brp_source, operation):
    responses.post(PERSONEN_URL, json=answer(operation), content_type=JSON_UTF8)

    result = run(brp_source, operation, MINIMAL[operation])

    assert result.status is Status.OK
    assert result.data == []
    assert result.detail == "The BRP found no person matching the search."


@responses.activate
def test_an_answer_to_another_search_type_is_dropped(brp_source):
    responses.post(PERSONEN_URL, json=answer("RaadpleegMetBurgerservicenummer", SUZANNE), content_type=JSON_UTF8)

    result = run(brp_source, "ZoekMetPostcodeEnHuisnummer", MINIMAL["ZoekMetPostcodeEnHuisnummer"])

    assert result.status is Status.ERROR and result.data is None
    assert "answered another query type than ZoekMetPostcodeEnHuisnummer; dropped." in result.detail


@pytest.mark.parametrize("body, words", [
    ({"type": "ZoekMetPostcodeEnHuisnummer"}, "no 'personen' list"),
    ({"type": "ZoekMetPostcodeEnHuisnummer", "personen": [SUZANNE, "999993653"]}, "not all objects"),
])
@responses.activate
def test_a_malformed_answer_is_an_error(brp_source, body, words):
    responses.post(PERSONEN_URL, json=body, content_type=JSON_UTF8)

    result = run(brp_source, "ZoekMetPostcodeEnHuisnummer", MINIMAL["ZoekMetPostcodeEnHuisnummer"])

    assert result.status is Status.ERROR and words in result.detail


@responses.activate
def test_a_400_from_the_brp_names_the_invalid_parameters(brp_source):
    responses.post(
        PERSONEN_URL, status=400, content_type="application/problem+json",
        json={"title": "Een of meerdere parameters zijn niet correct.", "status": 400, "code": "paramsValidation",
              "invalidParams": [{"name": "fields[0]", "code": "field", "reason": "Parameter bevat een niet bestaande veldnaam."}]},
    )

    result = run(brp_source, "ZoekMetPostcodeEnHuisnummer", MINIMAL["ZoekMetPostcodeEnHuisnummer"])

    assert result.status is Status.ERROR
    assert "HTTP 400" in result.detail and "fields[0]" in result.detail


# --- checked before sending ------------------------------------------------------------------------
INVALID = [
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"geboortedatum": "01-12-1985"}, "The geboortedatum must be a full date as YYYY-MM-DD."),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"geboortedatum": "1985-02-30"}, "The geboortedatum must be a full date"),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"geslachtsnaam": "Mo*"}, "The geslachtsnaam must be letters, digits"),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"geslachtsnaam": "Moulin;--"}, "The geslachtsnaam must be letters, digits"),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"geslachtsnaam": "M" * 201}, "The geslachtsnaam must be letters, digits"),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"geslacht": "X"}, "The geslacht must be M, V or O."),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"voorvoegsel": "van der mole"}, "The voorvoegsel must be letters, spaces or '"),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"voornamen": "Suz**"}, "The voornamen must be letters"),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"inclusiefOverledenPersonen": "ja"}, "The inclusiefOverledenPersonen must be true or false."),
    ("ZoekMetGeslachtsnaamEnGeboortedatum", {"gemeenteVanInschrijving": "599"}, "The gemeenteVanInschrijving must be a gemeentecode of 4 digits."),
    ("ZoekMetPostcodeEnHuisnummer", {"postcode": "0123AB"}, "The postcode must be a postcode"),
    ("ZoekMetPostcodeEnHuisnummer", {"postcode": "3077A"}, "The postcode must be a postcode"),
    ("ZoekMetPostcodeEnHuisnummer", {"huisnummer": 0}, "The huisnummer must be a whole number from 1 to 99999."),
    ("ZoekMetPostcodeEnHuisnummer", {"huisnummer": 100000}, "The huisnummer must be a whole number"),
    ("ZoekMetPostcodeEnHuisnummer", {"huisnummer": "31a"}, "The huisnummer must be a whole number"),
    ("ZoekMetPostcodeEnHuisnummer", {"huisnummer": True}, "The huisnummer must be a whole number"),
    ("ZoekMetPostcodeEnHuisnummer", {"huisletter": "ab"}, "The huisletter must be one letter."),
    ("ZoekMetPostcodeEnHuisnummer", {"huisnummertoevoeging": "12345"}, "The huisnummertoevoeging must be at most 4"),
    # Where voornamen is required, a wildcard needs at least 3 letters before it.
    ("ZoekMetNaamEnGemeenteVanInschrijving", {"voornamen": "Su*"}, "The voornamen must be letters"),
    ("ZoekMetNaamEnGemeenteVanInschrijving", {"gemeenteVanInschrijving": 599}, None),  # padded: valid
    ("ZoekMetNummeraanduidingIdentificatie", {"nummeraanduidingIdentificatie": "0000000000000000"}, "must be a BAG nummeraanduiding id"),
    ("ZoekMetNummeraanduidingIdentificatie", {"nummeraanduidingIdentificatie": "059920000021967"}, "must be a BAG nummeraanduiding id"),
    ("ZoekMetAdresseerbaarObjectIdentificatie", {"adresseerbaarObjectIdentificatie": "0000000000000000"}, "must be a BAG adresseerbaar object id"),
    ("ZoekMetAdresseerbaarObjectIdentificatie", {"adresseerbaarObjectIdentificatie": "0599-01-0000208579"}, "must be a BAG adresseerbaar object id"),
]


@pytest.mark.parametrize("operation, change, words", INVALID)
@responses.activate
def test_parameters_are_checked_against_the_spec_before_anything_is_sent(brp_source, operation, change, words):
    responses.post(PERSONEN_URL, json=answer(operation, SUZANNE), content_type=JSON_UTF8)

    result = run(brp_source, operation, {**MINIMAL[operation], **change})

    if words is None:
        assert result.status is Status.OK, result.detail
        return
    assert result.status is Status.ERROR
    assert result.detail.startswith("Invalid BRP search: ") and words in result.detail
    assert len(responses.calls) == 0
    # The message names the parameter, never its value (personal data).
    value = str(next(iter(change.values())))
    assert value not in result.detail.replace("Invalid BRP search", "")


@responses.activate
def test_a_wildcard_voornamen_of_one_letter_is_fine_where_voornamen_is_optional(brp_source):
    responses.post(PERSONEN_URL, json=answer("ZoekMetGeslachtsnaamEnGeboortedatum"), content_type=JSON_UTF8)

    result = run(brp_source, "ZoekMetGeslachtsnaamEnGeboortedatum",
                 {**MINIMAL["ZoekMetGeslachtsnaamEnGeboortedatum"], "voornamen": "S*"})

    assert result.status is Status.OK
    assert sent_body()["voornamen"] == "S*"


@responses.activate
def test_every_problem_is_named_at_once(brp_source):
    result = run(brp_source, "ZoekMetPostcodeEnHuisnummer", {"postcode": "0000XX", "huisletter": "12"})

    assert result.status is Status.ERROR
    assert "ZoekMetPostcodeEnHuisnummer needs postcode, huisnummer; missing: huisnummer." in result.detail
    assert "The postcode must be" in result.detail and "The huisletter must be one letter." in result.detail
    assert len(responses.calls) == 0


@pytest.mark.parametrize("params, words", [
    ({"achternaam": "Moulin", "geboortedatum": "1985-12-01"}, "takes no parameter(s) achternaam; it takes: geslachtsnaam, geboortedatum"),
    ({**MINIMAL["ZoekMetGeslachtsnaamEnGeboortedatum"], "type": "RaadpleegMetBurgerservicenummer"}, "takes no parameter(s) type"),
    ({**MINIMAL["ZoekMetGeslachtsnaamEnGeboortedatum"], "fields": ["aNummer"]}, "takes no parameter(s) fields"),
    ({**MINIMAL["ZoekMetGeslachtsnaamEnGeboortedatum"], "bsn": "999993653"}, "takes no parameter(s) bsn"),
])
@responses.activate
def test_a_parameter_the_search_type_does_not_have_is_refused_not_dropped(brp_source, params, words):
    result = run(brp_source, "ZoekMetGeslachtsnaamEnGeboortedatum", params)

    assert result.status is Status.ERROR and words in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_a_search_with_nothing_to_search_with_is_skipped(brp_source):
    # As when a relation's parent data had no nummeraanduiding.
    result = run(brp_source, "ZoekMetNummeraanduidingIdentificatie", {"nummeraanduidingIdentificatie": None})

    assert result.status is Status.SKIPPED
    assert len(responses.calls) == 0


@pytest.mark.parametrize("fields, words", [
    (("naam.volledigeNaam", "verblijfplaats.verblijfadres"), "has no field(s) verblijfplaats.verblijfadres"),
    (("partners",), "has no field(s) partners"),
    (("geheimhoudingPersoonsgegevens",), "needs at least one field"),
    ((), "needs at least one field"),
])
@responses.activate
def test_fields_a_search_cannot_deliver_are_refused_before_sending(brp_source, fields, words):
    result = run(brp_source, "ZoekMetPostcodeEnHuisnummer", MINIMAL["ZoekMetPostcodeEnHuisnummer"], fields=fields)

    assert result.status is Status.ERROR and words in result.detail
    assert len(responses.calls) == 0


# --- declared operations -------------------------------------------------------------------------
def test_the_search_types_are_declared_as_list_operations_without_a_subject():
    operations = BrpPersonenConnector.operations

    assert set(SEARCH_TYPES) <= set(operations)
    assert set(PERSOON_BEPERKT_FIELDS) <= set(PERSOON_FIELDS)
    for name in SEARCH_TYPES:
        operation = operations[name]
        assert operation.many is True and operation.subject_types == ()
        assert operation.fields == PERSOON_BEPERKT_FIELDS + PERSOON_BEPERKT_MARKERS
    assert operations["ZoekMetPostcodeEnHuisnummer"].params == (
        "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "geboortedatum", "geslachtsnaam",
        "inclusiefOverledenPersonen", "gemeenteVanInschrijving",
    )
    assert operations["RaadpleegMetBurgerservicenummer"].many is False


def test_a_search_action_is_validated_against_the_declared_parameters_and_fields(profile, brp_source):
    from profiles.models import SearchAction

    def action(**changes):
        values = dict(
            profile=profile, name="op-adres", title="Bewoners", source=brp_source, operation="ZoekMetPostcodeEnHuisnummer",
            criteria=[{"name": "postcode", "type": "postcode", "required": True},
                      {"name": "nummer", "param": "huisnummer", "type": "integer", "required": True}],
            columns=[{"name": "bsn", "field": "burgerservicenummer"}, {"name": "naam", "field": "naam.volledigeNaam"}],
            identifier_column="bsn", identifier_type="bsn",
        )
        values.update(changes)
        return SearchAction(**values)

    action().full_clean()
    with pytest.raises(ValidationError, match=r"takes no parameter\(s\) \['straat'\]"):
        action(criteria=[{"name": "straat", "type": "string"}]).full_clean()
    with pytest.raises(ValidationError, match="cannot deliver"):
        action(columns=[{"name": "bsn", "field": "burgerservicenummer"},
                        {"name": "adres", "field": "verblijfplaats.verblijfadres"}]).full_clean()


@pytest.mark.parametrize(
    "operation, params",
    [
        ("ZoekMetNummeraanduidingIdentificatie", {"nummeraanduidingIdentificatie": "0599200000219678"}),
        ("ZoekMetAdresseerbaarObjectIdentificatie", {"adresseerbaarObjectIdentificatie": "0599010000208579"}),
    ],
)
@responses.activate
def test_the_residents_at_an_address_can_be_counted_without_asking_for_any_name(brp_source, operation, params):
    responses.post(PERSONEN_URL, json=answer(operation, {"burgerservicenummer": "999993653"}, {"burgerservicenummer": "999993847"}),
                   content_type=JSON_UTF8)

    result = run(brp_source, operation, params, fields=("burgerservicenummer",), context=CONTEXT)

    assert sent_body() == {"type": operation, **params, "fields": ["burgerservicenummer"]}
    assert result.status is Status.OK and len(result.data) == 2
    assert result.fields_requested == ("burgerservicenummer",)
