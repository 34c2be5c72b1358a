"""gunicorn's own refusals of an over-long request line or header field, as problem+json.

gunicorn answers a request it cannot read before IKO sees it, with an HTML page; for the two
refusals a well-meaning client meets (a URL longer than `limit_request_line`, Valtimo's table
filters being the usual cause, and a header field longer than `limit_request_field_size`) this
worker mixin answers `application/problem+json` instead, in the form of api/problems.py: 414
`uri-too-long` and 431 `header-fields-too-large`. Every other malformed request (a broken request
line, an invalid header name, a bad chunk size) keeps gunicorn's own plain answer.

Nothing of the request is repeated in the answer or the log line: its line can hold a BSN.
"""

from __future__ import annotations

import json

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine

# The same as api/problems.py (not imported: this module is loaded by gunicorn's master, before Django).
PROBLEM_TYPE_BASE = "https://iko.example.org/problems/"
REFUSALS = {
    LimitRequestLine: (414, "URI Too Long", "uri-too-long", "URI too long",
                       "The request line is longer than IKO takes. Send fewer or shorter parameters, or use the "
                       "POST API, which takes them in the body."),
    LimitRequestHeaders: (431, "Request Header Fields Too Large", "header-fields-too-large",
                          "Header fields too large", "A request header is larger than IKO takes."),
}


def problem_answer(status: int, reason: str, code: str, title: str, detail: str) -> bytes:
    body = json.dumps({"type": PROBLEM_TYPE_BASE + code, "code": code, "title": title, "status": status,
                       "detail": detail}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class ProblemErrors:
    """A gunicorn worker mixin: the refusals in `REFUSALS` answered as problem+json."""

    def handle_error(self, req, client, addr, exc):
        for kind, (status, reason, code, title, detail) in REFUSALS.items():
            if isinstance(exc, kind):
                self.log.warning("Refused a request: %s (%s).", title, status)
                try:
                    util.write_nonblock(client, problem_answer(status, reason, code, title, detail))
                except Exception:  # noqa: BLE001 - the client may be gone already, as in gunicorn's own
                    self.log.debug("Failed to send the refusal.")
                return
        super().handle_error(req, client, addr, exc)
