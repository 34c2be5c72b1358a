"""The JQ path reader: which fields of the parent's item an input expression reads
(profiles/definitions/jq_paths.py), checked against what JQ itself does with those fields."""

import pytest

from profiles.definitions.expressions import evaluate_all
from profiles.definitions.fields import select_fields
from profiles.definitions.jq_paths import expression_read_paths

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
    ("{kvk: $subject.value, partij: .}", ("",)),
    ('if .naam.voornamen then {n: .naam.voornamen} else {n: .burgerservicenummer} end',
     ("burgerservicenummer", "naam.voornamen")),
    ("[.adressen[]? | {id: .geoData.nummerAanduidingId}]", ("adressen.geoData.nummerAanduidingId",)),
    ('{x: (.naam.voornamen // .naam.volledigeNaam)}', ("naam.volledigeNaam", "naam.voornamen")),
])
def test_the_reader_names_the_fields_an_input_expression_reads(expression, read):
    assert expression_read_paths(expression) == read


@pytest.mark.parametrize("expression", [
    ".verblijfplaats as $v | {id: $v.nummeraanduidingIdentificatie}",
    "reduce .adressen[] as $a ({}; . + $a)",
    '{id: "\\(.burgerservicenummer)"}',
    "{id: .[.key]}",
    "{bsn: unknown_function(.burgerservicenummer)}",
    "{bsn: $other}",
    "{bsn: .burgerservicenummer",
])
def test_what_the_reader_cannot_follow_counts_as_reading_everything(expression):
    assert expression_read_paths(expression) is None


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
