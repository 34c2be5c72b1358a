"""What a relation's input expression reads of its parent's item (profiles/definitions/jq_paths.py),
as narrowing uses it: the demo profiles' input expressions, `$subject`, and a check against JQ
itself that the fields read are enough to give the same parameters."""

import pytest

from profiles.definitions.expressions import evaluate_all
from profiles.definitions.fields import select_fields
from profiles.definitions.jq_paths import WHOLE_VIEW, expression_read_paths

PERSOON = {
    "burgerservicenummer": "999993653",
    "naam": {"volledigeNaam": "Suzanne Moulin", "voornamen": "Suzanne"},
    "verblijfplaats": {"nummeraanduidingIdentificatie": "0599200000219678", "verblijfadres": {"huisnummer": 31}},
    "partijIdentificatoren": [
        {"partijIdentificator": {"codeSoortObjectId": "kvk_nummer", "objectId": "90004760", "codeRegister": "hr"}},
        {"partijIdentificator": {"codeSoortObjectId": "bsn", "objectId": "999993653", "codeRegister": "brp"}},
    ],
    "adressen": [{"volledigAdres": "Boterdiep 33", "geoData": {"nummerAanduidingId": "0599200000219680", "x": 1}}],
    "vestigingsnummer": "000059218547",
}


@pytest.mark.parametrize("expression, read", [
    ("{bsn: .burgerservicenummer}", ("burgerservicenummer",)),
    ("select(.vestigingsnummer) | {vestigingsnummer}", ("vestigingsnummer",)),
    ("first(.adressen[]?.geoData.nummerAanduidingId | select(.)) | {nummeraanduidingIdentificatie: .}",
     ("adressen.geoData.nummerAanduidingId",)),
    ('first(.partijIdentificatoren[]?.partijIdentificator | select(.codeSoortObjectId == "bsn")) | {bsn: .objectId}',
     ("partijIdentificatoren.partijIdentificator.codeSoortObjectId", "partijIdentificatoren.partijIdentificator.objectId")),
    ("select(.verblijfplaats.nummeraanduidingIdentificatie) | "
     "{nummeraanduidingIdentificatie: .verblijfplaats.nummeraanduidingIdentificatie}",
     ("verblijfplaats.nummeraanduidingIdentificatie",)),
    ("{bsn: $subject.value}", ()),
    ('{x: "1"}', ()),
    ('if .naam.voornamen then {n: .naam.voornamen} else {n: .burgerservicenummer} end',
     ("burgerservicenummer", "naam.voornamen")),
    ("[.adressen[]? | {id: .geoData.nummerAanduidingId}]", ("adressen.geoData.nummerAanduidingId",)),
    ('{x: (.naam.voornamen // .naam.volledigeNaam)}', ("naam.volledigeNaam", "naam.voornamen")),
])
def test_the_fields_an_input_expression_reads_are_named(expression, read):
    assert expression_read_paths(expression) == read


def test_an_input_expression_that_passes_on_the_whole_item_reads_all_of_it():
    assert expression_read_paths("{kvk: $subject.value, partij: .}") == (WHOLE_VIEW,)


@pytest.mark.parametrize("expression", [
    "{bsn: .burgerservicenummer}",
    "first(.adressen[]?.geoData.nummerAanduidingId | select(.)) | {nummeraanduidingIdentificatie: .}",
    'first(.partijIdentificatoren[]?.partijIdentificator | select(.codeSoortObjectId == "bsn")) | {bsn: .objectId}',
    "select(.verblijfplaats.nummeraanduidingIdentificatie) | "
    "{nummeraanduidingIdentificatie: .verblijfplaats.nummeraanduidingIdentificatie}",
    "select(.vestigingsnummer) | {vestigingsnummer}",
])
def test_the_fields_read_are_enough_for_the_expression_to_give_the_same_parameters(expression):
    # What a narrowed parent asks its source for is all the child's input expression gets.
    only_read = select_fields(PERSOON, expression_read_paths(expression))

    assert evaluate_all(expression, only_read) == evaluate_all(expression, PERSOON)
