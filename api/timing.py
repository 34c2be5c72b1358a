"""The `Server-Timing` header of a view answer (W3C Server Timing): one entry per source call.

Only when `IKO_SERVER_TIMING` is on. Each call is an entry `c<n>` with `desc` "<relation> <source>",
`start` and `dur` in milliseconds since the view started, and `after`: the entries whose answers
gave its input (empty for a call fed by the subject). With these a client (bench/realistic.py)
finds the longest chain of calls that waited for each other. The entries name relations and
sources only; never a parameter or a value.
"""

from __future__ import annotations

from typing import Iterable

from profiles.engine.execute import CallRecord


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def server_timing(calls: Iterable[CallRecord]) -> str:
    entries = []
    for index, call in enumerate(calls):
        entry = (f"c{index};desc={_quoted(f'{call.relation} {call.source}')};start={call.start_ms:g};"
                 f"dur={max(0.0, call.end_ms - call.start_ms):.1f}")
        if call.after:
            entry += ";after=" + _quoted(" ".join(f"c{i}" for i in call.after))
        entries.append(entry)
    return ", ".join(entries)
