"""The connector contract: what a source plugin declares and how the runner calls it.

A connector is reviewed Python code for one kind of source API (BRP, KVK, Zaken...). It is
registered under a stable id (see `registry.py`, which checks the declaration), declares its
operations with their parameters and the fields each can deliver, declares its options as a class
(`options.py`), fetches only the fields it is asked for, and returns a `ConnectorResult` with a
status instead of raising. Everything a connector gets is plain data (`SourceConfig`,
`ConnectorRequest`), so it runs in a worker thread without touching the ORM.
The steps most list operations share (a list request, paging to a cap, the subject check, error
mapping) are in `listing.py`.
"""

from __future__ import annotations

import contextvars
import enum
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

from django.utils.translation import gettext_lazy as _

from .options import NoOptions, Options
from .params import Param

if TYPE_CHECKING:
    from zgw_consumers.models import Service

# The length of `Source.connector`: a connector id must fit in it (the registry checks).
CONNECTOR_ID_MAX_LENGTH = 50


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
    # The schema of each parameter (subject types included), as the source's spec gives it; a
    # parameter without one is a single text value. See `params.py`.
    parameters: tuple[Param, ...] = ()
    # Fields (also in `fields`) that say something about the data itself, such as a person's
    # confidentiality or an investigation of their data: a profile may choose to pass them on
    # whenever the source delivers them, whatever else it releases.
    markers: tuple[str, ...] = ()
    # Why this operation cannot check that what comes back belongs to the subject, when it
    # cannot; every result then carries this as a warning. Empty: every item is checked.
    unchecked: str = ""
    # Parameters that take an object rather than a simple value: an item a parent relation
    # already fetched, so the operation need not ask for it again (it still checks it).
    item_params: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        declared = {param.name: param for param in self.parameters}
        names = [*self.subject_types, *self.params]
        complete = tuple(
            declared.get(name) or (Param.subject(name) if name in self.subject_types else Param(name))
            for name in dict.fromkeys(names)
        )
        object.__setattr__(self, "parameters", complete + tuple(p for p in self.parameters if p.name not in names))

    @property
    def parameter_map(self) -> dict[str, Param]:
        return {param.name: param for param in self.parameters}


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
    # The source across organisations (tenants): its circuit and its metrics label. Empty: its name
    # (a source of the default organisation); see Source.circuit_key.
    key: str = ""

    @property
    def circuit_key(self) -> str:
        return self.key or self.name

    def __post_init__(self) -> None:
        # The servers' FSC outways are read here, where the snapshot is taken (the request
        # thread), so that the runner's workers call through them without the ORM (connectors/fsc.py).
        from .fsc_models import fsc_routes_attach

        fsc_routes_attach(self.service, *self.services.values())


# The ZGW `VertrouwelijkheidaanduidingEnum` (Zaken, Documenten and Besluiten APIs), from most open to
# most secret: the order in which a maximum is compared.
VERTROUWELIJKHEIDAANDUIDINGEN: tuple[str, ...] = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)


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
    # The most confidential ZGW vertrouwelijkheidaanduiding (VERTROUWELIJKHEIDAANDUIDINGEN) the
    # caller's grant allows; "" sets no limit of its own. Connectors that read records carrying
    # the aanduiding (Documenten) leave out what lies above it; it only ever lowers a source's own
    # maximum, never raises it.
    max_vertrouwelijkheidaanduiding: str = ""


def unknown_options(options: Mapping[str, Any], known, *, known_help: str = "") -> str:
    """The admin's message for option keys a connector does not take ("" when there are none).

    The wording of `Options` (options.py), for code that checks options by hand.
    """
    from .options import DEFAULT_MESSAGES

    unknown = sorted(set(options) - set(known))
    if not unknown:
        return ""
    return str(DEFAULT_MESSAGES["unknown"]).format(unknown=", ".join(unknown), known=known_help or ", ".join(sorted(known)))


@dataclass(frozen=True)
class ConnectorRequest:
    """One call of one operation for one set of parameters."""

    operation: str
    params: Mapping[str, Any]
    fields: tuple[str, ...]
    context: CallContext = field(default_factory=CallContext)


@dataclass
class ConnectorResult:
    """What came back from one call. `data` is None unless the status is ok.

    `detail` explains the status in a sentence a caller may see (never source data or
    identifiers). `warnings` are sentences a view must show with the data, whatever the status:
    for example that the source cannot be checked to answer about the subject only.
    """

    status: Status
    data: Any = None
    detail: str = ""
    duration_ms: float = 0.0
    retrieved_at: datetime | None = None
    fields_requested: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def failed(cls, status: Status, detail: str) -> "ConnectorResult":
        return cls(status=status, detail=detail)


class ConnectorError(Exception):
    """A call cannot give data: raised inside `fetch`, turned into a result with `status` by `run`.

    The message (`detail`) is shown to callers and kept in logs, so it names parameters and
    fields, never their values or anything the source sent.
    """

    def __init__(self, detail: str, status: Status = Status.ERROR):
        super().__init__(detail)
        self.detail = detail
        self.status = status


class MissingInput(ConnectorError):
    """Nothing to look up: the parameters that would identify what to fetch are absent (a parent
    relation's data had no value). The call is skipped, not failed: nothing was sent."""

    def __init__(self, detail: str):
        super().__init__(detail, Status.SKIPPED)


# The HTTP statuses of the answers a connection test received (`Connector.check`), reported by
# `SourceHttp` through `answer_received`: a failure on a 400 or 404 answer is a warning.
_answer_statuses: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("iko_answer_statuses", default=None)


