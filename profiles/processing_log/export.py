"""The privacy officer's CSV export of processing records: every field, safe to open in a
spreadsheet (a cell that starts like a formula is quoted).

The export is a download for a person (the admin's "find a subject's processing"); no program
reads it. Its header row names the columns as the admin does, in the admin's language
("Aangemaakt op", "Trace-ID"); the cells keep the stored values (codes such as `view` and
`denied`, as the processing record screen and the Logboek Dataverwerkingen name them). The
citizens' own export (profiles/services/self_service/insight.py) is part of an API and keeps its
English column names.
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Any, Iterable, Iterator

from django.utils.text import capfirst
from django.utils.translation import gettext

from profiles.processing_log.models import ProcessingRecord

CSV_COLUMNS = [
    "created_at", "started_at", "duration_ms", "action", "outcome", "ldv_status", "http_status", "reason",
    "trace_id", "span_id", "parent_span_id", "processing_activity_id", "purpose_code",
    "actor", "actor_type", "calling_system", "on_behalf_of", "grant_id",
    "profile_name", "profile_version", "subject_type", "subject_pseudonym",
    "sources", "fields_released", "fields_withheld", "fsc_transaction_id", "fsc_outway_transaction_ids",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def column_title(column: str) -> str:
    """The column's name in the active language: its field's verbose name."""
    if column == "ldv_status":  # a property, not a field
        return gettext("LDV status")
    return capfirst(ProcessingRecord._meta.get_field(column).verbose_name)


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
    # The titles now, in the request's language: the lines are written while the response streams.
    titles = [column_title(column) for column in CSV_COLUMNS]
    return _lines(titles, records)


def _lines(titles: list[str], records: Iterable[ProcessingRecord]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(titles)
    for record in records:
        yield writer.writerow([_cell(getattr(record, column)) for column in CSV_COLUMNS])
