"""W3C Trace Context: continue a caller's `traceparent`, or start a new trace.

The processing log (Logboek Dataverwerkingen) joins records of one processing across systems
through the W3C trace id; see tests/specs/README.md, "Processing logs".
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    parent_span_id: str = ""
    # The FSC transaction id the inway passed on with the request (api/fsc.py), "" when none.
    fsc_transaction_id: str = ""

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-01"


def trace_from_header(header: str | None) -> TraceContext:
    span_id = secrets.token_hex(8)
    match = TRACEPARENT.match((header or "").strip().lower())
    if match and set(match.group(1)) != {"0"} and set(match.group(2)) != {"0"}:
        return TraceContext(trace_id=match.group(1), span_id=span_id, parent_span_id=match.group(2))
    return TraceContext(trace_id=secrets.token_hex(16), span_id=span_id)
