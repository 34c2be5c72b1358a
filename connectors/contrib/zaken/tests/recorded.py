"""The requests `responses` recorded, by path: the connector asks for zaken and rollen at the same
moment, so which of the two went out first is not fixed."""

from urllib.parse import urlsplit

import responses


def calls_to(name: str) -> list:
    """The recorded calls to `zaken` or `rollen`, in the order they were sent."""
    return [c for c in responses.calls if urlsplit(c.request.url).path == f"/zaken/api/v1/{name}"]


def sorted_paths() -> list[str]:
    return sorted(urlsplit(c.request.url).path for c in responses.calls)
