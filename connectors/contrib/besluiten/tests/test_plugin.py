"""Tests of the ZGW Besluiten connector with `responses`: what it sends, and that only besluiten of
what was asked for come back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from django.core.exceptions import ValidationError

from connectors.base import ConnectorRequest, Status
from connectors.contrib.besluiten.fields import BESLUIT_FIELDS
from connectors.contrib.besluiten.plugin import BesluitenConnector

from . import samples as s
from .conftest import CLIENT_ID, SECRET

BESLUITEN = s.BESLUITEN_ROOT + "besluiten"
BIO = s.BESLUITEN_ROOT + "besluitinformatieobjecten"
FIELDS = ("identificatie", "ingangsdatum", "vervaldatum", "besluittype.omschrijving", "toelichting")


def run(source, operation, params, fields=FIELDS):
    return BesluitenConnector(source).run(ConnectorRequest(operation, params, tuple(fields)))


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


# --- besluiten_van_zaak ----------------------------------------------------------------------
@responses.activate
def test_besluiten_van_zaak_sends_the_zaak_filter_with_a_zgw_jwt_and_names_the_besluittype(besluiten_source):
    responses.get(BESLUITEN, json=s.page([s.besluit(1)]))
    responses.get(s.besluittype_url(), json=s.besluittype())

    result = run(besluiten_source, "besluiten_van_zaak", {"zaak": s.zaak_url(1)})

    assert result.status is Status.OK, result.detail
    besluiten_call, catalogi_call = responses.calls
    assert besluiten_call.request.url.startswith(BESLUITEN + "?")
    assert query(besluiten_call) == {"zaak": [s.zaak_url(1)]}
    scheme, _, token = besluiten_call.request.headers["Authorization"].partition(" ")
    assert scheme == "Bearer"
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["client_id"] == CLIENT_ID
    assert catalogi_call.request.url == s.besluittype_url()
    [besluit] = result.data
    assert besluit["identificatie"] == "BESLUIT-2025-0001"
    assert (besluit["ingangsdatum"], besluit["vervaldatum"]) == ("2025-07-16", "2025-10-15")
    assert besluit["besluittype"] == {
        "url": s.besluittype_url(), "omschrijving": "Last onder dwangsom", "omschrijvingGeneriek": "Handhavingsbesluit",
    }
    assert besluit["zaak"] == s.zaak_url(1)


@responses.activate
def test_besluiten_of_another_zaak_are_dropped_when_the_filter_was_ignored(besluiten_source):
    responses.get(BESLUITEN, json=s.page([s.besluit(1), s.besluit(2), s.besluit(3, zaak=1)]))
    responses.get(s.besluittype_url(), json=s.besluittype())

    result = run(besluiten_source, "besluiten_van_zaak", {"zaak": s.zaak_url(1)})

    assert [b["identificatie"] for b in result.data] == ["BESLUIT-2025-0001", "BESLUIT-2025-0003"]
    assert "Dropped 1 besluit(en) of another zaak" in result.detail


@responses.activate
def test_the_besluittype_is_not_looked_up_when_no_field_needs_it(besluiten_source):
    responses.get(BESLUITEN, json=s.page([s.besluit(1)]))

    result = run(besluiten_source, "besluiten_van_zaak", {"zaak": s.zaak_url(1)}, fields=("ingangsdatum", "besluittype.url"))

    assert len(responses.calls) == 1
    assert result.data[0]["besluittype"]["omschrijving"] is None


@responses.activate
def test_besluittypen_are_cached_between_calls(besluiten_source):
    responses.get(BESLUITEN, json=s.page([s.besluit(1), s.besluit(2, zaak=1)]))
    responses.get(s.besluittype_url(), json=s.besluittype())

    run(besluiten_source, "besluiten_van_zaak", {"zaak": s.zaak_url(1)})
    run(besluiten_source, "besluiten_van_zaak", {"zaak": s.zaak_url(1)})

    assert [c.request.url for c in responses.calls].count(s.besluittype_url()) == 1


@responses.activate
def test_without_a_catalogi_server_the_besluittype_keeps_only_its_url_and_says_so(make_besluiten_source):
    responses.get(BESLUITEN, json=s.page([s.besluit(1)]))

    result = run(make_besluiten_source(), "besluiten_van_zaak", {"zaak": s.zaak_url(1)})

    assert result.data[0]["besluittype"] == {"url": s.besluittype_url(), "omschrijving": None, "omschrijvingGeneriek": None}
    assert "no Catalogi server is configured" in result.detail


@responses.activate
def test_a_besluittype_outside_the_catalogi_server_is_not_followed(besluiten_source):
    foreign = dict(s.besluit(1), besluittype="https://elders.example.org/catalogi/api/v1/besluittypen/x")
    responses.get(BESLUITEN, json=s.page([foreign]))

    result = run(besluiten_source, "besluiten_van_zaak", {"zaak": s.zaak_url(1)})

    assert len(responses.calls) == 1
    assert "outside the Catalogi server" in result.detail


@responses.activate
def test_the_cap_stops_the_pages_and_says_so(make_besluiten_source):
    source = make_besluiten_source(max_besluiten=2)
    responses.get(BESLUITEN, json=s.page([s.besluit(1), s.besluit(2, zaak=1)], next_url=BESLUITEN + "?page=2", count=3))

    result = run(source, "besluiten_van_zaak", {"zaak": s.zaak_url(1)}, fields=("identificatie",))

    assert len(responses.calls) == 1
    assert len(result.data) == 2
    assert "Only the first 2 of 3 besluiten were read" in result.detail


@pytest.mark.parametrize("zaak", ["", None])
@responses.activate
def test_no_zaak_skips_the_call(besluiten_source, zaak):
    result = run(besluiten_source, "besluiten_van_zaak", {"zaak": zaak})

    assert result.status is Status.SKIPPED
    assert len(responses.calls) == 0


@pytest.mark.parametrize("zaak", ["ZAAK-2025-0001", "ftp://x/zaken/1", "https:// spaced/x", 12])
@responses.activate
def test_a_zaak_that_is_no_url_is_refused_without_a_call(besluiten_source, zaak):
    result = run(besluiten_source, "besluiten_van_zaak", {"zaak": zaak})

    assert result.status is Status.ERROR
    assert len(responses.calls) == 0


@responses.activate
def test_a_misspelt_parameter_is_refused_rather_than_dropped(besluiten_source):
    result = run(besluiten_source, "besluiten_van_zaak", {"zaak_url": s.zaak_url(1)})

    assert result.status is Status.ERROR and "zaak_url" in result.detail
    assert len(responses.calls) == 0


# --- besluit ---------------------------------------------------------------------------------
@responses.activate
def test_besluit_reads_one_besluit_by_its_url(besluiten_source):
    responses.get(s.besluit_url(7), json=s.besluit(7))
    responses.get(s.besluittype_url(), json=s.besluittype())

    result = run(besluiten_source, "besluit", {"url": s.besluit_url(7)})

    assert result.status is Status.OK
    assert responses.calls[0].request.url == s.besluit_url(7)
    assert result.data["identificatie"] == "BESLUIT-2025-0007"


@pytest.mark.parametrize(
    "url",
    [
        "https://elders.example.org/besluiten/api/v1/besluiten/" + s.uid("besluit", 7),
        s.BESLUITEN_ROOT + "besluitinformatieobjecten/" + s.uid("besluit", 7),
        s.BESLUITEN_ROOT + "besluiten/../zaken/" + s.uid("besluit", 7),
        s.BESLUITEN_ROOT + "besluiten/7",
    ],
)
@responses.activate
def test_besluit_refuses_urls_that_are_not_a_besluit_of_the_server(besluiten_source, url):
    result = run(besluiten_source, "besluit", {"url": url})

    assert result.status is Status.ERROR
    assert len(responses.calls) == 0


@responses.activate
def test_besluit_answered_about_another_besluit_is_dropped(besluiten_source):
    responses.get(s.besluit_url(7), json=s.besluit(8))

    result = run(besluiten_source, "besluit", {"url": s.besluit_url(7)})

    assert result.status is Status.ERROR and result.data is None


@responses.activate
def test_an_unknown_besluit_is_not_found(besluiten_source):
    responses.get(s.besluit_url(7), status=404, json=s.fout(404, "Niet gevonden.", "not_found"),
                  content_type="application/problem+json")

    assert run(besluiten_source, "besluit", {"url": s.besluit_url(7)}).status is Status.NOT_FOUND


# --- besluiten_van_informatieobject ----------------------------------------------------------
@responses.activate
def test_besluiten_van_informatieobject_follows_only_its_own_relations(besluiten_source):
    responses.get(BIO, json=[s.besluitinformatieobject(1, 5), s.besluitinformatieobject(2, 6)])
    responses.get(s.besluit_url(1), json=s.besluit(1))
    responses.get(s.besluittype_url(), json=s.besluittype())

    result = run(besluiten_source, "besluiten_van_informatieobject", {"informatieobject": s.document_url(5)})

    assert result.status is Status.OK, result.detail
    assert query(responses.calls[0]) == {"informatieobject": [s.document_url(5)]}
    assert [b["identificatie"] for b in result.data] == ["BESLUIT-2025-0001"]
    assert s.besluit_url(2) not in [c.request.url for c in responses.calls]
    assert "Dropped 1 relation(s)" in result.detail


@responses.activate
def test_besluiten_van_informatieobject_does_not_follow_besluit_urls_of_another_server(besluiten_source):
    foreign = dict(s.besluitinformatieobject(1, 5), besluit="https://elders.example.org/besluiten/api/v1/besluiten/" + s.uid("b"))
    responses.get(BIO, json=[foreign])

    result = run(besluiten_source, "besluiten_van_informatieobject", {"informatieobject": s.document_url(5)})

    assert len(responses.calls) == 1
    assert result.data == [] and "outside the Besluiten server" in result.detail


# --- errors, options, admin ------------------------------------------------------------------
@responses.activate
def test_an_http_error_is_an_error_result_with_the_problem_title(besluiten_source):
    responses.get(BESLUITEN, status=403, json=s.fout(403, "Je hebt geen toestemming.", "permission_denied"),
                  content_type="application/problem+json")

    result = run(besluiten_source, "besluiten_van_zaak", {"zaak": s.zaak_url(1)})

    assert result.status is Status.ERROR
    assert "refused IKO's credentials (HTTP 403)" in result.detail


def test_the_options_are_checked_with_readable_messages():
    assert BesluitenConnector.validate_options({}) == {"max_besluiten": 100, "besluittype_cache_seconds": 300}
    with pytest.raises(ValidationError, match="max_besluiten must be a whole number from 1 to 500"):
        BesluitenConnector.validate_options({"max_besluiten": 0})
    with pytest.raises(ValidationError, match="Unknown options: catalogus"):
        BesluitenConnector.validate_options({"catalogus": "x"})


@responses.activate
def test_check_connection_asks_for_nothing_but_the_nil_uuid(besluiten_source):
    nil = "00000000-0000-0000-0000-000000000000"
    responses.get(f"{BESLUITEN}/{nil}", status=404, json=s.fout(404, "Niet gevonden.", "not_found"),
                  content_type="application/problem+json")
    responses.get(f"{s.CATALOGI_ROOT}besluittypen/{nil}", status=404, json=s.fout(404, "Niet gevonden.", "not_found"),
                  content_type="application/problem+json")

    check = BesluitenConnector(besluiten_source).check_connection()

    assert check.ok, check.detail
    assert "Besluiten API answered (HTTP 404)" in check.detail and "Catalogi API" in check.detail


def test_the_operations_declare_their_params_and_fields():
    operations = BesluitenConnector.operations
    assert {name: op.params for name, op in operations.items()} == {
        "besluiten_van_zaak": ("zaak",), "besluit": ("url",), "besluiten_van_informatieobject": ("informatieobject",),
    }
    assert all(op.fields == BESLUIT_FIELDS for op in operations.values())
    assert {"ingangsdatum", "vervaldatum", "toelichting", "besluittype.omschrijving"} <= set(BESLUIT_FIELDS)


def test_the_parameter_schemas_let_a_front_door_refuse_a_caller_s_mistake_before_sending():
    from connectors.params import params_validate

    operation = BesluitenConnector.operations["besluiten_van_zaak"]
    assert params_validate(operation=operation, params={"zaak": s.zaak_url(1)}) == []
    assert [(p.name, p.code) for p in params_validate(operation=operation, params={"zaak": "ZAAK-1"})] == [("zaak", "pattern")]
