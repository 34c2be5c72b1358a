"""Outgoing HTTP for connectors: bounded in time and size, and pinned to the configured server.

Every call goes through `SourceHttp.request`, which
- builds the client from the server (`zgw_consumers.Service`): API root, auth (API key, ZGW JWT,
  OAuth2 client credentials), mTLS certificates;
- refuses any URL outside the server's API root (ape-pie) and never follows redirects (SSRF);
- uses a connect and read timeout, and also stops reading a body that trickles in slowly once
  the call's own deadline has passed (a read timeout alone restarts at every byte);
- caps the body size, and turns transport failures into `ConnectorError`s whose detail names
  no payload.
"""

from __future__ import annotations

import json
import time
from urllib.parse import unquote, urlsplit
from dataclasses import dataclass
from typing import Any, Mapping

import requests
from ape_pie import APIClient
from ape_pie.exceptions import InvalidURLError
from django.conf import settings
from zgw_consumers.client import build_client

from .base import ConnectorError, SourceConfig, Status

CHUNK_SIZE = 16 * 1024


@dataclass(frozen=True)
class HttpResponse:
    status_code: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise ConnectorError("The source answered with invalid JSON.") from None


def _has_dot_segments(url: str) -> bool:
    segments = unquote(urlsplit(url).path).split("/")
    return ".." in segments or "." in segments


def _refuse_escape(path: str) -> None:
    """Refuse dot segments: `../` would leave the API root on the same host."""
    if _has_dot_segments(path):
        raise ConnectorError("Refused a URL outside the configured server of this source.")


class SourceHttp:
    """HTTP client of one source for one call."""

    def __init__(self, source: SourceConfig, *, service=None, max_bytes: int | None = None):
        """`service` is one of the source's linked servers; by default its main server."""
        self.source = source
        self.service = service or source.service
        self.max_bytes = max_bytes or settings.IKO_MAX_SOURCE_RESPONSE_BYTES

    @property
    def api_root(self) -> str:
        return self.service.api_root

    def is_own_url(self, url: str) -> bool:
        """True if an absolute URL found in data lies under this server's API root."""
        return isinstance(url, str) and url.startswith(self.api_root) and not _has_dot_segments(url)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        _refuse_escape(path)
        timeout = self.source.timeout
        deadline = time.monotonic() + timeout
        client = build_client(self.service, client_factory=APIClient)
        try:
            with client:
                response = client.request(
                    method,
                    path,
                    params=params,
                    json=json_body,
                    headers=dict(headers or {}),
                    timeout=(min(timeout, 5.0), timeout),
                    allow_redirects=False,
                    stream=True,
                )
                with response:
                    body = self._read_body(response, deadline)
        except InvalidURLError:
            raise ConnectorError(
                "Refused a URL outside the configured server of this source."
            ) from None
        except requests.Timeout:
            raise ConnectorError(
                f"The source did not answer within {timeout:g} s.", Status.TIMEOUT
            ) from None
        except requests.exceptions.SSLError:
            raise ConnectorError("TLS handshake with the source failed.") from None
        except requests.ConnectionError:
            raise ConnectorError("Could not connect to the source.") from None
        except requests.RequestException as exc:
            raise ConnectorError(f"HTTP error talking to the source ({type(exc).__name__}).") from None
        if 300 <= response.status_code < 400:
            raise ConnectorError(
                f"The source answered with a redirect (HTTP {response.status_code}); "
                "IKO does not follow redirects."
            )
        return HttpResponse(response.status_code, response.headers, body)

    def _read_body(self, response: requests.Response, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise ConnectorError(f"The source's answer is larger than {self.max_bytes} bytes.")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(CHUNK_SIZE):
            size += len(chunk)
            if size > self.max_bytes:
                raise ConnectorError(f"The source's answer is larger than {self.max_bytes} bytes.")
            if time.monotonic() > deadline:
                raise ConnectorError(
                    f"The source did not finish its answer within {self.source.timeout:g} s.",
                    Status.TIMEOUT,
                )
            chunks.append(chunk)
        return b"".join(chunks)
