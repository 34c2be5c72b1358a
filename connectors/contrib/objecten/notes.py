"""The detail of an Objecten operation's answer: what the ownership check dropped, where
`max_objects` cut the list, which fields the Objects API withheld for IKO's token, and that
nothing was found. One text for every operation of the connector (by subject, by address,
within a pand), so an administrator reads the same sentence whichever relation it came from."""

from __future__ import annotations

from ...listing import Collected


def withheld_fields(found: Collected) -> str:
    """The Objects API's `X-Unauthorized-Fields` of the answer: field names only
    (`objecttype:field,field`), never values."""
    return next((h.get("X-Unauthorized-Fields") for h in found.headers if h.get("X-Unauthorized-Fields")), "")


def answer_detail(found: Collected, *, max_objects: int, not_kept: str, none_found: str,
                  withheld: str = "") -> str:
    """`not_kept` ends "that were not of the configured objecttype or ..."; `none_found` leads the
    detail when nothing was kept."""
    notes = []
    if found.dropped:
        notes.append(
            f"Dropped {found.dropped} object(s) that were not of the configured objecttype or {not_kept} "
            "(the Objects API may have ignored a filter)."
        )
    if found.cut:
        of_total = f" of {found.count}" if found.count is not None and found.count > found.read else ""
        notes.append(f"Stopped at max_objects={max_objects}: showing the first {found.read}{of_total} objects.")
    if withheld:
        notes.append(f"The Objects API withheld fields for this token: {withheld[:200]}.")
    if not found.items:
        notes.insert(0, none_found)
    return " ".join(notes)
