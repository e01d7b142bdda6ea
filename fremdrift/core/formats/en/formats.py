# English as written in Europe: "3 Dec 2026", "3 Dec 2026, 14:05", "Jan 2026"; the short
# date is the same day-month-year, never the ambiguous "12/03/2026".
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"  # a meeting at 13:30, as the times above
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j F"
