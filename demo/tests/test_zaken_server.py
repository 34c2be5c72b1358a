"""Integration tests of the demo Zaken + Catalogi server: real loopback HTTP, answers validated
against the vendored Zaken 1.5.1 and Catalogi 1.3.1 specs, and the Zaken connector end to end.

openapi-core does not deserialize `application/problem+json`, so error bodies are checked with
`openapi_schema_validator` against the spec's `Fout` / `ValidatieFout` schemas.
"""

from __future__ import annotations

import time

import jwt
import pytest
import requests
from openapi_schema_validator import OAS30Validator

from connectors.base import ConnectorRequest, Status
from connectors.contrib.catalogi import reference_cache
from connectors.contrib.zaken.fields import SUBJECT_ZAAK_FIELDS, ZAAK_FIELDS
from connectors.contrib.zaken.plugin import ZakenConnector
from demo.servers.zaken import start_zaken_server
from demo.universe import COMPANY, PERSONS
from tests.contracts import _spec_dict, assert_response_conforms, source_spec

pytestmark = pytest.mark.integration

CLIENT_ID = "iko-demo"
SECRET = "demo-secret-for-the-zaken-server-32b"
SUZANNE = "999993653"
BSN_FILTER = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
KVK_FILTER = "rol__betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer"
EXPAND = "zaaktype,status,status.statustype"


def token(secret: str = SECRET, client_id: str = CLIENT_ID) -> str:
    now = int(time.time())
    claims = {"iss": client_id, "iat": now, "client_id": client_id, "user_id": "test", "user_representation": "Test"}
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest.fixture(scope="module")
def server():
    # Pages of 2, so that a person's zaken take several pages.
    with start_zaken_server(client_id=CLIENT_ID, secret=SECRET, latency_ms=0, failure_rate=0, page_size=2) as running:
        yield running


@pytest.fixture(scope="module")
def zaken_spec(server):
    return source_spec("zgw-zaken/openapi.yaml", server.zaken_api_root)


@pytest.fixture(scope="module")
def catalogi_spec(server):
    return source_spec("zgw-catalogi/openapi.yaml", server.catalogi_api_root)


@pytest.fixture
def get(server):
    def get(url: str, params=None, headers=None, auth: bool = True) -> requests.Response:
        sent = {"Accept": "application/json", "Accept-Crs": "EPSG:4326", **(headers or {})}
        if auth:
            sent["Authorization"] = f"Bearer {token()}"
        return requests.get(url, params=params, headers=sent, timeout=5)

    return get


def problem_errors(schema: str, body) -> list[str]:
    components = _spec_dict("zgw-zaken/openapi.yaml")["components"]
    validator = OAS30Validator({"$ref": f"#/components/schemas/{schema}", "components": components})
    return [error.message for error in validator.iter_errors(body)]


def all_pages(get, spec, url, params):
    """Follow `next` links; validate every page against the spec."""
    items, response = [], get(url, params)
    while True:
        assert response.status_code == 200, response.text
        assert_response_conforms(spec, response.request, response)
        body = response.json()
        items.extend(body["results"])
        if not body["next"]:
            return items
        response = get(body["next"])


# --- the data --------------------------------------------------------------------------------
def test_every_demo_person_has_at_least_two_zaken_and_the_company_two(server, get, zaken_spec):
    for person in PERSONS:
        zaken = all_pages(get, zaken_spec, server.zaken_api_root + "zaken", {BSN_FILTER: person["bsn"]})
        # Suzanne Moulin also has the zaken about her home (dakkapel, handhaving, bezwaar).
        assert 2 <= len(zaken) <= (7 if person["bsn"] == SUZANNE else 4)
    company = all_pages(get, zaken_spec, server.zaken_api_root + "zaken", {KVK_FILTER: COMPANY["kvkNummer"]})
    assert {z["omschrijving"] for z in company} == {"Verbouwing bakkerij Boterdiep 33", "Terras voor bakkerij Boterdiep 33"}


