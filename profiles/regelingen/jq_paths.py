"""Which fields of a view a JQ expression reads, derived from its paths (static analysis).

A regeling's explanation names the fields a criterion used, and a criterion whose data came from a
failed source cannot be evaluated; both need to know what the expression reads without running it.
JQ has no such facility, so this module parses the expression (the jq 1.7 grammar, as far as
predicates use it) and follows the paths through pipes, variables, `map`, `select`, `any`,
`max_by` and the like.

The result is sound rather than exact: a field is reported when the expression may look at its
value. Whatever the analysis cannot follow (a function it does not model, a computed key, a
`def`) counts as reading its whole input, and an expression it cannot parse counts as reading the
whole view (the empty path). Paths are dot paths over objects; list positions are left out, as
everywhere in IKO (`persoon.inkomens.bedrag` is the amount of every income).

The expression must already compile (`profiles.expressions.validate_expression`); this module only
reads it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

WHOLE_VIEW = ""  # the path of "everything": what an expression reads when it cannot be followed


class _Unparsable(Exception):
    pass


# --- tokens ---------------------------------------------------------------------------------

KEYWORDS = {
    "as", "def", "if", "then", "elif", "else", "end", "and", "or", "reduce", "foreach", "try",
    "catch", "label", "import", "include", "__loc__",
}
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<recurse>\.\.)
  | (?P<field>\.{_IDENT})
  | (?P<var>\$(?:__loc__|{_IDENT}))
  | (?P<format>@[A-Za-z0-9_]+)
  | (?P<ident>{_IDENT})
  | (?P<op>\?//|\|=|\+=|-=|\*=|/=|%=|//=|==|!=|<=|>=|//|[.|,+\-*/%=<>()\[\]{{}}:;?])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # number, recurse, field, var, format, ident, keyword, op, string, end
    text: str
    parts: tuple = ()  # string: literal texts (str) and interpolations (source text)


def _string(source: str, start: int) -> tuple[_Tok, int]:
    """A JSON string with jq's \\( ... ) interpolations, starting at the opening quote."""
    parts: list[Any] = []
    literal: list[str] = []
    i = start + 1
    while i < len(source):
        char = source[i]
        if char == '"':
            if literal or not parts:
                parts.append("".join(literal))
            return _Tok("string", source[start : i + 1], tuple(parts)), i + 1
        if char == "\\" and i + 1 < len(source):
            if source[i + 1] == "(":
                depth, j = 1, i + 2
                while j < len(source) and depth:
                    if source[j] == '"':
                        _, j = _string(source, j)
                        continue
                    depth += {"(": 1, ")": -1}.get(source[j], 0)
                    j += 1
                if depth:
                    raise _Unparsable("unclosed interpolation")
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(_Interp(source[i + 2 : j - 1]))
                i = j
                continue
            escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/", "\\": "\\", '"': '"'}
            if source[i + 1] == "u":
                literal.append(chr(int(source[i + 2 : i + 6], 16)))
                i += 6
                continue
            literal.append(escapes.get(source[i + 1], source[i + 1]))
            i += 2
            continue
        literal.append(char)
        i += 1
    raise _Unparsable("unclosed string")


@dataclass(frozen=True)
class _Interp:
    source: str


