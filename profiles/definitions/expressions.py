"""JQ expressions of profiles: relation inputs and output transforms.

JQ is the language of the reference IKO Server, so its profiles port over. JQ has no network
access, and the builtins that reach the process (its environment, standard error) are replaced
by harmless stand-ins (`_SANDBOX`), so an admin who writes an expression cannot make IKO run code
or read its secrets. Each expression is
compiled once per process and cached; it is validated when the admin saves it.

Every expression can also read the request's variables of the reference IKO Server's transform
context (`REQUEST_VARIABLES`): `$idParam` (the `id` a front-door caller gave), `$sortParams` (per
container, the paging and sorting of its `containerParam`: `{pageNumber, pageSize, sort:
[{property, direction}]}`) and `$filterParams` (per container, its filters). The reference server
offers them as `.idParam`, `.sortParams` and `.filterParams`; in IKO the input stays the data, so
they are variables. They are null (`{}` for the containers) when the request has none.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Mapping

import jq


class ExpressionError(ValueError):
    """An expression does not compile or fails on its input; the message is readable."""


REQUEST_VARIABLES = ("idParam", "sortParams", "filterParams")
# JQ's builtins that reach outside the data: the process environment (`env`, `$ENV`: IKO's secrets
# are there) and standard error (`debug`, `stderr`; the jq binding IKO uses prints neither, but a
# build that does would put data in the logs). An expression gets harmless stand-ins instead.
_SANDBOX = "def env: {}; def debug: .; def debug($message): .; def stderr: .; def input_filename: null; {} as $ENV | "
# The expression runs on [input, request variables]: they are bound once, then `.` is the input
# again. The newlines keep a trailing `# comment` in the expression from swallowing the parenthesis.
_WRAPPER = (
    _SANDBOX + ".[1] as $ikoRequest | " + " | ".join(f"($ikoRequest.{name}) as ${name}" for name in REQUEST_VARIABLES)
    + " | .[0] | (\n@EXPRESSION@\n)"
)


@functools.lru_cache(maxsize=2048)
def compile_expression(expression: str):
    try:
        # First on its own, with the variables declared: its errors then name the admin's own lines.
        jq.compile(expression, args=dict.fromkeys(REQUEST_VARIABLES))
        return jq.compile(_WRAPPER.replace("@EXPRESSION@", expression))
    except ValueError as exc:
        raise ExpressionError(_readable(str(exc))) from None


def reads_variable(expression: str, name: str) -> bool:
    """Whether the expression mentions `$name` (read from the text; a string containing it counts too)."""
    return re.search(rf"\${re.escape(name)}(?![A-Za-z0-9_])", expression or "") is not None


def _readable(message: str) -> str:
    # jq's compile errors end with a count line and carry the caret diagram; keep the gist.
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    lines = [line for line in lines if not line.endswith("compile error") and not line.endswith("compile errors")]
    return " ".join(lines).replace("jq: error: ", "")


def validate_expression(expression: str) -> None:
    compile_expression(expression)


def _request(variables: Mapping[str, Any] | None) -> dict[str, Any]:
    variables = variables or {}
    return {"idParam": variables.get("idParam"), "sortParams": variables.get("sortParams") or {},
            "filterParams": variables.get("filterParams") or {}}


def evaluate_all(expression: str, value: Any, variables: Mapping[str, Any] | None = None) -> list[Any]:
    """All outputs of the expression for this input (and the request's variables)."""
    try:
        return compile_expression(expression).input_value([value, _request(variables)]).all()
    except ExpressionError:
        raise
    except ValueError as exc:
        raise ExpressionError(_readable(str(exc))) from None


def evaluate_one(expression: str, value: Any, variables: Mapping[str, Any] | None = None) -> Any:
    """The single output of a transform; several outputs become a list, none becomes null."""
    outputs = evaluate_all(expression, value, variables)
    if not outputs:
        return None
    return outputs[0] if len(outputs) == 1 else outputs
