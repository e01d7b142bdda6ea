"""Dates as each language writes them, never the ambiguous "12/03/2026": Fremdrift's format
modules (`fremdrift/core/formats/`) over Django's."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

DAY = dt.date(2026, 12, 3)
AT = dt.datetime(2026, 12, 3, 14, 5)


def rendered(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "date", "short", "month", "moment"),
    [
        ("da", "3. december 2026", "03.12.2026", "dec. 2026", "3. december 2026 14:05"),
        ("en", "3 Dec 2026", "3 Dec 2026", "Dec 2026", "3 Dec 2026, 14:05"),
    ],
)
def test_a_date_reads_as_the_language_writes_it(language, date, short, month, moment):
    with translation.override(language):
        assert rendered("{{ day }}", day=DAY) == date
        assert rendered("{{ day|date }}", day=DAY) == date
        assert rendered('{{ day|date:"SHORT_DATE_FORMAT" }}', day=DAY) == short
        assert rendered('{{ day|date:"YEAR_MONTH_FORMAT" }}', day=DAY) == month
        assert rendered('{{ at|date:"DATETIME_FORMAT" }}', at=AT) == moment


def test_english_never_writes_month_before_day_in_numbers():
    with translation.override("en"):
        for source in ("{{ day }}", '{{ day|date:"SHORT_DATE_FORMAT" }}'):
            assert "12/03" not in rendered(source, day=DAY)
            assert "/" not in rendered(source, day=DAY)


def test_favicon_ico_answers_with_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".svg") and "favicon" in response["Location"]
    assert reverse("favicon") == "/favicon.ico"


def test_every_page_links_its_icon(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in html and "favicon" in html
