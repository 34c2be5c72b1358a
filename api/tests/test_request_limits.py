"""Bad request bodies get a clear problem+json answer, never a 500 and never a parse of a huge body:
too large (413), not JSON, not UTF-8, the wrong content type, nested too deeply."""

import json

import pytest
import responses
from django.test import override_settings

from profiles.models import ProcessingRecord

VIEW = "/api/v1/profiles/klantbeeld/view"


def post(api, body: bytes, content_type="application/json", **extra):
    return api.generic("POST", VIEW, body, content_type=content_type, **extra)


def assert_problem(response, status: int, code: str | None = None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if code:
        assert problem["code"] == code
    return problem


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
@responses.activate
def test_a_body_over_the_limit_is_413_problem_json_before_authentication_or_parsing(api, grant):
    body = json.dumps({"subject": {"type": "bsn", "value": "999993653"}, "padding": "x" * 2000}).encode()

    response = post(api, body)  # no token: the size is refused before anyone looks at it

    problem = assert_problem(response, 413, "request-too-large")
    assert "1024" in problem["detail"]
    assert len(responses.calls) == 0
    assert ProcessingRecord.objects.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_at_the_limit_is_read_as_usual(authed_api, grant):
    body = json.dumps({"subject": {"type": "bsn", "value": "12"}, "purpose": "klantcontact"}).encode()
    body += b" " * (1024 - len(body))

    assert_problem(post(authed_api, body), 400, "invalid-subject")


def test_the_default_limit_is_256_kib_from_the_environment(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 256 * 1024


@pytest.mark.parametrize(
    "body",
    [b"{nope", b"", b"{\"subject\": ", b"\x00\x01\x02", b"NaN", b"{\"a\": Infinity}"],
    ids=["garbage", "empty", "truncated", "binary", "nan", "infinity"],
)
def test_malformed_json_is_400_problem_json(authed_api, grant, body):
    response = post(authed_api, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_body_that_is_not_utf8_is_400_problem_json(authed_api, grant):
    body = '{"subject": {"type": "bsn", "value": "Jérôme"}}'.encode("latin-1")
    assert_problem(post(authed_api, body), 400, "parse-error")


def test_an_unknown_charset_is_ignored_and_the_body_read_as_utf8(authed_api, grant):
    # Django drops a charset it does not know; the (empty) view request then fails validation.
    response = post(authed_api, b"{}", content_type="application/json; charset=klingon")
    assert_problem(response, 400, "invalid")


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_a_wrong_content_type_is_415_problem_json(authed_api, grant, content_type):
    response = post(authed_api, b'{"subject": {"type": "bsn", "value": "999993653"}}', content_type=content_type)
    problem = assert_problem(response, 415, "unsupported-media-type")
    assert content_type.split(";")[0] in problem["detail"]


@pytest.mark.parametrize("depth", [33, 5000, 100_000])
def test_json_nested_too_deeply_is_400_problem_json_and_never_a_recursion_error(authed_api, grant, depth):
    body = b"[" * depth + b"]" * depth

    problem = assert_problem(post(authed_api, body), 400, "parse-error")
    assert "32 levels" in problem["detail"]


def test_nesting_within_the_bound_goes_on_to_validation(authed_api, grant):
    nested = {"subject": {"type": "bsn", "value": "999993653"}, "onBehalfOf": "x"}
    nested["purpose"] = json.loads("[" * 30 + "]" * 30)

    problem = assert_problem(post(authed_api, json.dumps(nested).encode()), 400, "invalid")
    assert any(p["name"] == "purpose" for p in problem["invalidParams"])


def test_a_lying_content_length_reads_no_more_than_it_says(authed_api, grant):
    body = b'{"subject": {"type": "bsn", "value": "999993653"}, "purpose": "klantcontact"}'
    response = post(authed_api, body, CONTENT_LENGTH="10")
    assert_problem(response, 400, "parse-error")


def test_an_unparseable_content_length_is_treated_as_no_body(authed_api, grant):
    response = post(authed_api, b"{}", CONTENT_LENGTH="lots")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_method_the_api_does_not_offer_is_405_problem_json(authed_api, grant):
    response = authed_api.put(VIEW, {}, format="json")
    assert_problem(response, 405)


def test_an_accept_header_the_api_cannot_serve_is_406_problem_json(authed_api, grant):
    response = authed_api.get("/api/v1/profiles", HTTP_ACCEPT="application/xml")
    assert_problem(response, 406)


@pytest.mark.parametrize("path", ["/endpoints/brp/brp", "/aggregated-data-profiles/a/b/c"])
def test_an_unknown_front_door_path_is_a_404_problem_not_an_html_page(authed_api, path):
    assert_problem(authed_api.get(path), 404, "not-found")


def test_a_number_where_the_api_documents_a_string_is_refused(authed_api, grant):
    body = {"subject": {"type": "bsn", "value": 999993653}, "purpose": "klantcontact", "onBehalfOf": 42}

    problem = assert_problem(post(authed_api, json.dumps(body).encode()), 400, "invalid")

    assert {p["name"] for p in problem["invalidParams"]} == {"subject.value", "onBehalfOf"}


def test_the_openapi_document_describes_every_rejection_with_the_problem_schema(api, db):
    import yaml

    document = yaml.safe_load(api.get("/api/v1/openapi.yaml").content)
    view = document["paths"]["/api/v1/profiles/{name}/view"]["post"]["responses"]

    assert document["components"]["schemas"]["Problem"]["required"] == ["type", "code", "title", "status", "detail"]
    for status in ("400", "401", "403", "404", "406", "413", "415", "429", "502", "503", "504"):
        assert view[status]["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "Retry-After" in view["429"]["headers"]
    listing = document["paths"]["/api/v1/profiles"]["get"]["responses"]
    assert "429" in listing and "413" not in listing  # no body, no body limit


def test_a_url_over_iko_s_limit_is_a_414_problem_from_iko_itself(authed_api, grant, settings):
    settings.IKO_MAX_URL_BYTES = 1000

    response = authed_api.get("/aggregated-data-profiles/klantbeeld?id=999993653&containerParam=" + "A" * 1000)

    assert response.status_code == 414 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "uri-too-long" and "999993653" not in response.content.decode()


def test_a_long_url_within_the_limit_goes_on_to_the_view(authed_api, grant):
    response = authed_api.get("/aggregated-data-profiles/klantbeeld?id=999993653&containerParam=" + "A" * 6000)

    assert response.status_code == 400 and response.json()["code"] == "invalid-container-param"