def test_a_persons_zaken_take_pages_linked_by_absolute_next_and_previous(server, get, zaken_spec):
    first = get(server.zaken_api_root + "zaken", {BSN_FILTER: SUZANNE, "ordering": "-startdatum"})
    body = first.json()

    assert body["count"] == 7 and len(body["results"]) == 2
    assert body["next"].startswith(server.zaken_api_root + "zaken?") and "page=2" in body["next"]
    assert first.headers["Content-Crs"] == "EPSG:4326" and first.headers["API-version"] == "1.5.1"
    pages = [body]
    while pages[-1]["next"]:
        pages.append(get(pages[-1]["next"]).json())
    assert len(pages) == 4 and pages[-1]["previous"].startswith(server.zaken_api_root)
    dates = [z["startdatum"] for page in pages for z in page["results"]]
    assert dates == sorted(dates, reverse=True)
    assert_response_conforms(zaken_spec, first.request, first)


@pytest.mark.parametrize("params", [{"rol__betrokkeneIdentificatie__natuurlijkPersoon__bsn": SUZANNE}, {BSN_FILTER: ""}, {}])
def test_an_unknown_or_empty_filter_is_ignored_and_every_zaak_comes_back(server, get, params):
    body = get(server.zaken_api_root + "zaken", params).json()

    assert body["count"] == len(server.dataset.zaken) == 15


def test_rollen_filters_really_filter(server, get, zaken_spec):
    rollen = all_pages(get, zaken_spec, server.zaken_api_root + "rollen", {"betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": SUZANNE})
    company = all_pages(get, zaken_spec, server.zaken_api_root + "rollen", {"betrokkeneIdentificatie__nietNatuurlijkPersoon__kvkNummer": COMPANY["kvkNummer"]})

    assert len(rollen) == 7 and {r["betrokkeneIdentificatie"]["inpBsn"] for r in rollen} == {SUZANNE}
    assert {r["omschrijvingGeneriek"] for r in rollen} == {"initiator", "belanghebbende"}
    assert len(company) == 2 and all(r["betrokkeneType"] == "niet_natuurlijk_persoon" for r in company)


def test_expand_inlines_the_zaaktype_and_the_status_with_its_statustype(server, get, zaken_spec, catalogi_spec):
    response = get(server.zaken_api_root + "zaken", {BSN_FILTER: SUZANNE, "expand": EXPAND, "pageSize": 10})
    assert_response_conforms(zaken_spec, response.request, response)
    zaak = next(z for z in response.json()["results"] if z["identificatie"] == "ZAAK-2024-0000000087")

    zaaktype = get(zaak["zaaktype"])
    status = get(zaak["status"])
    statustype = get(status.json()["statustype"])
    for spec, answer in ((catalogi_spec, zaaktype), (zaken_spec, status), (catalogi_spec, statustype)):
        assert answer.status_code == 200
        assert_response_conforms(spec, answer.request, answer)
    assert zaak["_expand"]["zaaktype"] == zaaktype.json()
    assert zaak["_expand"]["status"]["_expand"]["statustype"] == statustype.json()
    assert statustype.json()["omschrijving"] == "Afgehandeld" and statustype.json()["isEindstatus"] is True


def test_a_zaak_by_url_and_the_catalogi_lists_conform(server, get, zaken_spec, catalogi_spec):
    zaak_url = next(iter(server.dataset.zaken.values()))["url"]
    for spec, response in (
        (zaken_spec, get(zaak_url, {"expand": EXPAND})),
        (zaken_spec, get(server.zaken_api_root + "statussen", {"pageSize": 100})),
        (catalogi_spec, get(server.catalogi_api_root + "zaaktypen", {"pageSize": 100})),
        (catalogi_spec, get(server.catalogi_api_root + "statustypen", {"pageSize": 100})),
    ):
        assert response.status_code == 200
        assert_response_conforms(spec, response.request, response)


# --- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path, params, headers, auth, status, schema",
    [
        ("zaken/00000000-0000-0000-0000-000000000000", None, None, True, 404, "Fout"),
        ("zaken", {"expand": "everything"}, None, True, 400, "ValidatieFout"),
        ("zaken", {"ordering": "bsn"}, None, True, 400, "ValidatieFout"),
        ("zaken", {"page": "9"}, None, True, 404, "Fout"),
        ("zaken", None, {"Accept-Crs": "EPSG:28992"}, True, 406, "Fout"),
        ("zaken", None, None, False, 403, "Fout"),
        ("besluiten", None, None, True, 404, "Fout"),
    ],
)
def test_errors_are_zgw_problem_json(server, get, path, params, headers, auth, status, schema):
    response = get(server.zaken_api_root + path, params, headers, auth)

    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert problem_errors(schema, response.json()) == []


