"""Tests of subject validation: the BSN eleven test and KVK numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profiles.subjects import InvalidSubject, is_valid_bsn, subject_parse


@pytest.mark.parametrize("bsn", ["999993653", "999993847", "999990160", "100600220", "000009957"])
def test_official_test_bsns_pass_the_eleven_test(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize("bsn", ["999993654", "99999365", "9999936530", "00000000a", "000000000", "٩٩٩٩٩٣٦٥٣", " 99999365"])
def test_wrong_length_digits_or_checksum_fail(bsn):
    assert not is_valid_bsn(bsn)


@given(st.text(max_size=12))
def test_any_text_is_either_a_valid_bsn_or_rejected_with_a_message(text):
    try:
        subject = subject_parse(subject_type="bsn", value=text)
    except InvalidSubject as exc:
        assert "eleven test" in str(exc)
    else:
        assert is_valid_bsn(subject.value)


def test_surrounding_whitespace_is_ignored():
    assert subject_parse(subject_type="bsn", value=" 999993653 ").value == "999993653"


def test_kvk_numbers_are_eight_digits():
    assert subject_parse(subject_type="kvk", value="90004760").value == "90004760"
    with pytest.raises(InvalidSubject):
        subject_parse(subject_type="kvk", value="9000476")


def test_an_unknown_subject_type_is_rejected():
    with pytest.raises(InvalidSubject, match="Unknown subject type"):
        subject_parse(subject_type="passport", value="X")
