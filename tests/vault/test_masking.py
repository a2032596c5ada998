"""The masks of retention-presets.md, and that a mask never contains the hidden part."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from caseledger.vault.masking import (
    mask_bank_card,
    mask_chinese_name,
    mask_identifier,
    mask_mobile,
    mask_resident_id,
    mask_text,
)


def test_the_examples_of_the_rules():
    assert mask_resident_id("11010519491231002X") == "1****************X"
    assert mask_mobile("13812345678") == "138******78"
    assert mask_mobile("+8613812345678") == "138******78"
    assert mask_bank_card("6222021234567892631") == "***************2631"
    assert mask_chinese_name("小明") == "*明"
    assert mask_chinese_name("张小明") == "**明"
    assert mask_text("ABCDEFGHI") == "ABC***GHI"


def test_other_countries_keep_their_country_code():
    assert mask_mobile("+442079460018") == "+44 207*****18"


def test_short_values_are_starred_completely():
    assert mask_text("AB") == "**"
    assert mask_bank_card("1234") == "****"
    assert mask_identifier("passport", "E1") == "**"


@given(st.text(min_size=3, max_size=60))
def test_the_middle_third_of_other_text_never_shows(value):
    masked = mask_text(value)
    third = len(value) // 3
    assert len(masked) == len(value)
    assert set(masked[third : len(value) - third]) == {"*"}


@given(st.from_regex(r"\A1[3-9]\d{9}\Z"))
def test_a_mobile_mask_hides_the_six_middle_digits(number):
    masked = mask_mobile(number)
    assert masked == number[:3] + "******" + number[-2:]
