"""`containerParam` of the Valtimo front door: decoding, filters and paging of one collection.

Valtimo's table widgets send, per table, `containerParam=<Base64 of JSON>` on
`GET /aggregated-data-profiles/{name}` (docs/integrator/index.md; the reference IKO Server's
ContainerParam): `{"containerId": "zaken", "pageable": {...}, "filters": {...}}`.

- **Base64**: the URL-safe alphabet (`-_`, what Valtimo sends) and the standard one (`+/`), with or
  without `=` padding. A `+` that a query string turned into a space is read as `+` again.
- **pageable**: Spring's `PageRequest` as Jackson writes it (`pageNumber`, `pageSize`, `offset`,
  `paged`, and a `sort` that Jackson reduces to `{"sorted", "unsorted", "empty"}`), or the
  reference server's own shape (`sort` as a list of `{property, direction}` or as
  `{"orders": [...]}`), or `page`/`size`/`sort` as in a query string. `null`, `"INSTANCE"`
  (Jackson's `Pageable.unpaged()`) or `paged: false` mean one page with everything. Pages count
  from 0, as in Spring.
- **filters**: an object of `key -> value`. The key is a dot path (`naam.volledigeNaam`) or a
  JSON Pointer (`/naam/volledigeNaam`) into each item, with an optional suffix: none (equals),
  `~` (contains), `>=`, `>`, `<=`, `<`. A value is a text, a number, a boolean or a list; a text
  `[a, b]` (how Valtimo writes a multi-select value) or `a,b` is a list. Several values mean "any
  of them". Text compares case-insensitively; dates in ISO form and numbers compare as such; a
  BRP date object (`{"datum": ...}`) compares by its `datum`. An item without the field does not
  match.

The named container in the view data is replaced by `{"content": [...], "totalElements": n}`
(what Valtimo's collections read). Nothing here mutates the data it is given: the view data may
be shared with other requests in flight (profiles/engine/inflight.py).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable

MAX_ENCODED_LENGTH = 16 * 1024
MAX_PAGE_SIZE = 1000
MAX_FILTERS = 50
MAX_KEY_LENGTH = 200
SUFFIXES = (">=", "<=", ">", "<", "~")  # longest first
OPERATORS = {"": "eq", "~": "contains", ">=": "gte", ">": "gt", "<=": "lte", "<": "lt"}
RANGE_OPERATORS = {"gte", "gt", "lte", "lt"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ].*)?$")
_UNPAGED = {"INSTANCE", "UNPAGED"}


class ContainerParamInvalid(ValueError):
    """A containerParam that cannot be read; the message is safe to return to the caller."""


@dataclass(frozen=True)
class Order:
    path: tuple[str, ...]
    descending: bool = False


@dataclass(frozen=True)
class Pageable:
    page: int = 0
    size: int | None = None  # None: unpaged
    sort: tuple[Order, ...] = ()


@dataclass(frozen=True)
class Filter:
    key: str
    path: tuple[str, ...]
    operator: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ContainerParam:
    container_id: str
    pageable: Pageable
    filters: tuple[Filter, ...]


# --- decoding ---------------------------------------------------------------------------------
def decode_base64(text: str) -> bytes:
    """Either Base64 alphabet, padded or not; whitespace ignored."""
    if len(text) > MAX_ENCODED_LENGTH:
        raise ContainerParamInvalid(f"containerParam is longer than {MAX_ENCODED_LENGTH} characters.")
    # A query string decodes '+' to a space; Base64 has no spaces, so they were pluses.
    cleaned = text.strip().replace(" ", "+")
    cleaned = re.sub(r"\s", "", cleaned).rstrip("=")
    cleaned = cleaned.replace("-", "+").replace("_", "/")
    if not cleaned or len(cleaned) % 4 == 1 or not re.fullmatch(r"[A-Za-z0-9+/]*", cleaned):
        raise ContainerParamInvalid("containerParam is not Base64.")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ContainerParamInvalid("containerParam is not Base64.") from None


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def decode_container_param(text: str) -> ContainerParam:
    raw = decode_base64(text)
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ContainerParamInvalid("containerParam is not Base64 of a JSON object.") from None
    if not isinstance(document, dict):
        raise ContainerParamInvalid("containerParam must be a JSON object with a containerId.")
    container_id = document.get("containerId")
    if not isinstance(container_id, str) or not container_id.strip() or len(container_id) > MAX_KEY_LENGTH:
        raise ContainerParamInvalid("containerParam needs a containerId: the name of a collection in the view.")
    return ContainerParam(
        container_id=container_id.strip(),
        pageable=parse_pageable(document.get("pageable")),
        filters=parse_filters(document.get("filters")),
    )


def _int(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ContainerParamInvalid(f"pageable.{name} must be a whole number.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise ContainerParamInvalid(f"pageable.{name} must be a whole number.")
    return value


def _first(mapping: dict, *names: str) -> tuple[str, Any]:
    for name in names:
        if mapping.get(name) is not None:
            return name, mapping[name]
    return names[0], None


def parse_pageable(value: Any) -> Pageable:
    if value is None or (isinstance(value, str) and value.strip().upper() in _UNPAGED | {""}):
        return Pageable()
    if isinstance(value, str):
        return _pageable_from_query(value)
    if not isinstance(value, dict):
        raise ContainerParamInvalid("pageable must be an object (a Spring PageRequest) or null.")
    sort = parse_sort(value.get("sort"))
    if value.get("unpaged") is True or value.get("paged") is False:
        return Pageable(sort=sort)
    page_name, page = _first(value, "pageNumber", "page", "number")
    size_name, size = _first(value, "pageSize", "size", "limit")
    page, size = _int(page, page_name), _int(size, size_name)
    if size is None:
        return Pageable(sort=sort)
    return _checked(page or 0, size, sort)


def _checked(page: int, size: int, sort: tuple[Order, ...]) -> Pageable:
    if page < 0:
        raise ContainerParamInvalid("pageable.pageNumber counts from 0 and cannot be negative.")
    if size < 1:
        raise ContainerParamInvalid("pageable.pageSize must be at least 1.")
    return Pageable(page=page, size=min(size, MAX_PAGE_SIZE), sort=sort)


def _pageable_from_query(text: str) -> Pageable:
    params: dict[str, str] = {}
    sorts: list[str] = []
    for part in re.split(r"[&;]", text):
        key, _, val = part.partition("=")
        key = key.strip().lower()
        if key == "sort":
            sorts.append(val)
        elif key:
            params[key] = val.strip()
    sort = tuple(order for s in sorts for order in parse_sort(s))
    page = _int(params.get("page") or params.get("pagenumber") or params.get("number"), "page")
    size = _int(params.get("size") or params.get("pagesize"), "size")
    if size is None:
        return Pageable(sort=sort)
    return _checked(page or 0, size, sort)


def _path(key: str) -> tuple[str, ...]:
    if key.startswith("/"):
        return tuple(part.replace("~1", "/").replace("~0", "~") for part in key[1:].split("/"))
    return tuple(part for part in key.split(".") if part)


def _order(value: Any) -> Order | None:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        prop, _, direction = text.partition(",")
        return Order(_path(prop.strip()), direction.strip().upper() == "DESC") if prop.strip() else None
    if isinstance(value, dict) and isinstance(value.get("property"), str) and value["property"].strip():
        direction = str(value.get("direction") or "ASC").strip().upper()
        return Order(_path(value["property"].strip()), direction == "DESC")
    return None


def parse_sort(value: Any) -> tuple[Order, ...]:
    """Orders from the shapes clients send; Jackson's `{"sorted": ...}` flags carry none."""
    if value is None:
        return ()
    if isinstance(value, str):
        # "naam,desc" or "naam,desc;datum" (Spring's query form); "a,asc,b,desc" pairs too.
        orders: list[Order] = []
        for segment in value.split(";"):
            tokens = [t.strip() for t in segment.split(",") if t.strip()]
            while tokens:
                prop = tokens.pop(0)
                direction = tokens.pop(0) if tokens and tokens[0].upper() in ("ASC", "DESC") else "ASC"
                orders.append(Order(_path(prop), direction.upper() == "DESC"))
        return tuple(o for o in orders if o.path)
    if isinstance(value, dict):
        if isinstance(value.get("orders"), list):
            return parse_sort(value["orders"])
        order = _order(value)
        return (order,) if order else ()
    if isinstance(value, list):
        return tuple(o for o in (_order(item) for item in value) if o and o.path)
    raise ContainerParamInvalid("pageable.sort must be a list of {property, direction}.")


