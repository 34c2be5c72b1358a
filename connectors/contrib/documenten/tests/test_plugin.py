"""Tests of the ZGW Documenten connector with `responses`: the relations and documents it asks for,
that only documents of the zaak come back, that the confidentiality maximum holds, and that the
content is never fetched."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from django.core.exceptions import ValidationError

from connectors.base import CallContext, ConnectorRequest, Status
from connectors.contrib.documenten.fields import DOCUMENT_FIELDS
from connectors.contrib.documenten.plugin import DocumentenConnector

from . import samples as s
from .conftest import CLIENT_ID, SECRET

ZIO = s.ZAKEN_ROOT + "zaakinformatieobjecten"
OIO = s.DOCUMENTEN_ROOT + "objectinformatieobjecten"
ZOEK = s.DOCUMENTEN_ROOT + "enkelvoudiginformatieobjecten/_zoek"
FIELDS = ("titel", "informatieobjecttype.omschrijving", "creatiedatum", "vertrouwelijkheidaanduiding", "status",
          "bestandsnaam", "formaat", "relatie.titel")


def run(source, params=None, fields=FIELDS, *, granted=""):
    """One call; `granted` is the maximum of the grant the view is served under (its context)."""
    params = {"zaak": s.zaak_url(1)} if params is None else params
    context = CallContext(max_vertrouwelijkheidaanduiding=granted)
    return DocumentenConnector(source).run(ConnectorRequest("documenten_van_zaak", params, tuple(fields), context))


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def mock(relations, documents, *, via="zaken"):
    responses.get(ZIO if via == "zaken" else OIO, json=relations)
    responses.post(ZOEK, json=s.page(documents))
    responses.get(s.informatieobjecttype_url(), json=s.informatieobjecttype())


# --- what is sent ----------------------------------------------------------------------------
@responses.activate
def test_it_reads_the_zaak_relations_from_the_zaken_api_and_the_documents_in_one_zoek(documenten_source):
    mock([s.zaakinformatieobject(1, 1), s.zaakinformatieobject(1, 2)], [s.document(1), s.document(2)])

    result = run(documenten_source)

    assert result.status is Status.OK, result.detail
    relations_call, zoek_call, type_call = responses.calls
    assert relations_call.request.method == "GET"
    assert query(relations_call) == {"zaak": [s.zaak_url(1)]}
    assert zoek_call.request.method == "POST"
    assert zoek_call.request.headers["Content-Type"] == "application/json"
    assert json.loads(zoek_call.request.body) == {"uuid__in": [s.uid("document", 1), s.uid("document", 2)]}
    assert type_call.request.url == s.informatieobjecttype_url()
    for call in responses.calls:
        scheme, _, token = call.request.headers["Authorization"].partition(" ")
        assert scheme == "Bearer" and jwt.decode(token, SECRET, algorithms=["HS256"])["client_id"] == CLIENT_ID


@responses.activate
def test_it_returns_metadata_only_and_never_follows_or_returns_the_content(documenten_source):
    mock([s.zaakinformatieobject(1, 1)], [s.document(1, titel="Besluit last onder dwangsom")])

    [document] = run(documenten_source, fields=DOCUMENT_FIELDS).data

    assert document["titel"] == "Besluit last onder dwangsom"
    assert document["informatieobjecttype"] == {"url": s.informatieobjecttype_url(), "omschrijving": "Besluit"}
    assert (document["bestandsnaam"], document["formaat"], document["status"]) == ("document-1.pdf", "application/pdf", "definitief")
    assert document["relatie"] == {"titel": "Stuk 1 in de zaak", "beschrijving": "", "registratiedatum": "2025-07-15T10:05:00Z"}
    assert not {"inhoud", "link", "bestandsdelen", "auteur"} & set(document)
    assert not any("download" in call.request.url for call in responses.calls)
    assert len(responses.calls) == 3


@responses.activate
def test_relations_can_come_from_the_documenten_api_instead(oio_source):
    mock([s.objectinformatieobject(1, 1)], [s.document(1)], via="documenten")

    result = run(oio_source)

    assert query(responses.calls[0]) == {"object": [s.zaak_url(1)]}
    assert responses.calls[0].request.url.startswith(OIO)
    assert [d["titel"] for d in result.data] == ["Document 1"]
    assert result.data[0]["relatie"] is None


# --- only the zaak's own documents -------------------------------------------------------------
@responses.activate
def test_relations_of_another_zaak_are_dropped_and_their_documents_never_asked_for(documenten_source):
    mock([s.zaakinformatieobject(1, 1), s.zaakinformatieobject(2, 2)], [s.document(1)])

    result = run(documenten_source)

    assert json.loads(responses.calls[1].request.body) == {"uuid__in": [s.uid("document", 1)]}
    assert [d["titel"] for d in result.data] == ["Document 1"]
    assert "Dropped 1 relation(s) of another zaak" in result.detail


@responses.activate
def test_documenten_api_relations_of_another_object_or_type_are_dropped(oio_source):
    mock([s.objectinformatieobject(1, 1), s.objectinformatieobject(2, 2), s.objectinformatieobject(1, 3, "besluit")],
         [s.document(1)], via="documenten")

    result = run(oio_source)

    assert json.loads(responses.calls[1].request.body) == {"uuid__in": [s.uid("document", 1)]}
    assert "Dropped 2 relation(s)" in result.detail


@responses.activate
def test_documents_the_zoek_was_not_asked_for_are_ignored(documenten_source):
    mock([s.zaakinformatieobject(1, 1)], [s.document(1), s.document(9)])

    result = run(documenten_source)

    assert [d["titel"] for d in result.data] == ["Document 1"]


@responses.activate
def test_documents_outside_the_documenten_server_are_not_fetched(documenten_source):
    foreign = dict(s.zaakinformatieobject(1, 2), informatieobject="https://elders.example.org/documenten/api/v1/enkelvoudiginformatieobjecten/" + s.uid("x"))
    mock([s.zaakinformatieobject(1, 1), foreign], [s.document(1)])

    result = run(documenten_source)

    assert json.loads(responses.calls[1].request.body) == {"uuid__in": [s.uid("document", 1)]}
    assert "1 document URL(s) outside the Documenten server were not followed" in result.detail


@responses.activate
def test_no_relations_is_an_empty_list_without_a_zoek(documenten_source):
    responses.get(ZIO, json=[])

    result = run(documenten_source)

    assert result.status is Status.OK and result.data == []
    assert len(responses.calls) == 1 and "No documents for this zaak" in result.detail


# --- confidentiality ---------------------------------------------------------------------------
@responses.activate
def test_documents_above_the_source_maximum_are_left_out_and_counted(documenten_source):
    documents = [s.document(1), s.document(2, vertrouwelijkheid="zaakvertrouwelijk"),
                 s.document(3, vertrouwelijkheid="vertrouwelijk"), s.document(4, vertrouwelijkheid="geheim")]
    mock([s.zaakinformatieobject(1, n) for n in range(1, 5)], documents)

    result = run(documenten_source)

    assert sorted(d["titel"] for d in result.data) == ["Document 1", "Document 2"]
    assert "2 document(s) above the maximum vertrouwelijkheidaanduiding (zaakvertrouwelijk) were left out" in result.detail


@responses.activate
def test_a_call_can_lower_the_maximum_but_never_raise_it(documenten_source):
    documents = [s.document(1), s.document(2, vertrouwelijkheid="intern"), s.document(3, vertrouwelijkheid="vertrouwelijk")]
    mock([s.zaakinformatieobject(1, n) for n in range(1, 4)], documents)

    lowered = run(documenten_source, {"zaak": s.zaak_url(1), "maximaleVertrouwelijkheidaanduiding": "openbaar"})
    raised = run(documenten_source, {"zaak": s.zaak_url(1), "maximaleVertrouwelijkheidaanduiding": "zeer_geheim"})

    assert [d["titel"] for d in lowered.data] == ["Document 1"]
    assert "(openbaar)" in lowered.detail
    assert sorted(d["titel"] for d in raised.data) == ["Document 1", "Document 2"]
    assert "(zaakvertrouwelijk)" in raised.detail


# A grant's maximum (the call context's): the source here allows up to geheim.
GRANT_DOCUMENTS = [s.document(1), s.document(2, vertrouwelijkheid="vertrouwelijk"),
                   s.document(3, vertrouwelijkheid="geheim"), s.document(4, vertrouwelijkheid="zeer_geheim")]


@responses.activate
def test_a_grant_maximum_leaves_out_documents_the_source_maximum_would_allow(make_documenten_source):
    source = make_documenten_source(zaken_service="openzaak-zaken", catalogi_service="openzaak-catalogi",
                                    max_vertrouwelijkheidaanduiding="geheim")
    mock([s.zaakinformatieobject(1, n) for n in range(1, 5)], GRANT_DOCUMENTS)

    granted = run(source, granted="vertrouwelijk")
    ungranted = run(source)

    assert sorted(d["titel"] for d in granted.data) == ["Document 1", "Document 2"]
    assert "2 document(s) above the maximum vertrouwelijkheidaanduiding (vertrouwelijk) were left out" in granted.detail
    # Blank: no limit of the grant's own, the source's maximum as before.
    assert sorted(d["titel"] for d in ungranted.data) == ["Document 1", "Document 2", "Document 3"]
    assert "(geheim)" in ungranted.detail


@responses.activate
def test_a_grant_maximum_never_raises_the_source_maximum(documenten_source):
    mock([s.zaakinformatieobject(1, n) for n in range(1, 5)], GRANT_DOCUMENTS)

    result = run(documenten_source, granted="zeer_geheim")

    assert [d["titel"] for d in result.data] == ["Document 1"]
    assert "3 document(s) above the maximum vertrouwelijkheidaanduiding (zaakvertrouwelijk)" in result.detail


@responses.activate
def test_the_lowest_of_source_grant_and_call_maximum_wins(make_documenten_source):
    source = make_documenten_source(zaken_service="openzaak-zaken", catalogi_service="openzaak-catalogi",
                                    max_vertrouwelijkheidaanduiding="zeer_geheim")
    mock([s.zaakinformatieobject(1, n) for n in range(1, 5)], GRANT_DOCUMENTS)

    call_lower = run(source, {"zaak": s.zaak_url(1), "maximaleVertrouwelijkheidaanduiding": "openbaar"},
                     granted="geheim")
    grant_lower = run(source, {"zaak": s.zaak_url(1), "maximaleVertrouwelijkheidaanduiding": "zeer_geheim"},
                      granted="vertrouwelijk")

    assert [d["titel"] for d in call_lower.data] == ["Document 1"]
    assert sorted(d["titel"] for d in grant_lower.data) == ["Document 1", "Document 2"]


@responses.activate
def test_a_grant_maximum_that_is_no_value_of_the_api_is_refused_without_a_call(documenten_source):
    result = run(documenten_source, granted="alles")

    assert result.status is Status.ERROR and "grant's maximum" in result.detail
    assert len(responses.calls) == 0


@pytest.mark.parametrize("aanduiding", [None, "", "topgeheim"])
@responses.activate
def test_a_document_without_a_known_aanduiding_is_left_out(documenten_source, aanduiding):
    document = s.document(1)
    document["vertrouwelijkheidaanduiding"] = aanduiding
    mock([s.zaakinformatieobject(1, 1)], [document])

    result = run(documenten_source)

    assert result.data == [] and "1 document(s) above the maximum" in result.detail


@responses.activate
def test_an_unknown_maximum_in_the_call_is_refused_without_a_call(documenten_source):
    result = run(documenten_source, {"zaak": s.zaak_url(1), "maximaleVertrouwelijkheidaanduiding": "alles"})

    assert result.status is Status.ERROR and "maximaleVertrouwelijkheidaanduiding must be one of" in result.detail
    assert len(responses.calls) == 0


# --- ordering, caps, input ---------------------------------------------------------------------
@responses.activate
def test_documents_come_newest_first(documenten_source):
    mock([s.zaakinformatieobject(1, 1), s.zaakinformatieobject(1, 2)],
         [s.document(1, creatiedatum="2025-02-10"), s.document(2, creatiedatum="2025-03-28")])

    assert [d["titel"] for d in run(documenten_source).data] == ["Document 2", "Document 1"]


@responses.activate
def test_the_cap_limits_the_documents_asked_for_and_says_so(make_documenten_source):
    source = make_documenten_source(zaken_service="openzaak-zaken", max_documenten=2)
    mock([s.zaakinformatieobject(1, n) for n in range(1, 5)], [s.document(1), s.document(2)])

    result = run(source, fields=("titel",))

    assert len(json.loads(responses.calls[1].request.body)["uuid__in"]) == 2
    assert "Only the first 2 of 4 documents were read (max_documenten)" in result.detail


@pytest.mark.parametrize(
    "zaak",
    [
        "https://elders.example.org/zaken/api/v1/zaken/" + s.uid("zaak", 1),
        s.ZAKEN_ROOT + "statussen/" + s.uid("zaak", 1),
        "ZAAK-2025-0000000303",
    ],
)
@responses.activate
def test_a_zaak_that_is_no_zaak_of_the_zaken_server_is_refused_without_a_call(documenten_source, zaak):
    result = run(documenten_source, {"zaak": zaak})

    assert result.status is Status.ERROR
    assert len(responses.calls) == 0


@responses.activate
def test_no_zaak_skips_the_call(documenten_source):
    assert run(documenten_source, {"zaak": None}).status is Status.SKIPPED
    assert len(responses.calls) == 0


@responses.activate
def test_a_misspelt_parameter_is_refused_rather_than_dropped(documenten_source):
    result = run(documenten_source, {"zaak": s.zaak_url(1), "maximaleVertrouwelijkheid": "openbaar"})

    assert result.status is Status.ERROR and "maximaleVertrouwelijkheid" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_a_refused_token_is_an_error_result(documenten_source):
    responses.get(ZIO, status=403, json=s.fout(403, "Je hebt geen toestemming.", "permission_denied"),
                  content_type="application/problem+json")

    result = run(documenten_source)

    assert result.status is Status.ERROR and "HTTP 403" in result.detail


# --- options and admin -----------------------------------------------------------------------
def test_the_maximum_is_a_required_option_and_the_relations_need_their_server():
    with pytest.raises(ValidationError, match="max_vertrouwelijkheidaanduiding is required"):
        DocumentenConnector.validate_options({"zaken_service": "zaken"})
    with pytest.raises(ValidationError, match='relations_via "zaken" needs zaken_service'):
        DocumentenConnector.validate_options({"max_vertrouwelijkheidaanduiding": "openbaar"})
    assert DocumentenConnector.validate_options(
        {"max_vertrouwelijkheidaanduiding": "openbaar", "relations_via": "documenten"}
    ) == {
        "max_vertrouwelijkheidaanduiding": "openbaar", "relations_via": "documenten",
        "informatieobjecttype_cache_seconds": 300, "max_documenten": 100,
    }
    with pytest.raises(ValidationError, match="Unknown options: inhoud"):
        DocumentenConnector.validate_options({"max_vertrouwelijkheidaanduiding": "openbaar", "relations_via": "documenten", "inhoud": True})


@responses.activate
def test_check_connection_asks_each_server_for_the_nil_uuid_only(documenten_source):
    nil = "00000000-0000-0000-0000-000000000000"
    for url in (f"{s.DOCUMENTEN_ROOT}enkelvoudiginformatieobjecten/{nil}", f"{ZIO}/{nil}",
                f"{s.CATALOGI_ROOT}informatieobjecttypen/{nil}"):
        responses.get(url, status=404, json=s.fout(404, "Niet gevonden.", "not_found"), content_type="application/problem+json")

    check = DocumentenConnector(documenten_source).check_connection()

    assert check.ok, check.detail
    assert len(responses.calls) == 3 and all(nil in c.request.url for c in responses.calls)


def test_the_parameter_schemas_let_a_front_door_refuse_a_caller_s_mistake_before_sending():
    from connectors.params import params_validate

    operation = DocumentenConnector.operations["documenten_van_zaak"]
    assert params_validate(operation=operation, params={"zaak": s.zaak_url(1), "maximaleVertrouwelijkheidaanduiding": "intern"}) == []
    problems = params_validate(operation=operation, params={"zaak": s.zaak_url(1), "maximaleVertrouwelijkheidaanduiding": "alles"})
    assert [(p.name, p.code) for p in problems] == [("maximaleVertrouwelijkheidaanduiding", "enum")]
