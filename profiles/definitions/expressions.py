"""JQ expressions of profiles: relation inputs and output transforms.

JQ is the language of the reference IKO Server, so its profiles port over. JQ has no network
access, and the builtins that reach the process (its environment, standard error) are replaced
by harmless stand-ins (`_SANDBOX`), so an admin who writes an expression cannot make IKO run code
or read its secrets. Each expression is compiled once per process and cached; it is validated
when the admin saves it.

Every expression can use `$subject`, the view's subject as `{type, value, <type>: value}` (for a
BSN: `{"type": "bsn", "value": "999993653", "bsn": "999993653"}`), wherever it sits in the tree.
An input expression that needs nothing but the subject (`{bsn: $subject.value}`) lets the engine
start that relation's call with the top-level relations instead of after its parent's answer:
`needs_only_subject` tells, by reading the expression (see its docstring for what it accepts).

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
# The expression runs on [input, subject, request variables]: `$subject` and the request's
# variables are bound once, then `.` is the input again. The newlines keep a trailing `# comment`
# in the expression from swallowing the parenthesis.
_WRAPPER = (
    _SANDBOX + ".[1] as $subject | .[2] as $ikoRequest | "
    + " | ".join(f"($ikoRequest.{name}) as ${name}" for name in REQUEST_VARIABLES)
    + " | .[0] | (\n@EXPRESSION@\n)"
)


@functools.lru_cache(maxsize=2048)
def compile_expression(expression: str):
    try:
        # First on its own, with the variables declared: its errors then name the admin's own lines.
        jq.compile(expression, args={"subject": None, **dict.fromkeys(REQUEST_VARIABLES)})
        return jq.compile(_WRAPPER.replace("@EXPRESSION@", expression))
    except ValueError as exc:
        raise ExpressionError(_readable(str(exc))) from None


def _readable(message: str) -> str:
    # jq's compile errors end with a count line and carry the caret diagram; keep the gist.
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    lines = [line for line in lines if not line.endswith("compile error") and not line.endswith("compile errors")]
    return " ".join(lines).replace("jq: error: ", "")


def validate_expression(expression: str) -> None:
    compile_expression(expression)


def reads_variable(expression: str, name: str) -> bool:
    """Whether the expression mentions `$name` (read from the text; a string containing it counts too)."""
    return re.search(rf"\${re.escape(name)}(?![A-Za-z0-9_])", expression or "") is not None


def _request(variables: Mapping[str, Any] | None) -> dict[str, Any]:
    variables = variables or {}
    return {"idParam": variables.get("idParam"), "sortParams": variables.get("sortParams") or {},
            "filterParams": variables.get("filterParams") or {}}


def evaluate_all(expression: str, value: Any, subject: dict[str, Any] | None = None,
                 variables: Mapping[str, Any] | None = None) -> list[Any]:
    """All outputs of the expression for this input (and this `$subject`, and the request's variables)."""
    try:
        return compile_expression(expression).input_value([value, subject, _request(variables)]).all()
    except ExpressionError:
        raise
    except ValueError as exc:
        raise ExpressionError(_readable(str(exc))) from None


def evaluate_one(expression: str, value: Any, subject: dict[str, Any] | None = None,
                 variables: Mapping[str, Any] | None = None) -> Any:
    """The single output of a transform; several outputs become a list, none becomes null."""
    outputs = evaluate_all(expression, value, subject, variables)
    if not outputs:
        return None
    return outputs[0] if len(outputs) == 1 else outputs


# --- does an input expression need its parent's item? ---------------------------------------------

_TOKENS = re.compile(
    r"""(?P<space>\s+|\#[^\n]*)
    | (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    | (?P<variable>\$[A-Za-z_][A-Za-z0-9_]*)
    | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<mark>[.{}\[\](),:|?])""",
    re.VERBOSE,
)
_LITERALS = {"null", "true", "false"}


class _NotSubjectOnly(Exception):
    pass


@functools.lru_cache(maxsize=2048)
def needs_only_subject(expression: str) -> bool:
    """True when the expression certainly does not read its input (`.`): only `$subject`.

    It reads the expression rather than running it, and says True only for a small, plain part of
    JQ: objects, arrays, strings without interpolation, numbers, null/true/false, `$subject` and
    paths into it (`$subject.value`, `$subject["bsn"]`), parentheses, `,` and `|` (after a `|`,
    `.` is what came before it, so `$subject | {bsn: .value}` counts). Anything else (another
    variable, a function, an operator, `{name}` shorthand) says False, also when it would in fact
    not read the input: False only means the relation waits for its parent, as it always may.
    """
    tokens = []
    position = 0
    while position < len(expression):
        match = _TOKENS.match(expression, position)
        if match is None:
            return False
        position = match.end()
        kind = match.lastgroup
        if kind == "space":
            continue
        text = match.group()
        if kind == "string" and "\\(" in text:
            return False  # string interpolation runs expressions on the input
        tokens.append((kind, text))
    if not tokens:
        return False  # no expression: the engine's own subject parameters (top level only)
    parser = _Parser(tokens)
    try:
        parser.pipeline(dot_is_subject=False)
        if parser.peek() is not None:
            raise _NotSubjectOnly
    except _NotSubjectOnly:
        return False
    return True


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.index = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, text: str | None = None, kind: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (text is not None and token[1] != text) or (kind is not None and token[0] != kind):
            raise _NotSubjectOnly
        self.index += 1
        return token

    def at(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "mark" and token[1] == text

    def pipeline(self, dot_is_subject: bool) -> None:
        self.alternatives(dot_is_subject)
        while self.at("|"):
            self.take("|")
            self.alternatives(dot_is_subject=True)  # `.` is now what the subject gave

    def alternatives(self, dot_is_subject: bool, commas: bool = True) -> None:
        self.term(dot_is_subject)
        while commas and self.at(","):
            self.take(",")
            self.term(dot_is_subject)

    def term(self, dot_is_subject: bool) -> None:
        kind, text = self.take()
        if kind in ("string", "number") or (kind == "word" and text in _LITERALS):
            pass
        elif kind == "variable" and text == "$subject":
            pass
        elif kind == "field" or (kind == "mark" and text == "."):
            if not dot_is_subject:
                raise _NotSubjectOnly
        elif kind == "mark" and text == "(":
            self.pipeline(dot_is_subject)
            self.take(")")
        elif kind == "mark" and text == "{":
            self.object(dot_is_subject)
        elif kind == "mark" and text == "[":
            if not self.at("]"):
                self.pipeline(dot_is_subject)
            self.take("]")
        else:
            raise _NotSubjectOnly
        self.postfix()

    def postfix(self) -> None:
        while True:
            token = self.peek()
            if token is None:
                return
            kind, text = token
            if kind == "field":
                self.take()
            elif kind == "mark" and text == "." and self._next_is("string"):
                self.take(".")
                self.take(kind="string")
            elif kind == "mark" and text == "[":
                self.take("[")
                key_kind, _ = self.take()
                if key_kind not in ("string", "number"):
                    raise _NotSubjectOnly
                self.take("]")
            elif kind == "mark" and text == "?":
                self.take("?")
            else:
                return

    def _next_is(self, kind: str) -> bool:
        return self.index + 1 < len(self.tokens) and self.tokens[self.index + 1][0] == kind

    def object(self, dot_is_subject: bool) -> None:
        if self.at("}"):
            self.take("}")
            return
        while True:
            kind, text = self.take()
            if kind == "variable" and text == "$subject" and not self.at(":"):
                pass  # {$subject}
            elif kind in ("word", "string") and self.at(":"):
                self.take(":")
                self.value(dot_is_subject)
            else:
                raise _NotSubjectOnly  # {name} is {name: .name}: it reads the input
            if self.at("}"):
                self.take("}")
                return
            self.take(",")

    def value(self, dot_is_subject: bool) -> None:
        """An object's value: a term, or terms joined by `|` (a `,` ends the value)."""
        self.term(dot_is_subject)
        while self.at("|"):
            self.take("|")
            self.term(dot_is_subject=True)
