"""Tests of checking a caller's parameters against an operation's schema (connectors/params.py):
the problems name the parameter, never repeat its value, and are found before anything is sent."""

import pytest

from connectors.contrib.brp.plugin import BrpPersonenConnector
from connectors.contrib.kvk.plugin import KvkConnector
from connectors.contrib.zaken.plugin import ZakenConnector
from connectors.params import Param, ParamProblem, params_validate

ZOEK_NAAM = BrpPersonenConnector.operations["ZoekMetGeslachtsnaamEnGeboortedatum"]
ZOEK_ADRES = BrpPersonenConnector.operations["ZoekMetPostcodeEnHuisnummer"]
KVK_ZOEKEN = KvkConnector.operations["zoeken"]


def codes(problems):
    return [(p.name, p.code) for p in problems]


def test_valid_parameters_have_no_problems():
    assert params_validate(operation=ZOEK_NAAM, params={"geslachtsnaam": "Moulin", "geboortedatum": "1985-02-14"}) == []
    assert params_validate(operation=KVK_ZOEKEN, params={"naam": "Bakkerij", "type": ["hoofdvestiging", "rechtspersoon"]}) == []
    assert params_validate(operation=ZOEK_ADRES, params={"postcode": "3077 aw", "huisnummer": "31"}) == []


def test_a_valtimo_multi_select_value_for_a_single_parameter_is_a_problem_of_that_parameter():
    problems = params_validate(operation=ZOEK_NAAM, params={"geslachtsnaam": "[Moulin, Jansen]", "geboortedatum": "1985-02-14"})

    assert problems == [ParamProblem("geslachtsnaam", "multiple", "geslachtsnaam takes one value, not 2.")]


def test_a_parameter_given_twice_is_a_problem():
    problems = params_validate(operation=ZOEK_NAAM, params={"geslachtsnaam": ["Moulin", "Moulin"], "geboortedatum": "1985-02-14"})

    assert codes(problems) == [("geslachtsnaam", "multiple")]


def test_non_latin_characters_that_the_brp_pattern_forbids_are_refused_without_repeating_them():
    problems = params_validate(operation=ZOEK_NAAM, params={"geslachtsnaam": "Мулен", "geboortedatum": "1985-02-14"})

    assert codes(problems) == [("geslachtsnaam", "pattern")]
    assert "Мулен" not in problems[0].reason and "letters, digits" in problems[0].reason


def test_an_unknown_enum_value_such_as_kvk_type_zoeken_is_refused_with_the_allowed_values():
    problems = params_validate(operation=KVK_ZOEKEN, params={"naam": "Bakkerij", "type": "zoeken"})

    assert problems == [ParamProblem("type", "enum", "type must be one of: hoofdvestiging, nevenvestiging, rechtspersoon.")]


@pytest.mark.parametrize("params, expected", [
    ({"geslachtsnaam": "Moulin", "geboortedatum": "14-02-1985"}, [("geboortedatum", "type")]),
    ({"geslachtsnaam": "Moulin", "geboortedatum": "1985-02-30"}, [("geboortedatum", "type")]),
    ({"geslachtsnaam": "Moulin"}, [("geboortedatum", "required")]),
    ({"geslachtsnaam": "Moulin", "geboortedatum": "1985-02-14", "straat": "x"}, [("straat", "unknown")]),
    ({"geslachtsnaam": "Moulin", "geboortedatum": "1985-02-14", "inclusiefOverledenPersonen": "ja"},
     [("inclusiefOverledenPersonen", "type")]),
    ({"geslachtsnaam": "M" * 201, "geboortedatum": "1985-02-14"}, [("geslachtsnaam", "pattern")]),
])
def test_types_formats_required_and_unknown_parameters_are_checked(params, expected):
    assert codes(params_validate(operation=ZOEK_NAAM, params=params)) == expected


def test_numbers_lengths_and_ranges_are_checked():
    assert codes(params_validate(operation=ZOEK_ADRES, params={"postcode": "3077AW", "huisnummer": "31a"})) == [("huisnummer", "type")]
    assert codes(params_validate(operation=ZOEK_ADRES, params={"postcode": "3077AW", "huisnummer": 0})) == [("huisnummer", "range")]
    assert codes(params_validate(operation=KVK_ZOEKEN, params={"naam": "x" * 201})) == [("naam", "max_length")]
    assert codes(params_validate(operation=KVK_ZOEKEN, params={"kvkNummer": "1234567"})) == [("kvkNummer", "pattern")]


def test_a_subject_parameter_is_checked_for_its_form():
    operation = ZakenConnector.operations["zaken_van_persoon"]

    assert params_validate(operation=operation, params={"bsn": "999993653"}) == []
    assert codes(params_validate(operation=operation, params={"bsn": "99999365a"})) == [("bsn", "pattern")]


def test_empty_values_count_as_not_given_and_problems_render_as_invalid_params():
    operation = ZakenConnector.operations["zaken_op_identificatie"]

    problems = params_validate(operation=operation, params={"identificatie": " ", "bronorganisatie": ""})

    assert [p.as_dict() for p in problems] == [
        {"name": "identificatie", "code": "required", "reason": "zaken_op_identificatie needs identificatie."}
    ]


def test_a_parameter_type_outside_the_known_ones_is_a_declaration_error():
    with pytest.raises(ValueError, match="known: string, integer, boolean, date"):
        Param("x", type="float")
