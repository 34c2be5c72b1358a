"""Path and query templates of the generic connector, such as ``personen/{bsn}/uitkeringen`` and
``{"bsn": "{bsn}", "jaar": "2025"}``.

A placeholder is a plain name in braces; ``{{`` and ``}}`` are literal braces. Positional
(``{}``), attribute (``{bsn.x}``), index (``{bsn[0]}``), conversion and format-spec forms are
refused: templates are filled here, never with ``str.format``. Values are personal data, so no
error message in this module repeats one.

Why a value can never change the path or the query:
- a path placeholder is filled with ``quote(value, safe="")``: ``/``, ``?``, ``#`` and ``%`` are
  encoded, so a value stays inside its own path segment; the values ``.`` and ``..`` (which
  quoting leaves as they are) and empty values are refused, and the filled path is checked to be
  relative (no scheme, no host, no leading ``/``);
- a query value is handed to requests as one parameter value, which it encodes as a whole
  (``&``, ``=`` and ``#`` included).
The literal text of a path template is checked when the options are saved (`parse_path`).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import quote, unquote, urlsplit

from ...base import ConnectorError

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Characters that have no place in the literal text of a path template.
FORBIDDEN_IN_PATH = re.compile(r"[?#\\\s\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Template:
    """A parsed template: literal texts and placeholder names, alternating."""

    source: str
    parts: tuple[tuple[str, str | None], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.parts if name is not None)

    def fill(self, values: Mapping[str, Any], *, in_path: bool) -> str:
        pieces = []
        for literal, name in self.parts:
            pieces.append(literal)
            if name is not None:
                text = value_text(name, values.get(name))
                if in_path:
                    if text in (".", ".."):
                        raise ConnectorError(
                            f"Refused parameter {name!r}: a dot segment would change the path."
                        )
                    text = quote(text, safe="")
                pieces.append(text)
        return "".join(pieces)


def value_text(name: str, value: Any) -> str:
    """The text of one parameter value: text or a whole number, never empty."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        if value is None:
            raise ConnectorError(f"The call lacks the parameter {name!r}.")
        raise ConnectorError(f"Parameter {name!r} must be text or a whole number.")
    text = str(value)
    if not text:
        raise ConnectorError(f"Parameter {name!r} is empty.")
    return text


def parse_template(text: str) -> Template:
    """Parse a template; ValueError with a readable message when it is malformed."""
    if not isinstance(text, str):
        raise ValueError("must be a string")
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"{text!r} has unbalanced braces ({exc}); write {{{{ or }}}} for a literal brace") from None
    parts = []
    for literal, field_name, format_spec, conversion in parsed:
        if field_name is None:
            parts.append((literal, None))
            continue
        if conversion is not None or format_spec or not NAME.fullmatch(field_name):
            shown = field_name + (f"!{conversion}" if conversion else "") + (f":{format_spec}" if format_spec else "")
            raise ValueError(
                f"{text!r} has the placeholder {{{shown}}}; a placeholder is a plain name such as {{bsn}}"
            )
        parts.append((literal, field_name))
    return Template(source=text, parts=tuple(parts))


def parse_path(text: str) -> Template:
    """Parse a path template relative to the API root and check its literal text."""
    template = parse_template(text)
    literal = "".join(part for part, _ in template.parts)
    bad = FORBIDDEN_IN_PATH.search(literal)
    if bad:
        raise ValueError(
            f"{text!r} contains {bad.group()!r}; a path has no query, fragment, backslash or "
            "whitespace (put query parameters in \"query\")"
        )
    sample = template.fill({name: "x" for name in template.names}, in_path=True)
    problem = relative_path_problem(sample)
    if problem:
        raise ValueError(f"{text!r} {problem}")
    return template


def relative_path_problem(path: str) -> str:
    """Why `path` is not a plain path below the API root, or "" when it is."""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("/"):
        return "must be relative to the API root: no scheme, no host, no leading \"/\""
    # Decoded as connectors/http.py does: a server that decodes %2F must not climb out either.
    decoded = unquote(parts.path).split("/")
    if "." in decoded or ".." in decoded:
        return "may not contain \".\" or \"..\" segments"
    if "" in parts.path.split("/")[:-1]:
        return "has an empty path segment (\"//\")"
    return ""


def fill_path(template: Template, values: Mapping[str, Any]) -> str:
    """The path to GET, relative to the API root."""
    path = template.fill(values, in_path=True)
    # Quoting already guarantees this; checked again because it is the SSRF boundary.
    if relative_path_problem(path):
        raise ConnectorError("Refused a path that would leave the API root of this source.")
    return path


def fill_query(query: tuple[tuple[str, Template], ...], values: Mapping[str, Any]) -> dict[str, str]:
    """The query parameters to send; requests encodes each value as a whole."""
    return {key: template.fill(values, in_path=False) for key, template in query}
