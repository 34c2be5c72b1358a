"""Log lines for operators: one JSON object per line (production) or plain text, with the trace id.

The rule ("Logs: structured (JSON in production), with trace id; BSNs
pseudonymised; no payloads"). `IKO_LOG_FORMAT` chooses `json` (the default in
production) or `text`; the settings put the formatter on the console handler, and gunicorn's own
error log uses the same formatter (iko_project/gunicorn_conf.py). This is the one logging set-up:
Python's `logging` everywhere, these two formatters at the end, no second structured-logging API.

- The W3C trace id (https://www.w3.org/TR/trace-context/) of the request being handled sits in a
  context variable that `api.middleware.TraceContextMiddleware` sets for each request; every line
  logged while handling it carries it as `traceId`, the id the processing record and the answer
  carry too, so an operator can go from a log line to the processing record and back. A request
  that came through an FSC inway (api/fsc.py) also carries its `fscTransactionId`, and each call
  through an FSC outway logs its own (connectors/http.py, event `fsc_outway_call`).
- A line can carry fields an operator filters and charts on, passed as
  `logger.warning("...", extra={"log_fields": {"event": "source_call_failed", "source": "brp"}})`:
  JSON puts them beside `message` (never over the standard keys), text appends them as
  `key=value`. Only names from the configuration, statuses and numbers belong there; strings are
  redacted like the message. The `iko.sources` lines (connectors/runner.py, connectors/breaker.py)
  are the first users: a failed source call and a circuit that opens or closes.
- A last line of defence redacts what must never reach a log even if some code logs it by
  mistake: BSN-like runs of nine digits, IKO API tokens and bearer/basic credentials. Exceptions
  are logged as their type and stack only: an exception's message may quote data it choked on.

No Django imports here: gunicorn's master process loads this module before Django is set up.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from contextvars import ContextVar
from datetime import datetime, timezone

# The trace and span id of the request the current thread is handling ("" outside a request).
trace_id_var: ContextVar[str] = ContextVar("iko_trace_id", default="")
span_id_var: ContextVar[str] = ContextVar("iko_span_id", default="")
# The FSC transaction id the inway passed on with the request ("" when none, or not from the inway).
fsc_transaction_id_var: ContextVar[str] = ContextVar("iko_fsc_transaction_id", default="")

# A UUID in its canonical form (an FSC transaction id): random hex, never personal data, so it is
# not redacted (a run of nine digits in its last group would otherwise be taken for a BSN).
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

_REDACTIONS = (
    # API-client tokens (profiles.access.api_clients.TOKEN_PREFIX) wherever they appear.
    (re.compile(r"iko_[A-Za-z0-9_\-]{4,}"), "iko_[redacted]"),
    # Credentials in an Authorization header value that someone logged.
    (re.compile(r"\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=\-]{8,}", re.IGNORECASE), r"\1 [redacted]"),
    # A BSN is nine digits; a longer number (a timestamp, an OIN) is left alone.
    (re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])"), "[redacted]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # noqa: BLE001 - a broken log call must not break the request
        return str(record.msg)


def _fields(record: logging.LogRecord) -> dict:
    """The record's `log_fields`, strings redacted; anything but a dict of plain values is dropped."""
    fields = getattr(record, "log_fields", None)
    if not isinstance(fields, dict):
        return {}
    return {
        str(key): redact(value) if isinstance(value, str) and not _UUID.match(value) else value
        for key, value in fields.items()
        if value is None or isinstance(value, (str, int, float, bool))
    }


def _exception_text(record: logging.LogRecord) -> str:
    """The exception's type and stack, without its message (it may quote personal data)."""
    exc_type, exc, tb = record.exc_info
    stack = "".join(traceback.format_tb(tb)) if tb else ""
    return f"{stack}{exc_type.__module__}.{exc_type.__qualname__}" if exc_type else stack


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, traceId, spanId,
    then the record's `log_fields`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(_message(record)),
        }
        trace_id = trace_id_var.get()
        if trace_id:
            entry["traceId"] = trace_id
            entry["spanId"] = span_id_var.get()
        fsc_transaction_id = fsc_transaction_id_var.get()
        if fsc_transaction_id:
            entry["fscTransactionId"] = fsc_transaction_id
        for key, value in _fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = redact(_exception_text(record))
        if record.stack_info:
            entry["stack"] = redact(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time level logger message [trace id]`, for a developer's terminal; redacted as JSON is."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.formatTime(record)} {record.levelname} {record.name} {redact(_message(record))}"
        fields = _fields(record)
        if fields:
            line = f"{line} " + " ".join(f"{key}={value}" for key, value in fields.items())
        trace_id = trace_id_var.get()
        if trace_id:
            line = f"{line} [trace {trace_id}]"
        fsc_transaction_id = fsc_transaction_id_var.get()
        if fsc_transaction_id:
            line = f"{line} [fsc {fsc_transaction_id}]"
        if record.exc_info and record.exc_info[0] is not None:
            line = f"{line}\n{redact(_exception_text(record))}"
        return line


FORMATTERS = {"json": JsonFormatter, "text": TextFormatter}


def formatter_path(log_format: str) -> str:
    """The dotted path of the formatter class for `IKO_LOG_FORMAT` (json or text)."""
    if log_format not in FORMATTERS:
        raise ValueError(f"IKO_LOG_FORMAT must be json or text, not {log_format!r}.")
    return f"{__name__}.{FORMATTERS[log_format].__name__}"
