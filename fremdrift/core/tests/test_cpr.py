import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from fremdrift.core import cpr as cprlib
from fremdrift.core import fieldcrypto


@pytest.mark.parametrize(
    ("text", "born", "sex"),
    [
        ("010190-1233", dt.date(1990, 1, 1), "male"),
        ("0101901234", dt.date(1990, 1, 1), "female"),
        (" 311299-0001 ", dt.date(1999, 12, 31), "male"),
        ("290200-4002", dt.date(2000, 2, 29), "female"),  # 7th digit 4, year 00 -> 2000
        ("010137-4002", dt.date(1937, 1, 1), "female"),  # 7th digit 4, year 37 -> 1900s
        ("010157-5001", dt.date(2057, 1, 1), None),  # 7th digit 5, year 57 -> 2000s (future)
        ("010158-5001", dt.date(1858, 1, 1), "male"),  # 7th digit 5, year 58 -> 1800s
        ("010136-9000", dt.date(2036, 1, 1), None),  # 7th digit 9, year 36 -> 2000s (future)
        ("010137-9000", dt.date(1937, 1, 1), "female"),  # 7th digit 9, year 37 -> 1900s
        ("150610-8000", dt.date(2010, 6, 15), "female"),  # 7th digit 8, year 10 -> 2000s
    ],
)
def test_birth_date_and_sex_follow_the_seventh_digit(text, born, sex):
    digits = text.strip().replace("-", "")
    assert cprlib.birth_date_of(digits) == born
    if born > dt.date.today():
        with pytest.raises(ValidationError) as error:
            cprlib.parse_cpr(text)
        assert error.value.code == "cpr_future"
    else:
        parsed = cprlib.parse_cpr(text)
        assert parsed.birth_date == born
        assert parsed.sex == sex


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "cpr_format"),
        ("12345", "cpr_format"),
        ("010190-12345", "cpr_format"),
        ("0101901-234", "cpr_format"),
        ("01019O1234", "cpr_format"),
        ("010190 1234", "cpr_format"),
        ("320190-1234", "cpr_date"),
        ("011390-1234", "cpr_date"),
        ("000190-1234", "cpr_date"),
        ("290201-4001", "cpr_date"),  # 2001 is no leap year
        ("290200-1001", "cpr_date"),  # 7th digit 1 -> 1900, and 1900 is no leap year
    ],
)
def test_invalid_cpr_numbers_are_refused_with_a_reason(text, code):
    with pytest.raises(ValidationError) as error:
        cprlib.parse_cpr(text)
    assert error.value.code == code
    assert "CPR" in str(error.value.messages[0]) or "date" in str(error.value.messages[0])


def test_masking_keeps_the_birth_date_and_hides_the_serial():
    assert cprlib.mask("0101901234") == "010190-XXXX"
    assert cprlib.mask("010190-1234") == "010190-XXXX"
    assert cprlib.parse_cpr("0101901234").masked == "010190-XXXX"
    assert cprlib.parse_cpr("0101901234").formatted == "010190-1234"


def test_age_counts_whole_years_across_birthdays_and_leap_days():
    born = dt.date(2000, 2, 29)
    assert cprlib.age_on(born, dt.date(2018, 2, 28)) == 17
    assert cprlib.age_on(born, dt.date(2018, 3, 1)) == 18
    assert cprlib.age_on(dt.date(1990, 6, 15), dt.date(2026, 6, 14)) == 35
    assert cprlib.age_on(dt.date(1990, 6, 15), dt.date(2026, 6, 15)) == 36


def test_encryption_round_trips_and_hides_the_plaintext():
    token = fieldcrypto.encrypt("0101901234")
    assert "0101901234" not in token
    assert fieldcrypto.decrypt(token) == "0101901234"
    assert fieldcrypto.encrypt("0101901234") != token  # random IV: equal numbers look different


def test_lookup_hash_is_stable_keyed_and_not_the_plain_sha256():
    import hashlib

    first = fieldcrypto.lookup_hash("0101901234")
    assert first == fieldcrypto.lookup_hash("0101901234")
    assert first != fieldcrypto.lookup_hash("0101901235")
    assert first != hashlib.sha256(b"0101901234").hexdigest()
    with override_settings(FREMDRIFT_FIELD_KEY="another-key-of-at-least-thirty-two-chars"):
        assert fieldcrypto.lookup_hash("0101901234") != first


def test_a_different_key_cannot_decrypt():
    from cryptography.fernet import InvalidToken

    token = fieldcrypto.encrypt("0101901234")
    with (
        override_settings(FREMDRIFT_FIELD_KEY="another-key-of-at-least-thirty-two-chars"),
        pytest.raises(InvalidToken),
    ):
        fieldcrypto.decrypt(token)


def test_the_key_fingerprint_tells_keys_apart_and_holds_neither():
    fingerprint = fieldcrypto.key_fingerprint()
    assert fingerprint == fieldcrypto.key_fingerprint() and len(fingerprint) == 16
    assert fingerprint not in settings.FREMDRIFT_FIELD_KEY
    assert fingerprint != fieldcrypto.lookup_hash("fremdrift-field-key")[:16]
    with override_settings(FREMDRIFT_FIELD_KEY="another-key-of-at-least-thirty-two-chars"):
        assert fieldcrypto.key_fingerprint() != fingerprint


def test_citizen_is_stored_encrypted_and_found_by_hash(world):
    from django.db import connection

    from fremdrift.citizens import selectors
    from fremdrift.citizens.models import Citizen
    from fremdrift.testing import make_citizen

    citizen = make_citizen(world.caseworker, cpr="241085-1123", born=dt.date(1985, 10, 24))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM citizens_citizen WHERE id = %s", [citizen.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "2410851123" not in row and "241085-1123" not in row
    stored = Citizen.objects.get(pk=citizen.pk)
    assert stored.birth_date == dt.date(1985, 10, 24)
    assert stored.sex == "male"
    assert stored.masked_cpr == "241085-XXXX"
    assert selectors.citizen_cpr(stored).digits == "2410851123"
    found = selectors.citizen_search(world.caseworker, query="2410851123")
    assert list(found) == [stored]
    assert list(selectors.citizen_search(world.caseworker, query="241085-1123")) == [stored]


@pytest.mark.parametrize(
    ("typed", "logged"),
    [
        ("0101901234", "010190-XXXX"),
        ("010190-1234", "010190-XXXX"),
        ("010190123", "010190-XXX"),
        ("0101", "0101"),
        ("Blixen", "Blixen"),
    ],
)
def test_search_criteria_are_logged_with_any_cpr_serial_masked(typed, logged):
    from fremdrift.citizens.selectors import criterion_for_log

    assert criterion_for_log(typed) == logged


def test_six_digits_find_citizens_by_birth_date(world):
    from fremdrift.citizens import selectors
    from fremdrift.testing import make_citizen

    born = make_citizen(world.caseworker, last_name="Sechs", born=dt.date(1971, 5, 17))
    assert list(selectors.citizen_search(world.caseworker, query="170571")) == [born]
    assert list(selectors.citizen_search(world.caseworker, query="170572")) == []
    assert list(selectors.citizen_search(world.caseworker, query="310271")) == []
