"""Which fields a JQ predicate reads, derived from its paths: through pipes, variables, `map`,
`select`, `max_by`, `any`, and conservatively (the whole input) where it cannot follow."""

import pytest

from profiles.definitions.expressions import validate_expression
from profiles.definitions.jq_paths import WHOLE_VIEW, expression_read_paths


@pytest.mark.parametrize("expression, fields", [
    (".persoon.leeftijd >= 18", ("persoon.leeftijd",)),
    (".persoon.inkomens | max_by(.jaar) | .bedrag < 24000", ("persoon.inkomens.bedrag", "persoon.inkomens.jaar")),
    ("(.persoon.inkomens // [] | max_by(.jaar) | .bedrag) as $b | $b != null and $b < 24000",
     ("persoon.inkomens.bedrag", "persoon.inkomens.jaar")),
    ("reduce .persoon.inkomens[] as $i (0; . + $i.bedrag) < 30000", ("persoon.inkomens.bedrag",)),
    ('(now | gmtime | .[0] -= 18 | mktime | todate[0:10]) as $g | any(.persoon.kinderen[]?.geboorte.datum.datum; . > $g)',
     ("persoon.kinderen.geboorte.datum.datum",)),
    ('.a[] | select(.t == "x") | .v', ("a.t", "a.v")),
    (".a as {b: $x, $c} | $x.d + $c", ("a.b.d", "a.c")),
    ('.["persoon"].leeftijd > 3', ("persoon.leeftijd",)),
    ('.persoon | has("leeftijd")', ("persoon.leeftijd",)),
    ("if .a then .b.c else .d end", ("a", "b.c", "d")),
    ('"\\(.a.b) jaar" | length > 3', ("a.b",)),
    (".a | map(.b) | add > 3", ("a.b",)),
    ("[.a, .b] | min > 1", ("a", "b")),
    ("foreach .a[] as $x (0; . + $x.n; [$x.m, .])", ("a.m", "a.n")),
    ("true", ()),
])
def test_the_fields_a_predicate_reads_are_derived_from_its_paths(expression, fields):
    validate_expression(expression)  # a valid expression, as the criterion's save checks first
    assert expression_read_paths(expression) == fields


@pytest.mark.parametrize("expression, fields", [
    # Reading all of a list (its length, its keys) reads the list, not only some fields of it.
    ("[.persoon.zaken[]? | select(.einddatum == null)] | length == 0", ("persoon.zaken",)),
    (".persoon | keys | length > 1", ("persoon",)),
    # A computed key: which field is unknown, so the whole object counts.
    (".persoon[.sleutel] > 1", ("persoon", "sleutel")),
])
def test_what_it_cannot_name_exactly_counts_as_read_as_a_whole(expression, fields):
    assert expression_read_paths(expression) == fields


@pytest.mark.parametrize("expression", ["def f: .x; f > 1", ".. | numbers | . > 1", "not", "if .x then 1 end"])
def test_an_expression_it_cannot_follow_reads_the_whole_view(expression):
    validate_expression(expression)
    assert expression_read_paths(expression) == (WHOLE_VIEW,)