def _split_values(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]  # Kotlin's List.toString(): "[a, b]"
        items = [part for part in text.split(",")] if "," in text else [text]
    else:
        items = [value]
    values = []
    for item in items:
        if isinstance(item, (dict, list)):
            raise ContainerParamInvalid(f"filters.{key}: give texts, numbers or booleans.")
        if item is None:
            continue
        text = _text(item).strip()
        if text:
            values.append(text)
    return tuple(values)


def parse_filters(value: Any) -> tuple[Filter, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ContainerParamInvalid("filters must be an object of field -> value.")
    if len(value) > MAX_FILTERS:
        raise ContainerParamInvalid(f"At most {MAX_FILTERS} filters per container.")
    filters = []
    for key, raw in value.items():
        if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise ContainerParamInvalid("A filter key is the path of a field, at most 200 characters.")
        key = key.strip()
        suffix = next((s for s in SUFFIXES if key.endswith(s)), "")
        field = key[: len(key) - len(suffix)].strip() if suffix else key
        path = _path(field)
        if not path:
            raise ContainerParamInvalid(f"filters.{key}: name a field before the operator.")
        operator = OPERATORS[suffix]
        values = _split_values(raw, key)
        if not values:
            continue  # an empty filter field in the UI: no filter
        if operator in RANGE_OPERATORS and len(values) > 1:
            raise ContainerParamInvalid(f"filters.{key}: a comparison takes one value.")
        filters.append(Filter(key=key, path=path, operator=operator, values=values))
    return tuple(filters)


# --- applying -----------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _scalar(value: Any) -> Any:
    # A BRP date is an object; it compares by its date.
    if isinstance(value, dict) and "datum" in value:
        return value["datum"]
    return value


def values_at(item: Any, path: tuple[str, ...]) -> list[Any]:
    """The values at a path; lists on the way are walked element by element."""
    current = [item]
    for part in path:
        following = []
        for value in current:
            if isinstance(value, dict) and part in value:
                following.append(value[part])
            elif isinstance(value, list):
                following.extend(v[part] for v in value if isinstance(v, dict) and part in v)
        current = following
    flat: list[Any] = []
    for value in current:
        flat.extend(value if isinstance(value, list) else [value])
    return [_scalar(v) for v in flat if v is not None and not isinstance(_scalar(v), (dict, list))]


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _compare(left: str, right: str) -> int:
    a, b = _number(left), _number(right)
    if a is None or b is None:
        a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


def _matches(item: Any, flt: Filter) -> bool:
    found = [_text(v) for v in values_at(item, flt.path)]
    if not found:
        return False
    if flt.operator == "eq":
        wanted = {v.casefold() for v in flt.values}
        return any(v.casefold() in wanted for v in found)
    if flt.operator == "contains":
        return any(w.casefold() in v.casefold() for v in found for w in flt.values)
    bound = flt.values[0]
    tests = {"gte": lambda c: c >= 0, "gt": lambda c: c > 0, "lte": lambda c: c <= 0, "lt": lambda c: c < 0}
    return any(tests[flt.operator](_compare(v, bound)) for v in found)


def _sort_key(item: Any, order: Order) -> tuple:
    values = values_at(item, order.path)
    if not values:
        return (1, 0, "")  # missing values last (for either direction, see below)
    text = _text(values[0])
    number = _number(text) if not _ISO_DATE.match(text) else None
    return (0, 0, number) if number is not None else (0, 1, text.casefold())


def page_items(items: Iterable[Any], param: ContainerParam) -> dict[str, Any]:
    """Filter, sort and page a collection into `{"content", "totalElements", ...}`."""
    kept = [item for item in items if all(_matches(item, f) for f in param.filters)]
    for order in reversed(param.pageable.sort):
        present = [i for i in kept if values_at(i, order.path)]
        missing = [i for i in kept if not values_at(i, order.path)]
        present.sort(key=lambda i: _sort_key(i, order), reverse=order.descending)
        kept = present + missing
    total = len(kept)
    size = param.pageable.size
    if size is None:
        content, page, pages = kept, 0, 1
    else:
        page = param.pageable.page
        content = kept[page * size:(page + 1) * size]
        pages = max(1, math.ceil(total / size))
    return {
        "content": content,
        "totalElements": total,
        "totalPages": pages,
        "number": page,
        "size": size if size is not None else total,
    }


def _find_container(data: Any, container_id: str) -> tuple[Any, ...] | None:
    """Where the container lies: a JSON Pointer, a top-level key, a dot path, or (breadth-first)
    the first property of that name anywhere in the data."""
    candidates = []
    if container_id.startswith("/"):
        candidates.append(_path(container_id))
    else:
        candidates.append((container_id,))
        if "." in container_id:
            candidates.append(_path(container_id))
    for path in candidates:
        current = data
        ok = True
        for part in path:
            if isinstance(current, dict) and part in current:
                current = current[part]
            else:
                ok = False
                break
        if ok:
            return path
    if container_id.startswith("/"):
        return None
    queue: deque[tuple[tuple[Any, ...], Any]] = deque([((), data)])
    while queue:
        path, node = queue.popleft()
        if isinstance(node, dict):
            if container_id in node:
                return (*path, container_id)
            queue.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            queue.extend(((*path, i), v) for i, v in enumerate(node))
    return None


def _replace_at(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of `data` with `value` at `path`; only the containers on the way are copied."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        copy[head] = _replace_at(data[head], rest, value)
        return copy
    copy_list = list(data)
    copy_list[head] = _replace_at(data[head], rest, value)
    return copy_list


def _get_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def apply_containers(data: Any, params: Iterable[ContainerParam]) -> tuple[Any, list[str]]:
    """The data with each named collection filtered, sorted and paged; and the ids not found."""
    unknown: list[str] = []
    # One containerParam per container: when a container is named twice, the last one counts.
    for param in {p.container_id: p for p in params}.values():
        path = _find_container(data, param.container_id) if isinstance(data, (dict, list)) else None
        if path is None:
            unknown.append(param.container_id)
            continue
        current = _get_at(data, path)
        if current is None:
            current = []
        if isinstance(current, dict) and isinstance(current.get("content"), list):
            current = current["content"]  # already paged by an earlier containerParam
        if not isinstance(current, list):
            unknown.append(param.container_id)
            continue
        data = _replace_at(data, path, page_items(current, param))
    return data, unknown
