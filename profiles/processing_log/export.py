"""The privacy officer's CSV export of processing records: every field, safe to open in a
spreadsheet (a cell that starts like a formula is quoted)."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Any, Iterable, Iterator

from profiles.processing_log.models import ProcessingRecord

CSV_COLUMNS = [
    "created_at", "started_at", "duration_ms", "action", "outcome", "ldv_status", "http_status", "reason",
    "trace_id", "span_id", "parent_span_id", "processing_activity_id", "purpose_code",
    "actor", "actor_type", "calling_system", "on_behalf_of", "grant_id",
    "profile_name", "profile_version", "subject_type", "subject_pseudonym",
    "sources", "fields_released", "fields_withheld", "fsc_transaction_id", "fsc_outway_transaction_ids",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        value = ";".join(f"{k}={v}" for k, v in sorted(value.items()))
    elif isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    text = str(value)
    # A spreadsheet would run a cell that starts like a formula (CSV injection).
    return "'" + text if text.startswith(FORMULA_START) else text


def processing_records_csv(records: Iterable[ProcessingRecord]) -> Iterator[str]:
    """CSV lines (header first) of the records, for a streaming download."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for record in records:
        yield writer.writerow([_cell(getattr(record, column)) for column in CSV_COLUMNS])
