# Danish: "3. december 2026", "3. december 2026 14:05" (as in a letter), months on a chart's
# axis "jan. 2026"; short dates stay "03.12.2026".
DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y H:i"
YEAR_MONTH_FORMAT = "N Y"