def test_a_token_signed_with_another_secret_is_refused(server):
    headers = {"Authorization": f"Bearer {token(secret='another-secret-of-sufficient-length')}"}

    assert requests.get(server.zaken_api_root + "zaken", headers=headers, timeout=5).status_code == 403


def test_injected_failures_answer_503_problem_json():
    with start_zaken_server(failure_rate=1.0) as failing:
        response = requests.get(failing.zaken_api_root + "zaken", timeout=5)

    assert response.status_code == 503
    assert problem_errors("Fout", response.json()) == []


# --- the connector end to end ----------------------------------------------------------------
@pytest.fixture
def make_source(db, server):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    reference_cache.clear()
    common = {"auth_type": AuthTypes.zgw, "client_id": CLIENT_ID, "secret": SECRET, "timeout": 5}
    zaken = Service.objects.create(label="Zaken", slug="demo-zaken", api_type=APITypes.zrc, api_root=server.zaken_api_root, **common)
    Service.objects.create(label="Catalogi", slug="demo-catalogi", api_type=APITypes.ztc, api_root=server.catalogi_api_root, **common)

    def make(**options):
        source = Source(name="zaken", connector="zaken", service=zaken, timeout=5, options=options)
        source.full_clean()
        return source.to_config()

    yield make
    reference_cache.clear()


@pytest.mark.parametrize("via", ["expand", "catalogi"])
def test_the_connector_reads_a_persons_zaken_over_two_pages_in_both_modes(make_source, via):
    source = make_source(zaaktype_via=via, catalogi_service="demo-catalogi")

    result = ZakenConnector(source).run(ConnectorRequest("zaken_van_persoon", {"bsn": SUZANNE}, SUBJECT_ZAAK_FIELDS))

    assert result.status is Status.OK, result.detail
    assert result.detail == ""
    assert [z["startdatum"] for z in result.data] == [
        "2025-08-20", "2025-06-02", "2025-05-20", "2025-05-06", "2025-03-01", "2025-02-10", "2024-11-12",
    ]
    by_id = {z["identificatie"]: z for z in result.data}
    assert by_id["ZAAK-2025-0000000101"]["zaaktype"]["omschrijving"] == "Aanvraag parkeervergunning"
    assert by_id["ZAAK-2025-0000000101"]["status"]["omschrijving"] == "In behandeling"
    assert by_id["ZAAK-2024-0000000087"]["status"]["isEindstatus"] is True
    assert by_id["ZAAK-2025-0000000214"]["zaaktype"]["omschrijving"] == "Bijzondere bijstand"
    assert by_id["ZAAK-2025-0000000176"]["betrokkeneRollen"] == [{"omschrijving": "Omwonende", "omschrijvingGeneriek": "belanghebbende"}]


def test_the_connector_reads_the_companys_zaken_and_one_zaak_by_url(make_source, server):
    source = make_source(catalogi_service="demo-catalogi")
    connector = ZakenConnector(source)

    bedrijf = connector.run(ConnectorRequest("zaken_van_bedrijf", {"kvk": COMPANY["kvkNummer"]}, SUBJECT_ZAAK_FIELDS))
    one = connector.run(ConnectorRequest("zaak", {"url": bedrijf.data[0]["url"]}, ZAAK_FIELDS))

    assert bedrijf.status is Status.OK and len(bedrijf.data) == 2
    assert {z["zaaktype"]["omschrijving"] for z in bedrijf.data} == {"Aanvraag omgevingsvergunning", "Aanvraag terrasvergunning"}
    assert one.status is Status.OK and one.data["identificatie"] == bedrijf.data[0]["identificatie"]


def test_the_connector_check_passes_against_the_demo_server(make_source):
    check = ZakenConnector(make_source(catalogi_service="demo-catalogi")).check_connection()

    assert check.ok, check.detail


def test_the_connector_reports_a_failing_demo_server_as_an_error(make_source, server):
    server.set_faults(failure_rate=1.0)
    try:
        result = ZakenConnector(make_source()).run(ConnectorRequest("zaken_van_persoon", {"bsn": SUZANNE}, ("identificatie",)))
    finally:
        server.set_faults(failure_rate=0.0)

    assert result.status is Status.ERROR and "HTTP 503" in result.detail
