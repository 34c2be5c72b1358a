"""The steps list operations share: the request, paging to a cap, the subject check, error mapping.

Most sources answer a filter with a paginated list, and most ignore a filter they do not know and
then list everyone (a misspelt filter leaks everyone). A connector
therefore describes its list and leaves the reading to `collect`:

    found = collect(
        SourceHttp(self.source), ListRequest("objects", {"type": url}, HEADERS),
        paging=Paging(read=drf_page("Objects API"), page_size=100), cap=options.max_objects,
        keep=lambda item: item if belongs(item) else None, title="Objects API",
    )

`collect` asks page after page (numbered pages with our own query, or the answer's next link
when it lies under the server's API root), shares the source's timeout over all pages, stops at
`cap` items read, runs `keep` on every item (None drops it and counts it in `dropped`), and maps
an error answer to a `ConnectorError` with a status (`errors.http_error` unless the connector
passes its own). With `strangers=REFUSE`, an answer that holds items of others while more pages
remain is an error: the subject's own items could lie anywhere behind them, and reading on
would only fetch more strangers; a view says so rather than showing an incomplete list.
`Collected` holds what was kept and what the reading left behind; `notes()` turns it into the
sentences of a result's `detail`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .base import ConnectorError, Status
from .errors import http_error
from .http import HttpResponse, SourceHttp

JSON_HEADERS = {"Accept": "application/json"}
# Less time than this left for the next page: it cannot be read in time.
MIN_PAGE_SECONDS = 0.05
# What to do with items that do not belong when more pages remain.
DROP, REFUSE = "drop", "refuse"


def answer_json(response: HttpResponse, *, title: str, ok: tuple[int, ...] = (200,),
                error: Callable[[HttpResponse], ConnectorError] | None = None) -> Any:
    """The JSON of an answer with an expected status; any other status raises the source's error."""
    if response.status_code not in ok:
        raise (error(response) if error else http_error(response, title))
    return response.json()


def get_json(http: SourceHttp, path: str, *, title: str, params: Mapping[str, Any] | None = None,
             headers: Mapping[str, str] = JSON_HEADERS, allow_404: bool = False,
             error: Callable[[HttpResponse], ConnectorError] | None = None) -> Any:
    """GET and parse one JSON resource; None for a 404 when `allow_404`."""
    response = http.request("GET", path, params=params, headers=headers)
    if allow_404 and response.status_code == 404:
        return None
    return answer_json(response, title=title, error=error)


@dataclass(frozen=True)
class Page:
    """One page of a list as the connector reads it."""

    items: list[Any]
    # Whether the source says there is a page after this one.
    more: bool = False
    # The total the source reports for its filter, when it does.
    count: int | None = None
    # The next page's URL, for lists that are followed by their links.
    next_url: str | None = None


def drf_page(title: str) -> Callable[[Any, int], Page]:
    """The reader of `{count, next, previous, results}` pages (ZGW, Open Klant, Objects API)."""

    def read(body: Any, _number: int) -> Page:
        results = body.get("results") if isinstance(body, dict) else None
        if not isinstance(results, list):
            raise ConnectorError(
                f"{title} answered without a 'results' list: a page with no 'results' list cannot be read."
            )
        count = body.get("count")
        next_url = body.get("next")
        return Page(
            items=results,
            more=bool(next_url),
            count=count if isinstance(count, int) and not isinstance(count, bool) else None,
            next_url=next_url if isinstance(next_url, str) and next_url else None,
        )

    return read


@dataclass(frozen=True)
class ListRequest:
    """The first page's request: a path under the API root, our own query and headers."""

    path: str
    params: Mapping[str, Any]
    headers: Mapping[str, str] = field(default_factory=lambda: dict(JSON_HEADERS))
    # A search that takes its filter as a JSON body (the Objects API's `POST objects/search`): the
    # same body on every page, the page numbers in the query.
    method: str = "GET"
    body: Any = None


