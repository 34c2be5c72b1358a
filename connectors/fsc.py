"""Calling a server through an FSC outway (Federatieve Service Connectiviteit, the successor of NLX).

FSC Core (Logius, https://gitdocumentatie.logius.nl/publicatie/fsc/core/): the Outway is a
forwarding proxy in the consumer's own network. A client sends it the request it would send to the
Service, with the path unchanged ("The Outway MUST NOT alter the path of the HTTP Request"), and
names the contract to use in the `Fsc-Grant-Hash` header: the hash of the ServiceConnectionGrant
(`$1$3$...`, "Grant hash" section of FSC Core), by which the outway picks the access token and the
Inway. The Inway forwards the request to the Service's endpoint with the same path.

So a server reached through an outway keeps its own API root (what its data's URLs start with, and
what IKO's SSRF rules pin every call to), and each call goes to the outway address plus the path
*below* that API root: `https://brp.example.nl/api/brp/personen` becomes
`http://outway.internal:8080/personen` when the outway address is `http://outway.internal:8080/`
(an outway address with a path, `http://outway.internal:8080/api/brp/`, serves a Service whose
endpoint at the Inway is the host's root). `fsc_url` makes that URL from one already checked
against the API root, so a relation's path can never leave the Service.

FSC Logging (https://gitdocumentatie.logius.nl/publicatie/fsc/logging/): every transaction has a
TransactionID, sent to the Inway in `Fsc-Transaction-Id` and returned to the client in the same
header; the format is the Group's profile's choice, and the OpenFSC outway takes a UUID version 7.
IKO sets a new one on each call through an outway (one transaction per request, so each call has
its own), keeps the one the outway returns, and collects them for the view's processing record
(`FscTransactions`). Only the id is kept, never what the call was about.

The per-server settings are the `ServerFsc` model (connectors/fsc_models.py), loaded in the request
thread by `fsc_routes_attach` (the runner's workers do no ORM work) and read by
`connectors.http.SourceHttp` through `fsc_route_of`.
"""

from __future__ import annotations

import contextvars
import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

GRANT_HASH_HEADER = "Fsc-Grant-Hash"
TRANSACTION_ID_HEADER = "Fsc-Transaction-Id"

# `$<hash algorithm>$<hash type>$<base64url, no padding>` (FSC Core, "Grant hash" and "Type
# mappings"): algorithm 1 is SHA3-512; type 3 a ServiceConnectionGrant, 4 a delegated one, the two
# a consumer connects with.
GRANT_HASH = re.compile(r"^\$[0-9]{1,3}\$(3|4)\$[A-Za-z0-9_\-+/]{16,200}={0,2}$")
# A transaction id as IKO accepts one: a UUID in its canonical text form (any version; IKO's own
# are version 7).
TRANSACTION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

@dataclass(frozen=True)
class FscRoute:
    """How one server is reached through an FSC outway."""

    outway_address: str  # with a trailing slash
    grant_hash: str


def transaction_id_new() -> str:
    """A new transaction id: a UUID version 7 (RFC 9562, section 5.7), time-ordered, 74 random bits."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return str(uuid.UUID(int=value))


def transaction_id_clean(value: str | None) -> str:
    """`value` as a transaction id IKO keeps ("" when it is none: never a stray header's text)."""
    value = (value or "").strip().lower()
    return value if TRANSACTION_ID.match(value) else ""


def outway_address_problems(address: str) -> list[str]:
    """What is wrong with an outway address ([] when nothing is)."""
    parts = urlsplit(address or "")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in address:
        return [str(_("The outway address must be an http or https URL with a host, such as http://outway.internal:8080/."))]
    if parts.query or parts.fragment or parts.username or parts.password:
        return [str(_("The outway address takes no query, fragment or user name: only scheme, host, port and path."))]
    if ".." in parts.path.split("/"):
        return [str(_("The outway address must not contain '..'."))]
    return []


def grant_hash_problems(grant_hash: str) -> list[str]:
    """What is wrong with a grant hash ([] when nothing is)."""
    if not GRANT_HASH.match(grant_hash or ""):
        return [str(_(
            "The grant hash must be the hash of a ServiceConnectionGrant as the FSC manager shows it on the "
            "contract, such as $1$3$ followed by about 86 characters."
        ))]
    return []


def fsc_url(route: FscRoute, api_root: str, url: str) -> str:
    """The URL through the outway of `url`, which `connectors.http` has checked lies under
    `api_root`: the outway address plus the part of `url` below the API root, unchanged."""
    root = api_root if api_root.endswith("/") else api_root + "/"
    if url == root.rstrip("/"):
        return route.outway_address
    if not url.startswith(root):
        raise ValueError("The URL does not lie under the API root.")  # connectors.http checked it
    return route.outway_address + url[len(root):]


# --- the transaction ids of one processing --------------------------------------------------------


class FscTransactions:
    """The FSC transaction ids of the calls made for one processing (one view, search or call),
    in the order they were made. Shared with the runner's workers, so it takes a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: list[str] = []

    def add(self, transaction_id: str) -> None:
        with self._lock:
            if transaction_id not in self._ids:
                self._ids.append(transaction_id)

    @property
    def ids(self) -> list[str]:
        with self._lock:
            return list(self._ids)


_transactions: contextvars.ContextVar[FscTransactions | None] = contextvars.ContextVar(
    "iko_fsc_transactions", default=None
)


def fsc_transactions_start() -> FscTransactions:
    """Collect, from now on in this context (and the calls started from it), the transaction ids of
    calls through an outway."""
    collector = FscTransactions()
    _transactions.set(collector)
    return collector


def fsc_transactions_stop() -> None:
    _transactions.set(None)


def fsc_transaction_note(transaction_id: str) -> None:
    collector = _transactions.get()
    if collector is not None and transaction_id:
        collector.add(transaction_id)
