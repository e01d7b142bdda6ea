"""Danish CPR numbers: validation, birth date and legal sex, masking.

The modulus-11 check is not applied: since 2007 numbers are issued that fail it.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_FORMAT = re.compile(r"^\s*(\d{6})-?(\d{4})\s*$")


@dataclass(frozen=True)
class Cpr:
    digits: str  # ten digits, no dash

    @property
    def birth_date(self) -> dt.date:
        return birth_date_of(self.digits)

    @property
    def sex(self) -> str:
        return "male" if int(self.digits[9]) % 2 else "female"

    @property
    def masked(self) -> str:
        return mask(self.digits)

    @property
    def formatted(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"


def looks_like_cpr(text: str) -> bool:
    return bool(_FORMAT.match(text))


def century_of(year_in_century: int, seventh_digit: int) -> int:
    """The century a CPR number's birth year belongs to, from its 7th digit."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if year_in_century <= 36 else 1900
    return 2000 if year_in_century <= 57 else 1800


def birth_date_of(digits: str) -> dt.date:
    day, month, yy = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    year = century_of(yy, int(digits[6])) + yy
    return dt.date(year, month, day)


def parse_cpr(text: str) -> Cpr:
    """A valid CPR number from what a user typed, or ValidationError with a clear message."""
    match = _FORMAT.match(text or "")
    if not match:
        raise ValidationError(
            _("A CPR number has 10 digits, written as DDMMYYXXXX or DDMMYY-XXXX."),
            code="cpr_format",
        )
    digits = match.group(1) + match.group(2)
    try:
        born = birth_date_of(digits)
    except ValueError:
        raise ValidationError(
            _("The first six digits of a CPR number must be a real date (DDMMYY)."),
            code="cpr_date",
        ) from None
    if born > dt.date.today():
        raise ValidationError(
            _("The CPR number gives a birth date in the future."), code="cpr_future"
        )
    return Cpr(digits)


def mask(digits: str) -> str:
    """DDMMYY-XXXX: the birth date stays readable, the serial number is hidden."""
    plain = digits.replace("-", "")
    return f"{plain[:6]}-XXXX"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def possible_birth_dates(ddmmyy: str) -> list[dt.date]:
    """The real dates that six digits DDMMYY can stand for (the century is not in them)."""
    dates = []
    for century in (1900, 2000):
        try:
            born = dt.date(century + int(ddmmyy[4:6]), int(ddmmyy[2:4]), int(ddmmyy[0:2]))
        except ValueError:
            continue
        if born <= dt.date.today():
            dates.append(born)
    return dates