@dataclass(frozen=True)
class Paging:
    """How one list API pages, as its spec says."""

    # Reads a page's JSON (and its number, from 1); raises ConnectorError when it is malformed.
    read: Callable[[Any, int], Page]
    # Numbered pages: the page and page-size parameters. `page_param` None: follow the next link.
    page_param: str | None = "page"
    size_param: str | None = "pageSize"
    page_size: int = 100
    # False when the first page is asked for without a page number.
    number_first_page: bool = True


@dataclass
class Collected:
    """The items that belong, and what the reading left behind."""

    items: list[Any] = field(default_factory=list)
    # Items read from the source (kept and dropped).
    read: int = 0
    dropped: int = 0
    # The total the source reported for its (possibly ignored) filter.
    count: int | None = None
    # True when more items existed than were read (the cap, a refused next link, max_pages).
    cut: bool = False
    # Why reading stopped before the cap, when it did ("next_foreign", "max_pages").
    stopped: str = ""
    pages: int = 0
    # The answers' headers, page by page (some sources say things there, e.g. withheld fields).
    headers: list[Mapping[str, str]] = field(default_factory=list)


def collect(
    http: SourceHttp,
    request: ListRequest,
    *,
    paging: Paging,
    cap: int,
    title: str,
    keep: Callable[[Any], Any | None] | None = None,
    enough: Callable[[list[Any]], bool] | None = None,
    strangers: str = DROP,
    noun: str = "items",
    subject_label: str = "subject",
    max_pages: int | None = None,
    answer: Callable[[HttpResponse], Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Collected:
    """Read the list up to `cap` items; see the module docstring.

    `keep(item)` returns the item to keep (possibly reshaped) or None to drop it; `enough(kept)`
    True stops after the current page (the connector has what it needs). `answer(response)`
    turns a response into its JSON or raises the source's error (default: `answer_json`, 200
    only). A `not_found` error on a later page ends the list (some APIs answer 404 past the
    last page).
    """
    answer = answer or (lambda response: answer_json(response, title=title))
    found = Collected()
    deadline = clock() + http.source.timeout
    number = 1
    next_url: str | None = None
    while True:
        page_http = http if found.pages == 0 else http.within(
            deadline, min_seconds=MIN_PAGE_SECONDS, title=title, clock=clock
        )
        if next_url is not None:
            target, query = next_url, None
        else:
            target, query = request.path, dict(request.params)
            if paging.size_param:
                query[paging.size_param] = paging.page_size
            if paging.page_param and (number > 1 or paging.number_first_page):
                query[paging.page_param] = number
        try:
            response = page_http.request(request.method, target, params=query, json_body=request.body,
                                         headers=request.headers)
            body = answer(response)
        except ConnectorError as exc:
            if exc.status is Status.NOT_FOUND and found.pages > 0:
                return found
            raise
        page = paging.read(body, number)
        found.pages += 1
        found.headers.append(response.headers)
        if page.count is not None:
            found.count = page.count
        room = cap - found.read
        batch = page.items[:room]
        found.read += len(batch)
        for item in batch:
            kept = keep(item) if keep else item
            if kept is None:
                found.dropped += 1
            else:
                found.items.append(kept)
        more = page.more or len(page.items) > room
        if not page.items or not more:
            return found
        if found.dropped and strangers == REFUSE:
            raise strangers_error(title=title, dropped=found.dropped, noun=noun, subject_label=subject_label)
        if found.read >= cap:
            found.cut = True
            return found
        if enough is not None and enough(found.items):
            return found
        if max_pages is not None and found.pages >= max_pages:
            found.cut, found.stopped = True, "max_pages"
            return found
        if paging.page_param is None:
            if not page.next_url or not http.is_own_url(page.next_url):
                found.cut, found.stopped = True, "next_foreign" if page.next_url else "no_next"
                return found
            next_url = page.next_url
        number += 1


def strangers_error(*, title: str, dropped: int, noun: str, subject_label: str) -> ConnectorError:
    """The error for a list that holds items of others and is longer than what was read."""
    return ConnectorError(
        f"{title} answered with {dropped} {noun} not shown to belong to this {subject_label}, and "
        "with more pages: it seems to ignore a filter. IKO stopped reading and returns nothing "
        "rather than an incomplete list."
    )
