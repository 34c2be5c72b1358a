"""JQ expressions of profiles: relation inputs and output transforms.

JQ is the language of the reference IKO Server, so its profiles port over. JQ has no I/O, so an
admin who writes an expression cannot make IKO run code or reach the network. Each expression is
compiled once per process and cached; it is validated when the admin saves it.
"""

from __future__ import annotations

import functools
from typing import Any

import jq


class ExpressionError(ValueError):
    """An expression does not compile or fails on its input; the message is readable."""


@functools.lru_cache(maxsize=2048)
def compile_expression(expression: str):
    try:
        return jq.compile(expression)
    except ValueError as exc:
        raise ExpressionError(_readable(str(exc))) from None


def _readable(message: str) -> str:
    # jq's compile errors end with a count line and carry the caret diagram; keep the gist.
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    lines = [line for line in lines if not line.endswith("compile error") and not line.endswith("compile errors")]
    return " ".join(lines).replace("jq: error: ", "")


def validate_expression(expression: str) -> None:
    compile_expression(expression)


def evaluate_all(expression: str, value: Any) -> list[Any]:
    """All outputs of the expression for this input."""
    try:
        return compile_expression(expression).input_value(value).all()
    except ExpressionError:
        raise
    except ValueError as exc:
        raise ExpressionError(_readable(str(exc))) from None


def evaluate_one(expression: str, value: Any) -> Any:
    """The single output of a transform; several outputs become a list, none becomes null."""
    outputs = evaluate_all(expression, value)
    if not outputs:
        return None
    return outputs[0] if len(outputs) == 1 else outputs
