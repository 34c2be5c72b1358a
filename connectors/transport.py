"""The transport adapter of IKO's kept HTTP clients (connectors/http.py): requests' own
`HTTPAdapter`, without the work that a kept client repeats on every call for nothing.

A kept client belongs to one worker thread and one server configuration (connectors/http.py,
"kept clients"). For each call, requests' adapter
- looks its connection pool up in its PoolManager: it parses the URL, asks the file system
  whether the CA bundle is a directory, builds a pool key of some thirty fields and takes the
  manager's lock. Here the pool found for a scheme and host (with the same TLS settings) is kept
  and used again, as long as the manager is the same: closing the adapter (closing the client,
  as connectors/http.py does after a dropped connection) forgets the kept pools with the
  manager's;
- works out which URL goes in the request line through the proxy settings, parsing the URL
  twice. Without proxies that is the path and query, which is what is used here at once (with
  proxies, the adapter's own way);
- builds the response with a copy of its headers, a charset guessed from them and a cookie jar
  filled from its `Set-Cookie` headers. connectors/http.py reads the status, the headers and the
  body only, and a kept client never stores a cookie, so the response keeps urllib3's headers
  (case-insensitive too) and gets no cookies.

Everything else is the adapter's own: the send, TLS verification, client certificates, proxies,
timeouts and errors. A test that replaces `HTTPAdapter.send` (the `responses` library) still
sees every call.

Below it, `http.client` reads the header block of every answer with the `email` package's
parser, a general MIME parser that costs about a tenth of a source call. `header_block_parse`
gives the same `HTTPMessage` for a header block of plain `Name: value` lines (RFC 9110 field
names, values without control characters) and leaves any other block (folded lines, a line
without a name, control characters) to that parser, so what it accepts and what it refuses
does not change. It replaces `http.client.parse_headers` in the process
(`install_header_block_parse`, called by connectors/http.py), for every answer read with
`http.client`; connectors/tests/test_transport.py holds it to the standard library's result.
"""

from __future__ import annotations

import email.parser
import http.client
import re

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

# More distinct origins than this in one client (one server) means something unusual: start over.
MAX_KEPT_POOLS = 16


class KeptClientAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        # A new pool manager (also when the adapter is made): none of its pools is kept yet.
        self._pools: dict[tuple, object] = {}
        super().init_poolmanager(*args, **kwargs)

    def get_connection_with_tls_context(self, request: PreparedRequest, verify, proxies=None, cert=None):
        if proxies:
            return super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
        url = request.url
        end = url.find("/", url.find("://") + 3)
        origin = url if end < 0 else url[:end]
        key = (origin, verify, tuple(cert) if isinstance(cert, list) else cert)
        pool = self._pools.get(key)
        if pool is None:
            pool = super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
            if len(self._pools) >= MAX_KEPT_POOLS:
                self._pools.clear()
            self._pools[key] = pool
        return pool

    def request_url(self, request: PreparedRequest, proxies) -> str:
        if not proxies:
            return request.path_url  # what the adapter's own way gives without a proxy
        return super().request_url(request, proxies)

    def build_response(self, req: PreparedRequest, resp) -> Response:
        response = Response()
        response.status_code = getattr(resp, "status", None)
        response.headers = resp.headers  # urllib3's HTTPHeaderDict: case-insensitive, as requests' copy
        response.raw = resp
        response.reason = resp.reason
        response.url = req.url.decode("utf-8") if isinstance(req.url, bytes) else req.url
        response.request = req
        response.connection = self
        return response

    def close(self) -> None:
        self._pools.clear()
        super().close()


# --- the header block of an answer ------------------------------------------------------------
# One header line the email parser would read as one `Name: value` and nothing else: a field name
# (RFC 9110's token), a colon, then tabs and visible ISO-8859-1 characters only (no CR, LF or other
# character that str.splitlines, which the email parser uses, would split at), then the line end.
_PLAIN_HEADER_LINE = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t\x20-\x7e\xa0-\xff]*\r?\n")
_stdlib_parse_headers = http.client.parse_headers
_read_headers = getattr(http.client, "_read_headers", None)


def header_block_parse(fp, _class=http.client.HTTPMessage):
    """`http.client.parse_headers`, with the same result, without the email parser for a block of
    plain header lines (see the module docstring)."""
    lines = _read_headers(fp)  # its limits on line length and number of lines, and its errors
    block = lines[:-1]  # the last line ends the block (an empty line, or nothing at the end)
    if not all(_PLAIN_HEADER_LINE.fullmatch(line) for line in block):
        return email.parser.Parser(_class=_class).parsestr(b"".join(lines).decode("iso-8859-1"))
    message = _class()
    for line in block:
        # As the email parser (compat32's header_source_parse): split at the first colon, the
        # value without its leading blanks and its line end.
        name, _, value = line.decode("iso-8859-1").partition(":")
        message.set_raw(name, value.lstrip(" \t").rstrip("\r\n"))
    message.set_payload("")  # the email parser's payload of a header block: nothing after it
    return message


def install_header_block_parse() -> None:
    """Let `http.client` read header blocks with `header_block_parse` (idempotent). Without the
    standard library's helper that reads the block's lines, nothing changes."""
    if _read_headers is not None:
        http.client.parse_headers = header_block_parse