def _tokens(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    i = 0
    while i < len(source):
        if source[i] == '"':
            token, i = _string(source, i)
            tokens.append(token)
            continue
        match = _TOKEN.match(source, i)
        if match is None:
            raise _Unparsable(f"unexpected character {source[i]!r}")
        i = match.end()
        kind = match.lastgroup
        if kind == "space":
            continue
        text = match.group()
        if kind == "ident" and text in KEYWORDS:
            kind = "keyword"
        tokens.append(_Tok(kind, text))
    tokens.append(_Tok("end", ""))
    return tokens


# --- syntax tree ----------------------------------------------------------------------------
# Nodes are tuples: (kind, ...). Kept small on purpose: only what changes which paths are read.

_BINARY = [  # lowest first; (operators, right-associative)
    ({"//"}, True),
    ({"=", "|=", "+=", "-=", "*=", "/=", "%=", "//="}, False),
    ({"or"}, False),
    ({"and"}, False),
    ({"==", "!=", "<", "<=", ">", ">="}, False),
    ({"+", "-"}, False),
    ({"*", "/", "%"}, False),
]


class _Parser:
    def __init__(self, source: str):
        self.tokens = _tokens(source)
        self.i = 0

    # helpers
    @property
    def tok(self) -> _Tok:
        return self.tokens[self.i]

    def peek(self, offset: int = 1) -> _Tok:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def at(self, *texts: str) -> bool:
        return self.tok.kind in ("op", "keyword") and self.tok.text in texts

    def take(self, text: str | None = None) -> _Tok:
        token = self.tok
        if text is not None and not (token.kind in ("op", "keyword") and token.text == text):
            raise _Unparsable(f"expected {text!r}, found {token.text!r}")
        self.i += 1
        return token

    def parse(self):
        node = self.pipe()
        if self.tok.kind != "end":
            raise _Unparsable(f"unexpected {self.tok.text!r}")
        return node

    # grammar
    def pipe(self):
        if self.at("def"):
            name = self.funcdef()
            return ("def", name, self.pipe())
        if self.at("label"):
            self.take("label")
            self.take()  # $name
            self.take("|")
            return self.pipe()
        left = self.comma()
        if self.at("|"):
            self.take("|")
            return ("pipe", left, self.pipe())
        return left

    def funcdef(self) -> str:
        self.take("def")
        name = self.take().text
        if self.at("("):
            self.take("(")
            while not self.at(")"):
                self.take()
            self.take(")")
        self.take(":")
        self.pipe()
        self.take(";")
        return name

    def comma(self):
        node = self.binary(0)
        while self.at(","):
            self.take(",")
            node = ("comma", node, self.binary(0))
        return node

    def binary(self, level: int):
        if level == len(_BINARY):
            return self.unary()
        operators, right = _BINARY[level]
        node = self.binary(level + 1)
        while self.at(*operators):
            op = self.take().text
            other = self.binary(level if right else level + 1)
            node = ("alt", node, other) if op == "//" else ("binop", op, node, other)
            if right:
                break
        return node

    def unary(self):
        if self.at("-"):
            self.take("-")
            return ("binop", "-", ("literal",), self.unary())
        return self.postfix()

    def postfix(self):
        node = self.term()
        while True:
            token = self.tok
            if token.kind == "field":
                self.take()
                node = ("field", node, token.text[1:])
            elif token.kind == "op" and token.text == "." and self.peek().kind == "string":
                self.take(".")
                node = self._string_field(node, self.take())
            elif token.kind == "op" and token.text == "." and self.peek().text == "[":
                self.take(".")
            elif self.at("["):
                node = self.index(node)
            elif self.at("?"):
                self.take("?")
            elif self.at("as"):
                self.take("as")
                patterns = [self.pattern()]
                while self.at("?//"):
                    self.take("?//")
                    patterns.append(self.pattern())
                self.take("|")
                return ("as", node, patterns, self.pipe())
            else:
                return node

    def _string_field(self, base, token: _Tok):
        if len(token.parts) == 1 and isinstance(token.parts[0], str):
            return ("field", base, token.parts[0])
        return ("dynindex", base, self._string_node(token))

    def index(self, base):
        self.take("[")
        if self.at("]"):
            self.take("]")
            return ("iterate", base)
        if self.at(":"):
            self.take(":")
            upper = self.pipe()
            self.take("]")
            return ("slice", base, [upper])
        first = self.pipe()
        if self.at(":"):
            self.take(":")
            bounds = [first] if self.at("]") else [first, self.pipe()]
            self.take("]")
            return ("slice", base, bounds)
        self.take("]")
        if first[0] == "literal" and len(first) > 1 and isinstance(first[1], str):
            return ("field", base, first[1])
        if first[0] == "literal":
            return ("iterate", base)  # a number: one element, the same path
        return ("dynindex", base, first)

    def _string_node(self, token: _Tok):
        interps = [p for p in token.parts if isinstance(p, _Interp)]
        if not interps:
            return ("literal", "".join(token.parts))
        return ("interp", [_Parser(p.source).parse() for p in interps])

    def term(self):
        token = self.tok
        kind = token.kind
        if kind == "number":
            self.take()
            return ("literal",)
        if kind == "string":
            self.take()
            return self._string_node(token)
        if kind == "format":
            self.take()
            if self.tok.kind == "string":
                return ("interp", [_Parser(p.source).parse() for p in self.take().parts if isinstance(p, _Interp)])
            return ("call", "@format", [])
        if kind == "field":
            self.take()
            return ("field", ("identity",), token.text[1:])
        if kind == "recurse":
            self.take()
            return ("recurse",)
        if kind == "var":
            self.take()
            return ("var", token.text[1:])
        if kind == "op" and token.text == ".":
            self.take()
            if self.tok.kind == "string":
                return self._string_field(("identity",), self.take())
            return ("identity",)
        if kind == "op" and token.text == "(":
            self.take("(")
            node = self.pipe()
            self.take(")")
            return node
        if kind == "op" and token.text == "[":
            self.take("[")
            if self.at("]"):
                self.take("]")
                return ("literal",)
            node = self.pipe()
            self.take("]")
            return ("array", node)
        if kind == "op" and token.text == "{":
            return self.object()
        if kind == "keyword":
            return self.keyword_term()
        if kind == "ident":
            self.take()
            if token.text in ("true", "false", "null"):
                return ("literal",)
            args = []
            if self.at("("):
                self.take("(")
                args.append(self.pipe())
                while self.at(";"):
                    self.take(";")
                    args.append(self.pipe())
                self.take(")")
            return ("call", token.text, args)
        raise _Unparsable(f"unexpected {token.text!r}")

    def keyword_term(self):
        word = self.tok.text
        if word == "if":
            self.take("if")
            branches = [(self.pipe(), None)]
            self.take("then")
            branches[0] = (branches[0][0], self.pipe())
            otherwise = None
            while self.at("elif"):
                self.take("elif")
                condition = self.pipe()
                self.take("then")
                branches.append((condition, self.pipe()))
            if self.at("else"):
                self.take("else")
                otherwise = self.pipe()
            self.take("end")
            return ("if", branches, otherwise)
        if word == "try":
            self.take("try")
            body = self.postfix_only()
            handler = None
            if self.at("catch"):
                self.take("catch")
                handler = self.postfix_only()
            return ("try", body, handler)
        if word in ("reduce", "foreach"):
            self.take(word)
            source = self.postfix_only()
            self.take("as")
            pattern = self.pattern()
            self.take("(")
            parts = [self.pipe()]
            while self.at(";"):
                self.take(";")
                parts.append(self.pipe())
            self.take(")")
            return (word, source, pattern, parts)
        if word == "__loc__":
            self.take()
            return ("literal",)
        raise _Unparsable(f"unexpected {word!r}")

    def postfix_only(self):
        """A term with its suffixes, but not `as` (reduce/foreach name their own binding)."""
        node = self.term()
        while True:
            token = self.tok
            if token.kind == "field":
                self.take()
                node = ("field", node, token.text[1:])
            elif self.at("["):
                node = self.index(node)
            elif self.at("?"):
                self.take("?")
            elif token.kind == "op" and token.text == "." and self.peek().text == "[":
                self.take(".")
            else:
                return node

    def object(self):
        self.take("{")
        entries = []
        while not self.at("}"):
            token = self.tok
            if token.kind == "var":
                self.take()
                key, value = ("literal",), ("var", token.text[1:])
            elif token.kind in ("ident", "keyword"):
                self.take()
                key, value = ("literal",), ("field", ("identity",), token.text)
            elif token.kind == "string":
                self.take()
                key = self._string_node(token)
                value = ("field", ("identity",), token.parts[0]) if key[0] == "literal" else ("dynindex", ("identity",), key)
            elif token.kind == "format":
                self.take()
                key = ("call", "@format", [])
                value = key
            elif self.at("("):
                self.take("(")
                key = self.pipe()
                self.take(")")
                value = None
            else:
                raise _Unparsable(f"unexpected {token.text!r} in an object")
            if self.at(":"):
                self.take(":")
                value = self.object_value()
            if value is None:
                raise _Unparsable("a computed key needs a value")
            entries.append((key, value))
            if not self.at(","):
                break
            self.take(",")
        self.take("}")
        return ("object", entries)

    def object_value(self):
        node = self.unary()
        while self.at("|"):
            self.take("|")
            node = ("pipe", node, self.unary())
        return node

    def pattern(self):
        token = self.tok
        if token.kind == "var":
            self.take()
            return ("pvar", token.text[1:])
        if self.at("["):
            self.take("[")
            items = [self.pattern()]
            while self.at(","):
                self.take(",")
                items.append(self.pattern())
            self.take("]")
            return ("parray", items)
        if self.at("{"):
            self.take("{")
            entries = []
            while True:
                token = self.tok
                if token.kind == "var":
                    self.take()
                    entry = (token.text[1:], ("pvar", token.text[1:]))
                    if self.at(":"):
                        self.take(":")
                        entry = (token.text[1:], ("pboth", token.text[1:], self.pattern()))
                elif token.kind in ("ident", "keyword"):
                    self.take()
                    self.take(":")
                    entry = (token.text, self.pattern())
                elif token.kind == "string":
                    self.take()
                    self.take(":")
                    literal = token.parts[0] if len(token.parts) == 1 and isinstance(token.parts[0], str) else None
                    entry = (literal, self.pattern())
                elif self.at("("):
                    self.take("(")
                    self.pipe()
                    self.take(")")
                    self.take(":")
                    entry = (None, self.pattern())
                else:
                    raise _Unparsable("unexpected token in an object pattern")
                entries.append(entry)
                if not self.at(","):
                    break
                self.take(",")
            self.take("}")
            return ("pobject", entries)
        raise _Unparsable("expected a pattern")


# --- analysis -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Val:
    """What an expression's outputs may be: values found at these paths of the view, and/or
    (`other`) values made by the expression itself (constants, computed values)."""

    paths: frozenset = frozenset()
    other: bool = False

    def __or__(self, other: "_Val") -> "_Val":
        return _Val(self.paths | other.paths, self.other or other.other)

    def field(self, name: str) -> "_Val":
        return _Val(frozenset(p + (name,) for p in self.paths), self.other)


_OTHER = _Val(other=True)
_NOTHING = _Val()

# Builtins whose output is (part of) their input without looking at it.
_PASS = {
    "first", "last", "reverse", "flatten", "values", "nulls", "booleans", "numbers", "strings", "arrays",
    "objects", "iterables", "scalars", "debug", "stderr",
}
# Builtins that compare their whole input and then give (part of) it.
_READ_AND_PASS = {"min", "max", "sort", "unique"}
# Builtins that ignore their input (their arguments still count).
_NO_INPUT = {
    "now", "empty", "range", "env", "builtins", "input", "inputs", "infinite", "nan", "halt",
    "input_filename", "input_line_number", "pow", "atan2", "fma", "ldexp", "scalb", "scalbln", "drem",
    "get_search_list",
}
# Builtins that run their (first) argument on each element of the input, then give the input.
_FILTER_BY = {"select", "sort_by", "group_by", "unique_by", "min_by", "max_by"}


class _Analysis:
    def __init__(self) -> None:
        self.reads: set[tuple[str, ...]] = set()
        self.user_functions: set[str] = set()

    def consume(self, value: _Val) -> None:
        self.reads |= value.paths

    def run(self, node, ctx: _Val, env: dict[str, _Val]) -> _Val:
        kind = node[0]
        method = getattr(self, f"_{kind}")
        return method(node, ctx, env)

    # paths
    def _identity(self, node, ctx, env):
        return ctx

    def _recurse(self, node, ctx, env):
        self.consume(ctx)
        return _OTHER

    def _field(self, node, ctx, env):
        return self.run(node[1], ctx, env).field(node[2])

    def _iterate(self, node, ctx, env):
        return self.run(node[1], ctx, env)  # list positions are not part of a path

    def _slice(self, node, ctx, env):
        for bound in node[2]:
            self.consume(self.run(bound, ctx, env))
        return self.run(node[1], ctx, env)

    def _dynindex(self, node, ctx, env):
        # A computed key or index: which field is unknown, so all of the base counts as read.
        self.consume(self.run(node[2], ctx, env))
        self.consume(self.run(node[1], ctx, env))
        return _OTHER

    def _var(self, node, ctx, env):
        return env.get(node[1], _OTHER)

    # values
    def _literal(self, node, ctx, env):
        return _OTHER

    def _interp(self, node, ctx, env):
        for part in node[1]:
            self.consume(self.run(part, ctx, env))
        return _OTHER

    def _array(self, node, ctx, env):
        return self.run(node[1], ctx, env)  # collecting outputs keeps their paths

    def _object(self, node, ctx, env):
        for key, value in node[1]:
            self.consume(self.run(key, ctx, env))
            self.consume(self.run(value, ctx, env))
        return _OTHER

    # combinators
    def _pipe(self, node, ctx, env):
        return self.run(node[2], self.run(node[1], ctx, env), env)

    def _comma(self, node, ctx, env):
        return self.run(node[1], ctx, env) | self.run(node[2], ctx, env)

    def _alt(self, node, ctx, env):
        return self.run(node[1], ctx, env) | self.run(node[2], ctx, env)

    def _binop(self, node, ctx, env):
        if node[1].endswith("=") and node[1] not in ("==", "!=", "<=", ">="):
            self.consume(ctx)  # an update reads (and rebuilds) its whole input
        self.consume(self.run(node[2], ctx, env))
        self.consume(self.run(node[3], ctx, env))
        return _OTHER

    def _if(self, node, ctx, env):
        result = _NOTHING
        for condition, then in node[1]:
            self.consume(self.run(condition, ctx, env))
            result = result | self.run(then, ctx, env)
        return result | (self.run(node[2], ctx, env) if node[2] is not None else ctx)

    def _try(self, node, ctx, env):
        result = self.run(node[1], ctx, env)
        return result | self.run(node[2], _OTHER, env) if node[2] is not None else result

    def _def(self, node, ctx, env):
        self.user_functions.add(node[1])
        return self.run(node[2], ctx, env)

    def _as(self, node, ctx, env):
        source = self.run(node[1], ctx, env)
        inner = dict(env)
        for pattern in node[2]:
            self._bind(pattern, source, inner)
        return self.run(node[3], ctx, inner)

    def _bind(self, pattern, value: _Val, env: dict[str, _Val]) -> None:
        kind = pattern[0]
        if kind == "pvar":
            env[pattern[1]] = value
        elif kind == "parray":
            for item in pattern[1]:
                self._bind(item, value, env)
        elif kind == "pboth":
            env[pattern[1]] = value
            self._bind(pattern[2], value, env)
        else:  # pobject
            for key, sub in pattern[1]:
                if key is None:
                    self.consume(value)
                    self._bind(sub, _OTHER, env)
                else:
                    self._bind(sub, value.field(key), env)

    def _reduce(self, node, ctx, env):
        return self._fold(node, ctx, env)

    def _foreach(self, node, ctx, env):
        return self._fold(node, ctx, env)

    def _fold(self, node, ctx, env):
        _, source, pattern, parts = node
        inner = dict(env)
        self._bind(pattern, self.run(source, ctx, env), inner)
        start = self.run(parts[0], ctx, env)
        state = start | self.run(parts[1], _Val(start.paths, True), inner)
        if len(parts) > 2:
            return self.run(parts[2], state, inner)
        return state

    # function calls
    def _call(self, node, ctx, env):
        _, name, args = node
        arity = len(args)
        if name not in self.user_functions:
            if name in _PASS and arity == 0:
                return ctx
            if name in _READ_AND_PASS and arity == 0:
                self.consume(ctx)
                return ctx
            if name == "empty" and arity == 0:
                return _NOTHING
            if name == "error" and arity == 1:
                self.consume(self.run(args[0], ctx, env))
                return _NOTHING
            if name in _NO_INPUT:
                for arg in args:
                    self.consume(self.run(arg, ctx, env))
                return _OTHER
            if name in ("map", "map_values") and arity == 1:
                return self.run(args[0], ctx, env)
            if name in _FILTER_BY and arity == 1:
                self.consume(self.run(args[0], ctx, env))
                return ctx
            if name in ("any", "all") and arity == 1:
                self.consume(self.run(args[0], ctx, env))
                return _OTHER
            if name in ("any", "all") and arity == 2:
                generated = self.run(args[0], ctx, env)
                self.consume(self.run(args[1], generated, env))
                return _OTHER
            if name in ("first", "last") and arity == 1:
                return self.run(args[0], ctx, env)
            if name == "limit" and arity == 2:
                self.consume(self.run(args[0], ctx, env))
                return self.run(args[1], ctx, env)
            if name == "isempty" and arity == 1:
                self.consume(self.run(args[0], ctx, env))
                return _OTHER
            if name == "has" and arity == 1 and args[0][0] == "literal" and len(args[0]) > 1:
                self.consume(ctx.field(args[0][1]))
                return _OTHER
        # Anything else looks at its whole input and at its arguments' values.
        self.consume(ctx)
        for arg in args:
            self.consume(self.run(arg, ctx, env))
        return _OTHER


def _minimal(reads: set[tuple[str, ...]]) -> list[str]:
    """The read paths without those inside another read path (reading `a` reads `a.b` too)."""
    kept = [p for p in reads if not any(p[: len(q)] == q and len(q) < len(p) for q in reads)]
    return sorted(".".join(p) for p in kept)


@functools.lru_cache(maxsize=2048)
def expression_read_paths(expression: str) -> tuple[str, ...]:
    """The dot paths of the view (its input) that the expression reads, shortest form.

    `WHOLE_VIEW` ("") in the result means the expression reads all of its input, which is also
    the answer for an expression this module cannot follow. The empty tuple: it reads nothing
    (a constant such as `true`).
    """
    try:
        tree = _Parser(expression).parse()
        analysis = _Analysis()
        analysis.consume(analysis.run(tree, _Val(frozenset({()})), {}))
    except (_Unparsable, RecursionError, IndexError, ValueError, AttributeError):
        return (WHOLE_VIEW,)
    return tuple(_minimal(analysis.reads))
