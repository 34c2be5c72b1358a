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
"""

from __future__ import annotations

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
