"""Reading Open Klant's paginated lists (`{count, next, previous, results}`) up to a cap.

Spec: ../shared/specs/klantinteracties/openapi.yaml and ../shared/specs/contactgegevens/openapi.yaml
(`page`, `pageSize`; default 100, maximum 500). The `next` link in an answer is only read as "there
is more": the next page is asked for with our own query and `page=n`, so no URL from a response is
ever followed. A list that turns out to hold records of others while more pages remain means a
filter was ignored; reading on would only download more strangers and the subject's own records
could be anywhere, so that is an error rather than an incomplete list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ...base import ConnectorError
from ...errors import http_error
from ...http import SourceHttp

MAX_PAGE_SIZE = 100
HEADERS = {"Accept": "application/json"}


@dataclass
class Collected:
    """The items that belong to the subject, and what the reading left behind."""

    items: list[Any] = field(default_factory=list)
    dropped: int = 0
    # The total the source reported for its (possibly ignored) filter.
    count: int = 0
    # True when the cap stopped the reading before the last page.
    cut: bool = False


def get_json(http: SourceHttp, path: str, params: Mapping[str, Any], title: str) -> Any:
    response = http.request("GET", path, params=params, headers=HEADERS)
    if response.status_code != 200:
        raise http_error(response, title)
    return response.json()


def parse_page(payload: Any, title: str) -> tuple[list[Any], int, bool]:
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise ConnectorError(f"{title} answered without a 'results' list.")
    results = payload["results"]
    count = payload.get("count")
    if isinstance(count, bool) or not isinstance(count, int):
        count = len(results)
    return results, count, bool(payload.get("next"))


def collect(
    http: SourceHttp,
    path: str,
    params: Mapping[str, Any],
    *,
    cap: int,
    keep: Callable[[Any], Any | None],
    title: str,
    noun: str,
    subject_label: str,
    page_size: int | None = None,
) -> Collected:
    """Read pages until the last one or until `cap` records have been read.

    `keep(item)` returns the item to keep (possibly reshaped) or None to drop it.
    """
    page_size = page_size or min(cap, MAX_PAGE_SIZE)
    collected = Collected()
    page = 1
    read = 0
    while True:
        query = dict(params, pageSize=page_size)
        if page > 1:
            query["page"] = page
        results, count, has_next = parse_page(get_json(http, path, query, title), title)
        collected.count = count
        for item in results:
            kept = keep(item)
            if kept is None:
                collected.dropped += 1
            else:
                collected.items.append(kept)
        read += len(results)
        if not has_next or not results:
            return collected
        if collected.dropped:
            raise ConnectorError(
                f"{title} answered with {collected.dropped} {noun} not shown to belong to this "
                f"{subject_label}, and with more pages: it seems to ignore a filter. IKO stopped "
                "reading and returns nothing rather than an incomplete list."
            )
        if read >= cap:
            collected.items = collected.items[:cap]
            collected.cut = True
            return collected
        page += 1
