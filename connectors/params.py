"""The parameters of an operation, declared with the schema of the source's spec, and their check.

Every `Operation` (connectors/base.py) declares its parameters as `Param`s: type, the spec's
pattern, enum, maximum length, range, and whether several values are allowed. A subject type
("bsn", "kvk") is a parameter too. `params_validate(operation=..., params=...)` checks a mapping
of parameter name to value against them and returns the problems, each naming its parameter, so
that a caller's mistake is answered as the caller's (400) before anything is sent, instead of as
a failing source. It never repeats a value: parameters are personal data.

Values are what a caller gives: text from a query string, JSON scalars, or a list when a
parameter was given more than once (or as Valtimo's multi-select text `[a, b]`).
Connectors check their parameters again when they build a request; this check is the one a front
door makes first, with the same rules in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

TYPES = ("string", "integer", "boolean", "date")
# Valtimo sends a multi-select value as one text: "[a, b]".
MULTI_SELECT = re.compile(r"^\[.*,.*\]$", re.DOTALL)
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The form of a subject given as a parameter (profiles validate the subject itself further).
SUBJECT_PATTERNS = {"bsn": (r"[0-9]{9}", "9 digits"), "kvk": (r"[0-9]{8}", "8 digits")}


@dataclass(frozen=True)
class Param:
    """One parameter of an operation, as the source's spec describes it."""

    name: str
    type: str = "string"  # one of TYPES
    # The spec's pattern, matched against the whole (stripped) text.
    pattern: str = ""
    # What the pattern means, in words, for the problem's reason ("four digits and two letters").
    hint: str = ""
    enum: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    # Whether the parameter takes a list of values (KVK Zoeken's `type`).
    many: bool = False
    required: bool = False

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"Parameter {self.name!r} has type {self.type!r}; known: {', '.join(TYPES)}.")
        if self.pattern:
            re.compile(self.pattern)

    @classmethod
    def subject(cls, subject_type: str) -> "Param":
        """The parameter that carries a subject of this type ("bsn" arrives as parameter "bsn")."""
        pattern, hint = SUBJECT_PATTERNS.get(subject_type, ("", ""))
        return cls(subject_type, pattern=pattern, hint=hint)


@dataclass(frozen=True)
class ParamProblem:
    """One problem with one parameter: `code` is machine-readable, `reason` a sentence."""

    name: str
    code: str  # unknown | multiple | required | type | pattern | enum | max_length | range
    reason: str

    def as_dict(self) -> dict[str, str]:
        """In the shape of a problem+json `invalidParams` entry."""
        return {"name": self.name, "code": self.code, "reason": self.reason}


def _values(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str) and MULTI_SELECT.match(value.strip()):
        return [part.strip() for part in value.strip()[1:-1].split(",")]
    return [value]


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _value_problem(param: Param, value: Any) -> ParamProblem | None:
    name = param.name
    if param.type == "integer":
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            return ParamProblem(name, "type", f"{name} must be a whole number.")
        if (param.minimum is not None and value < param.minimum) or (
            param.maximum is not None and value > param.maximum
        ):
            return ParamProblem(name, "range", f"{name} must be from {param.minimum} to {param.maximum}.")
        return None
    if param.type == "boolean":
        if isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in ("true", "false")):
            return None
        return ParamProblem(name, "type", f"{name} must be true or false.")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ParamProblem(name, "type", f"{name} must be text.")
    text = value.strip()
    if param.type == "date":
        try:
            if not DATE.fullmatch(text):
                raise ValueError
            date.fromisoformat(text)
        except ValueError:
            return ParamProblem(name, "type", f"{name} must be a date as YYYY-MM-DD.")
        return None
    if param.max_length is not None and len(text) > param.max_length:
        return ParamProblem(name, "max_length", f"{name} may be at most {param.max_length} characters.")
    if param.enum and text not in param.enum:
        return ParamProblem(name, "enum", f"{name} must be one of: {', '.join(param.enum)}.")
    if param.pattern and not re.fullmatch(param.pattern, text):
        hint = f": {param.hint}" if param.hint else ""
        return ParamProblem(name, "pattern", f"{name} does not have the form the source requires{hint}.")
    return None


def params_validate(*, operation, params: Mapping[str, Any]) -> list[ParamProblem]:
    """The problems of `params` for `operation` (a `connectors.base.Operation`); [] when valid.

    Checks, per parameter: that the operation declares it; one value unless the parameter takes
    several; type, maximum length, enum and pattern of every value. A required parameter that is
    missing is a problem too. Empty values count as not given.
    """
    declared = operation.parameter_map
    problems: list[ParamProblem] = []
    for name, raw in params.items():
        param = declared.get(name)
        if param is None:
            takes = ", ".join(declared) or "no parameters"
            problems.append(ParamProblem(str(name), "unknown", f"{operation.name} takes {takes}."))
            continue
        values = [value for value in _values(raw) if _present(value)]
        if len(values) > 1 and not param.many:
            problems.append(ParamProblem(name, "multiple", f"{name} takes one value, not {len(values)}."))
            continue
        for value in values:
            problem = _value_problem(param, value)
            if problem is not None:
                problems.append(problem)
                break
    for name, param in declared.items():
        if param.required and not any(_present(v) for v in _values(params.get(name))):
            problems.append(ParamProblem(name, "required", f"{operation.name} needs {name}."))
    return problems