def answer_received(status_code: int) -> None:
    """Note an answer's HTTP status while a connection test runs in this context (else nothing)."""
    recording = _answer_statuses.get()
    if recording is not None:
        recording.append(status_code)


# A connection test whose last answer had one of these statuses is a warning, not a failure.
CHECK_WARNING_STATUSES = (400, 404)
CHECK_WARNING_NOTE = _("The server is reachable and answers, but not as this test expects: check the API root, "
                       "the paths and the options.")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a connection test: `ok` False is a failure; `ok` with `warning` means the
    server answered, but not in a way that proves the configuration right (a 400 or 404)."""

    ok: bool
    detail: str
    warning: bool = False

    @property
    def level(self) -> str:
        """"success", "warning" or "error", as the admin shows it."""
        if not self.ok:
            return "error"
        return "warning" if self.warning else "success"


class Connector:
    """Base class of source plugins; one instance serves one call (or one connection test).

    A subclass sets `title`, `operations` (or `operations_for`), `options_class`, `fetch` and
    `check_connection`; `@register("<id>")` sets `id` and checks the declaration.
    """

    # Stable id, set by the registry; stored in `Source.connector`, so never renamed.
    id: ClassVar[str]
    # The name admins and callers see ("BRP Personen").
    title: ClassVar[str]
    # The operations by name; each key equals its operation's `name`.
    operations: ClassVar[Mapping[str, Operation]]
    # The options a source of this connector takes (`options.py`); none by default.
    options_class: ClassVar[type[Options]] = NoOptions

    def __init__(self, source: SourceConfig):
        self.source = source

    # --- configuration -------------------------------------------------------------------
    @classmethod
    def validate_options(cls, options: Mapping[str, Any]) -> dict[str, Any]:
        """The cleaned options to store, or django's ValidationError listing every problem.

        Called by `Source.clean` when an admin saves a source; by default `options_class`
        checks them."""
        return cls.options_class.clean(options)

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

    def declared(self, name: str) -> Operation | None:
        """The operation `name` as this source offers it (None when it offers none by that name)."""
        return self.operations.get(name)

    @property
    def options(self) -> Options:
        """The source's options, parsed by `options_class`. They were checked when the source
        was saved; a source changed behind the admin's back gives a ConnectorError, not a crash."""
        from django.core.exceptions import ValidationError

        try:
            return self.options_class.parse(self.source.options)
        except ValidationError as exc:
            raise ConnectorError(
                f"The {self.title} source is misconfigured; its options are invalid: " + " ".join(exc.messages)
            ) from None

    # --- calling -------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        """Make one call: the operation `request.operation` with `request.params`.

        Gets: plain data only (`self.source`, the request); it runs in a worker thread and must
        not use the ORM. Ask the source only for `request.fields` (plus what is needed to check
        the answer), through `connectors.http.SourceHttp`, the one way out.
        Returns: a result with status ok (data: an object, or a list when the operation is
        `many`; an empty list is ok) or not_found (the source has nothing for these parameters).
        Every item returned must be shown to belong to the subject or to what was asked for;
        drop the others and say so in `detail`.
        May raise: `ConnectorError` with the status to report (error, timeout, not_found) and a
        detail safe to show; `MissingInput` when there is nothing to look up. Never retry a call
        that provides personal data. Anything else raised is reported as an unexpected error.
        """
        raise NotImplementedError

    def check_connection(self) -> CheckResult:
        """A cheap call that proves the server is reachable and accepts our credentials, without
        asking for anyone's data. Raising ConnectorError is allowed (`check` reports it)."""
        raise NotImplementedError

    def run(self, request: ConnectorRequest) -> ConnectorResult:
        """Call `fetch` and turn every failure into a result: a plugin never fails a view.

        Adds the operation's `unchecked` warning to the result, whatever its status."""
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
        operation = self.declared(request.operation)
        if operation is not None and operation.unchecked and operation.unchecked not in result.warnings:
            result.warnings.append(operation.unchecked)
        for warning in result.warnings:
            if warning not in result.detail:
                result.detail = f"{result.detail} {warning}".strip()
        return result

    def check(self) -> CheckResult:
        """`check_connection` for the admin: never raises, and refuses a server that is
        configured in a way IKO cannot use (connectors.servers.server_problems) before calling."""
        from .servers import server_problems

        for name, service in [("", self.source.service), *self.source.services.items()]:
            problems = server_problems(service)
            if problems:
                where = f"The server named in {name}" if name else "The server"
                return CheckResult(False, f"{where} is not usable: " + " ".join(problems))
        statuses: list[int] = []
        token = _answer_statuses.set(statuses)
        try:
            result = self.check_connection()
        except ConnectorError as exc:
            result = CheckResult(False, exc.detail)
        except Exception as exc:  # noqa: BLE001 - the admin shows a message, never a 500
            return CheckResult(False, f"The connection test failed unexpectedly ({type(exc).__name__}).")
        finally:
            _answer_statuses.reset(token)
        if not result.ok and statuses and statuses[-1] in CHECK_WARNING_STATUSES:
            # The server answers, and neither refused the credentials nor failed: the API root,
            # a path or an option may be wrong, but the connection itself works (as the server's
            # own test reports it, connectors/probes.py).
            return CheckResult(True, f"{result.detail} {CHECK_WARNING_NOTE}", warning=True)
        return result
