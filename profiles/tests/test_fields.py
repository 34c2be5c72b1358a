"""Tests of field minimisation: nothing outside the allowed paths survives."""

from hypothesis import given
from hypothesis import strategies as st

from profiles.definitions.fields import released_paths, select_fields

PERSOON = {
    "burgerservicenummer": "999993653",
    "naam": {"voornamen": "Suzanne", "geslachtsnaam": "Moulin", "volledigeNaam": "Suzanne Moulin"},
    "partners": [{"naam": {"voornamen": "Jan"}, "burgerservicenummer": "999993847"}, {"naam": {"voornamen": "Piet"}}],
}


def test_a_path_to_an_object_keeps_the_whole_object():
    assert select_fields(PERSOON, ["naam"]) == {"naam": PERSOON["naam"]}


def test_a_nested_path_keeps_only_that_leaf():
    assert select_fields(PERSOON, ["naam.volledigeNaam"]) == {"naam": {"volledigeNaam": "Suzanne Moulin"}}


def test_lists_are_filtered_element_by_element():
    assert select_fields(PERSOON, ["partners.naam.voornamen"]) == {
        "partners": [{"naam": {"voornamen": "Jan"}}, {"naam": {"voornamen": "Piet"}}]
    }


def test_a_shorter_path_wins_over_a_longer_one():
    assert select_fields(PERSOON, ["naam.voornamen", "naam"]) == {"naam": PERSOON["naam"]}


def test_a_scalar_where_an_object_is_expected_is_not_released():
    assert select_fields({"naam": "Suzanne"}, ["naam.voornamen"]) == {}


def test_released_paths_name_the_leaves():
    assert released_paths({"naam": {"volledigeNaam": "x"}, "partners": [{"naam": {"voornamen": "y"}}]}) == [
        "naam.volledigeNaam",
        "partners.naam.voornamen",
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from("abcde"), children, max_size=4),
    max_leaves=20,
)
paths = st.lists(
    st.lists(st.sampled_from("abcde"), min_size=1, max_size=3).map(".".join), max_size=4
)


def _allowed(path: str, allowed: list[str]) -> bool:
    return any(path == a or path.startswith(a + ".") for a in allowed)


@given(json_values, paths)
def test_no_released_leaf_lies_outside_the_allowed_paths(data, allowed):
    released = select_fields(data, allowed)
    for path in released_paths(released):
        assert _allowed(path, allowed), (path, allowed)
