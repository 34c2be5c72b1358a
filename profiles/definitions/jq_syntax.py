"""A parser of JQ expressions into a small syntax tree, for reading which paths they use.

It follows the jq 1.7 grammar as far as predicates and transforms use it: paths and indexes,
pipes, commas, alternatives, operators by precedence, `as` bindings with destructuring, `if`,
`try`, `reduce`, `foreach`, `label`, `def`, string interpolation, formats, arrays and objects.
The tree keeps only what changes which paths an expression reads (`jq_paths.py`); an expression it
cannot parse raises `Unparsable`, and the reader then counts it as reading everything.

Only valid expressions are given to it (they are compiled by jq first), so it does not explain
syntax errors: jq does that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class Unparsable(Exception):
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
                    raise Unparsable("unclosed interpolation")
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
    raise Unparsable("unclosed string")


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
            raise Unparsable(f"unexpected character {source[i]!r}")
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
            raise Unparsable(f"expected {text!r}, found {token.text!r}")
        self.i += 1
        return token

    def parse(self):
        node = self.pipe()
        if self.tok.kind != "end":
            raise Unparsable(f"unexpected {self.tok.text!r}")
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
        raise Unparsable(f"unexpected {token.text!r}")

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
        raise Unparsable(f"unexpected {word!r}")

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
                raise Unparsable(f"unexpected {token.text!r} in an object")
            if self.at(":"):
                self.take(":")
                value = self.object_value()
            if value is None:
                raise Unparsable("a computed key needs a value")
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
                    raise Unparsable("unexpected token in an object pattern")
                entries.append(entry)
                if not self.at(","):
                    break
                self.take(",")
            self.take("}")
            return ("pobject", entries)
        raise Unparsable("expected a pattern")


def parse(expression: str):
    """The syntax tree of a (valid) JQ expression; raises Unparsable."""
    return _Parser(expression).parse()
