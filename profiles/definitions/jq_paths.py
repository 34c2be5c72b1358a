"""Which fields of a view a JQ expression reads, derived from its paths (static analysis).

Whatever reads a view through an expression may need to know what the expression reads without
running it. Regelingen do: a regeling's explanation names the fields a criterion used, and a
criterion whose data came from a failed source cannot be evaluated. JQ has no such facility, so
this module parses the expression (`jq_syntax.py`) and follows the paths through pipes,
variables, `map`, `select`, `any`, `max_by` and the like.

The result is sound rather than exact: a field is reported when the expression may look at its
value. Whatever the analysis cannot follow (a function it does not model, a computed key, a
`def`) counts as reading its whole input, and an expression it cannot parse counts as reading the
whole view (the empty path). Paths are dot paths over objects; list positions are left out, as
everywhere in IKO (`persoon.inkomens.bedrag` is the amount of every income).

The expression must already compile (`profiles.definitions.expressions.validate_expression`); this module only
reads it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .jq_syntax import Unparsable, parse

WHOLE_VIEW = ""  # the path of "everything": what an expression reads when it cannot be followed


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
        tree = parse(expression)
        analysis = _Analysis()
        analysis.consume(analysis.run(tree, _Val(frozenset({()})), {}))
    except (Unparsable, RecursionError, IndexError, ValueError, AttributeError):
        return (WHOLE_VIEW,)
    return tuple(_minimal(analysis.reads))
