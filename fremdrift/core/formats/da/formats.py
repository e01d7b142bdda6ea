# Danish: "3. dec. 2026", "3. dec. 2026 14:05", "jan. 2026"; short dates stay "03.12.2026".
DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. N Y H:i"
YEAR_MONTH_FORMAT = "N Y"
