"""Which fields of its input a JQ expression reads, found by reading the expression (not running it).

A relation's input expression picks the parameters of its calls from the parent's item
(`{bsn: .burgerservicenummer}`). When a grant narrows a view, the parent's source is asked only
for the released fields plus the fields its surviving children read (profiles/access/narrowing.py);
`expression_read_paths` tells which those are.

The answer is sound, not exact: it names every field whose value the expression may look at or
pass on, as dot paths below the input (list positions left out: `adressen.geoData` is that field
of every address). It understands a plain part of JQ: paths (`.a.b`, `.a[]?`, `.["a"]`, `.[0]`),
`|`, `,`, `//`, comparisons and arithmetic, `and`/`or`, `if ... then ... else ... end`, object and
array construction, literals, `$subject` (the view's subject, not the input), and the builtins in
`_PASS`, `_FIRST_ARGUMENT`, `_BY`, `_EACH` and `_CONSUME`. For anything else (another variable, `reduce`,
`def`, a computed index, string interpolation, an unknown function) it answers None: "may read
anything", and the caller then asks for every field, as without this analysis.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

WHOLE_INPUT = ""  # the path of the input itself: everything below it is read

_TOKEN = re.compile(
    r"""(?P<space>\s+|\#[^\n]*)
    | (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    | (?P<variable>\$[A-Za-z_][A-Za-z0-9_]*)
    | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>\.\.|//=|\|=|\+=|-=|\*=|/=|%=|//|==|!=|<=|>=|[.|,()\[\]{}:;?<>+\-*/%=@])""",
    re.VERBOSE,
)
_COMPARE = {"==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "and", "or"}
_KEYWORDS = {"if", "then", "elif", "else", "end", "and", "or", "as", "def", "reduce", "foreach", "try",
             "catch", "label", "import", "include"}
# Builtins without arguments that give (parts of) their input unexamined.
_PASS = {"first", "last", "reverse", "flatten", "values", "nulls", "booleans", "numbers", "strings", "arrays",
         "objects", "iterables", "scalars"}
# Builtins whose outputs are those of their (first) argument, run on the input.
_FIRST_ARGUMENT = {"first", "last"}
# Builtins that run their argument on each element of the input and then give (some of) the input.
_BY = {"select", "sort_by", "group_by", "unique_by", "min_by", "max_by"}
# Builtins that run their argument on each element of the input and give something new from it.
_EACH = {"map", "map_values", "any", "all"}
# Builtins that examine their input (and arguments) and give something new.
_CONSUME = {"not", "length", "utf8bytelength", "tostring", "tonumber", "ascii_downcase", "ascii_upcase", "type",
            "keys", "keys_unsorted", "has", "in", "contains", "inside", "test", "match", "startswith", "endswith",
            "ltrimstr", "rtrimstr", "split", "join", "tojson", "fromjson", "add", "any", "all", "min", "max",
            "sort", "unique", "map", "map_values", "to_entries", "from_entries", "with_entries", "tostream",
            "ascii", "implode", "explode", "floor", "ceil", "round", "abs", "sqrt", "isvalid", "limit", "index",
            "rindex", "indices", "splits", "sub", "gsub", "todate", "fromdate", "dateadd", "datesub", "date",
            "isempty", "error", "paths", "leaf_paths", "getpath", "del", "to_array", "trim", "ltrim", "rtrim"}
_LITERALS = {"null", "true", "false"}


class _Unknown(Exception):
    """The expression leaves the part of JQ this module follows."""


@dataclass(frozen=True)
class _Val:
    """What an expression's outputs are: values at these paths of the input, and/or (`other`)
    values the expression made itself."""

    paths: frozenset = frozenset()
    other: bool = False

    def __or__(self, other: "_Val") -> "_Val":
        return _Val(self.paths | other.paths, self.other or other.other)

    def down(self, name: str) -> "_Val":
        return _Val(frozenset(p + (name,) for p in self.paths), self.other)


_OTHER = _Val(other=True)


def _tokens(expression: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            raise _Unknown
        position = match.end()
        kind, text = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "string" and "\\(" in text:
            raise _Unknown  # string interpolation runs expressions
        if kind == "op" and (text.endswith("=") and text not in ("==", "!=", "<=", ">=") or text == "@"):
            raise _Unknown  # assignment, formats
        tokens.append((kind, text))
    return tokens


class _Reader:
    """A recursive-descent reading of the expression that evaluates `_Val`s as it goes."""

    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.index = tokens, 0
        self.reads: set[tuple[str, ...]] = set()

    # --- tokens
    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token[0] in ("op", "word") and token[1] in texts

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (text is not None and token[1] != text):
            raise _Unknown
        self.index += 1
        return token

    def consume(self, value: _Val) -> None:
        self.reads |= value.paths

    # --- grammar, lowest precedence first
    def pipe(self, ctx: _Val) -> _Val:
        value = self.comma(ctx)
        while self.at("|"):
            self.take("|")
            value = self.comma(value)
        return value

    def comma(self, ctx: _Val) -> _Val:
        value = self.alternative(ctx)
        while self.at(","):
            self.take(",")
            value = value | self.alternative(ctx)
        return value

    def alternative(self, ctx: _Val) -> _Val:
        value = self.binary(ctx)
        if self.at("//"):
            self.take("//")
            value = value | self.alternative(ctx)  # the left side's values, or the right side's
        return value

    def binary(self, ctx: _Val) -> _Val:
        value = self.term(ctx)
        while self.peek() is not None and self.peek()[1] in _COMPARE:
            self.take()
            self.consume(value)
            self.consume(self.term(ctx))
            value = _OTHER
        return value

    def term(self, ctx: _Val) -> _Val:
        kind, text = self.take()
        if kind == "op" and text == "-":
            self.consume(self.term(ctx))
            return _OTHER
        if kind in ("string", "number") or (kind == "word" and text in _LITERALS):
            value = _OTHER
        elif kind == "variable":
            if text != "$subject":
                raise _Unknown
            value = _OTHER  # the view's subject, not the input
        elif kind == "field":
            value = ctx.down(text[1:])
        elif kind == "op" and text == ".":
            value = ctx
            if self.peek() is not None and self.peek()[0] == "string":
                value = ctx.down(_unquote(self.take()[1]))
        elif kind == "op" and text == "..":
            self.consume(ctx)
            value = _OTHER
        elif kind == "op" and text == "(":
            value = self.pipe(ctx)
            self.take(")")
        elif kind == "op" and text == "[":
            if not self.at("]"):
                self.consume(self.pipe(ctx))
            self.take("]")
            value = _OTHER
        elif kind == "op" and text == "{":
            value = self.object(ctx)
        elif kind == "word" and text == "if":
            value = self.conditional(ctx)
        elif kind == "word" and text not in _KEYWORDS:
            value = self.call(text, ctx)
        else:
            raise _Unknown
        return self.postfix(value)

    def postfix(self, value: _Val) -> _Val:
        while True:
            token = self.peek()
            if token is None:
                return value
            kind, text = token
            if kind == "field":
                self.take()
                value = value.down(text[1:])
            elif kind == "op" and text == "." and self.peek(1) is not None and self.peek(1)[0] == "string":
                self.take()
                value = value.down(_unquote(self.take()[1]))
            elif kind == "op" and text == "?":
                self.take()
            elif kind == "op" and text == "[":
                self.take()
                if self.at("]"):
                    pass  # .[]: every element, at the same path
                elif self.peek()[0] == "string" and self.peek(1) == ("op", "]"):
                    value = value.down(_unquote(self.take()[1]))
                else:
                    # .[0], .[1:2]: elements at the same path; anything computed is not followed
                    while not self.at("]"):
                        kind, text = self.take()
                        if kind != "number" and text != ":":
                            raise _Unknown
                self.take("]")
            elif kind == "word" and text == "as":
                raise _Unknown  # variables bound by the expression
            else:
                return value

    def object(self, ctx: _Val) -> _Val:
        while not self.at("}"):
            kind, text = self.take()
            if kind == "variable" and text == "$subject" and not self.at(":"):
                pass  # {$subject}
            elif kind in ("word", "string") and not self.at(":"):
                self.consume(ctx.down(_unquote(text) if kind == "string" else text))  # {name}
            elif kind in ("word", "string"):
                self.take(":")
                self.consume(self.object_value(ctx))
            elif kind == "op" and text == "(":
                self.consume(self.pipe(ctx))
                self.take(")")
                self.take(":")
                self.consume(self.object_value(ctx))
            else:
                raise _Unknown
            if not self.at("}"):
                self.take(",")
        self.take("}")
        return _OTHER

    def object_value(self, ctx: _Val) -> _Val:
        value = self.term(ctx)
        while self.at("|"):
            self.take("|")
            value = self.term(value)
        return value

    def conditional(self, ctx: _Val) -> _Val:
        self.consume(self.pipe(ctx))
        self.take("then")
        value = self.pipe(ctx)
        while self.at("elif"):
            self.take("elif")
            self.consume(self.pipe(ctx))
            self.take("then")
            value = value | self.pipe(ctx)
        if self.at("else"):
            self.take("else")
            value = value | self.pipe(ctx)
        else:
            value = value | ctx  # no else: the input itself
        self.take("end")
        return value

    def call(self, name: str, ctx: _Val) -> _Val:
        arguments: list[_Val] = []
        if self.at("("):
            self.take("(")
            arguments.append(self.pipe(ctx))
            while self.at(";"):
                self.take(";")
                arguments.append(self.pipe(ctx))
            self.take(")")
        if name == "empty" and not arguments:
            return _Val()
        if name in _PASS and not arguments:
            return ctx
        if name in _FIRST_ARGUMENT and len(arguments) == 1:
            return arguments[0]
        if name in _BY and len(arguments) == 1:
            self.consume(arguments[0])
            return ctx
        if name in _EACH and len(arguments) == 1:
            self.consume(arguments[0])
            return _OTHER
        if name in _CONSUME:
            self.consume(ctx)
            for argument in arguments:
                self.consume(argument)
            return _OTHER
        raise _Unknown


def _unquote(text: str) -> str:
    return json.loads(text)


@functools.lru_cache(maxsize=2048)
def expression_read_paths(expression: str) -> tuple[str, ...] | None:
    """The dot paths of the input that `expression` reads (`WHOLE_INPUT` for all of it), fewest
    first and none below another; () when it reads nothing of its input (only `$subject` or
    literals); None when this module cannot tell (treat it as reading everything)."""
    if not expression.strip():
        return ()
    try:
        reader = _Reader(_tokens(expression))
        reader.consume(reader.pipe(_Val(frozenset({()}))))
        if reader.peek() is not None:
            raise _Unknown
    except (_Unknown, ValueError, IndexError, TypeError):
        return None
    paths = sorted(reader.reads, key=lambda path: (len(path), path))
    minimal: list[tuple[str, ...]] = []
    for path in paths:
        if not any(path[: len(kept)] == kept for kept in minimal):
            minimal.append(path)
    return tuple(".".join(path) for path in minimal)
