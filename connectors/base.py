"""The connector contract: what a source plugin declares and how the runner calls it.

A connector is reviewed Python code for one kind of source API (BRP, KVK, Zaken...). It is
registered under a stable id (see `registry.py`), declares its operations and the fields each can
deliver, fetches only the fields it is asked for, and returns a `ConnectorResult` with a status
instead of raising. Everything a connector gets is plain data (`SourceConfig`, `ConnectorRequest`),
so it runs in a worker thread without touching the ORM.
See ../shared/ARCHITECTURE.md, sections 2, 3 and 7.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

if TYPE_CHECKING:
    from zgw_consumers.models import Service


class Status(str, enum.Enum):
    """Outcome of one source call, as reported per source in a view."""

    OK = "ok"
    NOT_FOUND = "not_found"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Operation:
    """One operation of a source API that a profile can use."""

    name: str
    description: str
    # Subject types ("bsn", "kvk"...) this operation can be called with.
    subject_types: tuple[str, ...]
    # Dot paths the operation can deliver; profiles pick their allowed fields from these.
    fields: tuple[str, ...]
    # Parameters the call takes. A subject of type "bsn" arrives as the parameter "bsn"; other
    # parameters (a nummeraanduiding id, a zaak URL...) come from a parent relation's data.
    params: tuple[str, ...] = ()
    # Whether the answer is a list of items (zaken, klantcontacten) rather than one object.
    many: bool = False


@dataclass(frozen=True)
class SourceConfig:
    """What a connector needs to know of its source: a snapshot taken before the fan-out."""

    name: str
    connector_id: str
    service: "Service"
    options: Mapping[str, Any]
    timeout: float
    # Further servers this source may call, by option name (e.g. a Zaken source's
    # "catalogi_service"), loaded before the fan-out like the main one.
    services: Mapping[str, "Service"] = field(default_factory=dict)


@dataclass(frozen=True)
class CallContext:
    """Who asks and why; connectors turn it into protocol headers where their API has them."""

    purpose_code: str = ""
    actor: str = ""
    on_behalf_of: str = ""
    trace_id: str = ""
    # Purpose binding towards sources that take it (the BRP gateway's x-doelbinding,
    # x-verwerking, x-gebruiker, x-origin-oin), filled from the purpose, the caller and settings.
    doelbinding_consult: str = ""  # for consulting by identifier (RaadpleegMet...)
    doelbinding_search: str = ""  # for searching (ZoekMet...); often another value
    verwerking: str = ""  # verwerkingsactiviteit@detail
    gebruiker: str = ""  # the end user, or "BurgerZelf" when citizens look at their own data
    origin_oin: str = ""  # OIN of the organisation IKO works for
    traceparent: str = ""  # W3C trace context of this view, for sources that continue it


def unknown_options(options: Mapping[str, Any], known, *, known_help: str = "") -> str:
    """The admin's message for option keys a connector does not take ("" when there are none).

    One wording for every connector, so a typo in a source's options reads the same everywhere;
    `known_help` replaces the plain list of known keys where a connector explains each one.
    """
    unknown = sorted(set(options) - set(known))
    if not unknown:
        return ""
    return f"Unknown options: {', '.join(unknown)}. Known: {known_help or ', '.join(sorted(known))}."


@dataclass(frozen=True)
class ConnectorRequest:
    """One call of one operation for one set of parameters."""

    operation: str
    params: Mapping[str, Any]
    fields: tuple[str, ...]
    context: CallContext = field(default_factory=CallContext)


@dataclass
class ConnectorResult:
    """What came back from one call. `data` is None unless the status is ok."""

    status: Status
    data: Any = None
    detail: str = ""
    duration_ms: float = 0.0
    retrieved_at: datetime | None = None
    fields_requested: tuple[str, ...] = ()

    @classmethod
    def failed(cls, status: Status, detail: str) -> "ConnectorResult":
        return cls(status=status, detail=detail)


class ConnectorError(Exception):
    """A source answered, but not as its API promises; the message is safe to show a caller."""

    def __init__(self, detail: str, status: Status = Status.ERROR):
        super().__init__(detail)
        self.detail = detail
        self.status = status


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str


class Connector:
    """Base class of source plugins. Subclasses set `id`, `title`, `operations` and `fetch`."""

    id: ClassVar[str]
    title: ClassVar[str]
    operations: ClassVar[Mapping[str, Operation]]

    def __init__(self, source: SourceConfig):
        self.source = source

    # --- configuration -------------------------------------------------------------------
    @classmethod
    def validate_options(cls, options: Mapping[str, Any]) -> dict[str, Any]:
        """Return the cleaned options or raise django's ValidationError with a readable message."""
        return dict(options or {})

    @classmethod
    def operations_for(cls, options: Mapping[str, Any]) -> Mapping[str, Operation]:
        """The operations a source with these options offers; fixed for most connectors."""
        return cls.operations

    @classmethod
    def operation(cls, name: str) -> Operation:
        try:
            return cls.operations[name]
        except KeyError:
            raise ConnectorError(f"{cls.title} has no operation {name!r}.") from None

    # --- calling -------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        raise NotImplementedError

    def check_connection(self) -> CheckResult:
        """A cheap call that proves the server is reachable and accepts our credentials."""
        raise NotImplementedError

    def run(self, request: ConnectorRequest) -> ConnectorResult:
        """Call `fetch` and turn every failure into a result: a plugin never fails a view."""
        started = time.monotonic()
        try:
            result = self.fetch(request)
        except ConnectorError as exc:
            result = ConnectorResult.failed(exc.status, exc.detail)
        except Exception as exc:  # noqa: BLE001 - a bug in one plugin must not fail the view
            result = ConnectorResult.failed(
                Status.ERROR, f"{self.title} connector failed unexpectedly ({type(exc).__name__})."
            )
        result.duration_ms = round((time.monotonic() - started) * 1000, 1)
        result.retrieved_at = datetime.now(timezone.utc)
        if not result.fields_requested:
            result.fields_requested = tuple(request.fields)
        return result
