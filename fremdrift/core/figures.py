"""Every figure Fremdrift shows, in pages, sentences, exports and the API, is rounded here: half
away from zero, on the number as written (9.45 is 9.5, 9.49998 is 9.5 at one decimal, -0.25
is -0.3). Python's `round` rounds half to even on the binary value and Django's
`number_format` cuts a float's decimals, so neither is used for a figure."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats


def rounded_decimal(value, digits: int) -> Decimal:
    # The shortest text that reads back as the same float: for a numpy float too, whose repr
    # is "np.float64(9.45)".
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def rounded(value, digits: int = 2) -> float | None:
    """The number rounded for a table cell or an API field (None stays None)."""
    if value is None:
        return None
    return float(rounded_decimal(value, digits))


def figure(value, digits: int = 2) -> str:
    """The number rounded and written in the active language ("9,5" in Danish); '' for None."""
    if value is None or value == "":
        return ""
    return formats.number_format(rounded_decimal(value, digits), decimal_pos=digits)
