"""Long URLs (Valtimo's table filters) reach IKO: gunicorn takes request lines up to 8190 bytes
and header fields up to IKO_MAX_HEADER_FIELD_BYTES, and what is still too long is answered as
problem+json, by gunicorn's worker (iko_project/gunicorn_errors.py) or by IKO itself
(IKO_MAX_URL_BYTES, api/middleware.py). Real gunicorn processes with IKO's settings."""

from __future__ import annotations

import json
import socket

import pytest

from api.problems import PROBLEM_TYPE_BASE
from iko_project import gunicorn_errors

from .test_gunicorn_shutdown import Gunicorn, read_answer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    server = Gunicorn(tmp_path_factory.mktemp("gunicorn"))
    yield server
    server.stop()


def send(port: int, target: str, headers: str = "") -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: test\r\n{headers}Connection: close\r\n\r\n".encode())
        answer = read_answer(conn)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in fields.items()}, body


def test_a_6_kb_request_line_of_valtimo_s_table_filters_is_taken(gunicorn):
    status, _, body = send(gunicorn.port, "/?containerParam=" + "A" * 6000)

    assert (status, body) == (200, b"ok")  # gunicorn's default (4094 bytes) answered 414 here


def test_a_request_line_over_gunicorn_s_limit_is_a_414_problem_that_repeats_nothing(gunicorn):
    status, headers, body = send(gunicorn.port, "/?id=999993653&containerParam=" + "A" * 9000)

    assert status == 414 and headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert (problem["code"], problem["status"]) == ("uri-too-long", 414)
    assert b"999993653" not in body and "999993653" not in gunicorn.log.read_text()


def test_a_12_kb_header_is_taken_and_a_larger_one_is_a_431_problem(gunicorn):
    assert send(gunicorn.port, "/", f"Referer: https://valtimo.example.org/{'x' * 12000}\r\n")[0] == 200

    status, headers, body = send(gunicorn.port, "/", f"Referer: https://valtimo.example.org/{'x' * 20000}\r\n")

    assert status == 431 and headers["content-type"] == "application/problem+json"
    assert json.loads(body)["code"] == "header-fields-too-large"


def test_the_worker_s_problems_have_the_api_s_problem_types():
    assert gunicorn_errors.PROBLEM_TYPE_BASE == PROBLEM_TYPE_BASE
