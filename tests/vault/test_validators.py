"""The identity and account number checks, with generated valid numbers and one-character
mutations of them."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from caseledger.core import clock
from caseledger.vault.validators import (
    PROVINCES,
    USCC_CHARSET,
    check_bank_card,
    check_phone,
    check_resident_id,
    check_uscc,
    luhn_check_digit,
    resident_id_check_char,
    uscc_check_char,
)

# ---- resident ID ---------------------------------------------------------------------------


@st.composite
def resident_ids(draw) -> str:
    province = draw(st.sampled_from(sorted(PROVINCES)))
    rest_of_region = draw(st.integers(0, 9999))
    # Born by today (the suite's shifted date): a birth date in the future is refused.
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=clock.now().date()))
    sequence = draw(st.integers(0, 999))
    first17 = f"{province:02d}{rest_of_region:04d}{born:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def test_the_standard_example_is_valid():
    checked = check_resident_id("11010519491231002x")
    assert checked.ok and checked.value == "11010519491231002X"


@given(resident_ids())
def test_a_number_with_its_computed_check_character_is_valid(number):
    assert check_resident_id(number).errors == ()


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_any_one_character_makes_it_invalid(number, position, replacement):
    if number[position] == replacement or (position < 17 and replacement == "X"):
        replacement = str((int(number[position].replace("X", "9")) + 1) % 10)
    mutated = number[:position] + replacement + number[position + 1 :]
    checked = check_resident_id(mutated)
    assert checked.errors and checked.value == ""


def test_errors_name_the_problem_and_never_repeat_the_number():
    cases = {
        "1101051949123100": "18 characters",
        "11010519491331002X": "birth date",
        "110105194912310021": "check character",
        "00010519491231002X": "region",
        "1101051949123100AX": "digits",
    }
    for number, expected in cases.items():
        errors = check_resident_id(number).errors
        assert any(expected in e for e in errors), (number, errors)
        assert not any(number in e for e in errors)


def test_a_birth_date_in_the_future_is_refused():
    first17 = "110105" + "20300101" + "001"
    with clock.frozen(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        errors = check_resident_id(first17 + resident_id_check_char(first17)).errors
    assert any("future" in e for e in errors)


# ---- unified social credit code ------------------------------------------------------------


@st.composite
def credit_codes(draw) -> str:
    first17 = "".join(draw(st.lists(st.sampled_from(USCC_CHARSET), min_size=17, max_size=17)))
    return first17 + uscc_check_char(first17)


def test_a_published_code_is_valid():
    checked = check_uscc("91350100M000100Y43")
    assert checked.ok and not checked.warnings


@given(credit_codes())
def test_a_code_with_its_computed_check_character_passes_clean(code):
    checked = check_uscc(code.lower())
    assert checked.ok and not checked.warnings and checked.value == code


@given(credit_codes(), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_a_changed_character_is_a_warning_not_an_error(code, position, replacement):
    if code[position] == replacement:
        replacement = USCC_CHARSET[(USCC_CHARSET.index(replacement) + 1) % 31]
    checked = check_uscc(code[:position] + replacement + code[position + 1 :])
    assert checked.ok
    assert any("check character" in w for w in checked.warnings)


@given(credit_codes(), st.integers(0, 17), st.sampled_from("IOSVZ*"))
def test_a_letter_outside_the_charset_is_an_error(code, position, bad):
    checked = check_uscc(code[:position] + bad + code[position + 1 :])
    assert any(f"character {position + 1} " in e for e in checked.errors)


# ---- bank card -----------------------------------------------------------------------------


@st.composite
def unionpay_cards(draw) -> str:
    length = draw(st.integers(16, 19))
    payload = "62" + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=length - 3, max_size=length - 3))
    )
    return payload + luhn_check_digit(payload)


@given(unionpay_cards())
def test_a_unionpay_card_with_its_luhn_digit_passes_clean(card):
    checked = check_bank_card(" ".join(card[i : i + 4] for i in range(0, len(card), 4)))
    assert checked.ok and not checked.warnings and checked.value == card


@given(unionpay_cards(), st.data())
def test_a_changed_digit_is_a_luhn_warning_not_an_error(card, data):
    position = data.draw(st.integers(0, len(card) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != card[position]]))
    checked = check_bank_card(card[:position] + digit + card[position + 1 :])
    assert checked.ok
    assert any("Luhn" in w for w in checked.warnings)


def test_a_short_unionpay_number_and_letters_are_reported():
    payload = "62" + "1234567890123"[:12]
    assert any(
        "UnionPay" in w for w in check_bank_card(payload + luhn_check_digit(payload)).warnings
    )
    assert check_bank_card("6222 abcd").errors


# ---- phone numbers -------------------------------------------------------------------------


@given(
    st.sampled_from("3456789"),
    st.integers(0, 999_999_999),
    st.sampled_from(["", "+86", "86", "+86 "]),
)
def test_mainland_mobiles_normalize_to_e164(second, rest, prefix):
    number = f"1{second}{rest:09d}"
    assert check_phone(prefix + number).value == "+86" + number


def test_other_numbers_go_through_phonenumbers():
    assert check_phone("010 6552 9988").value == "+861065529988"
    assert check_phone("+44 20 7946 0018").value == "+442079460018"
    assert check_phone("12345").errors
    assert check_phone("phone me").errors
