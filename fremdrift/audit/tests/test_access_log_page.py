"""The access log page as an administrator reads it: people by their names, the newest rows
first when the page opens, changes from the change history beside the reads, dates in the
page's language, and pages in a fixed number of queries."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import formats, timezone, translation

from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.audit.services import access_log_write
from fremdrift.testing import make_citizen, make_cpr


def rows(html: str) -> list[str]:
    table = html.split('data-testid="log-table"')[1].split("</table>")[0]
    return re.findall(r'<tr data-testid="(log-read|log-change)">(.*?)</tr>', table, re.S)


def test_the_page_opens_with_the_newest_rows_and_shows_full_names(world, login):
    access_log_write(user=world.colleague, action="view", citizen=world.teammates_citizen)
    newest = access_log_write(user=world.caseworker, action="view", citizen=world.citizen)
    response = login(world.administrator).get(reverse("audit:access_log"))
    assert response.status_code == 200
    shown = rows(response.content.decode())
    assert shown, "the page opens with rows, before any search"
    kind, first = shown[0]
    assert kind == "log-read" and str(newest.citizen_id) in first
    assert world.caseworker.get_full_name() in first  # "Caseworker Testsen"
    assert ">caseworker<" not in first
    times = [row.at for row in response.context["page"].object_list]
    assert times == sorted(times, reverse=True)


def test_changes_from_the_change_history_are_shown_beside_reads_merged_by_time(world, login):
    before = access_log_write(user=world.caseworker, action="view", citizen=world.citizen)
    new = make_citizen(
        world.caseworker,
        first_name="Inger",
        last_name="Christensen",
        cpr=make_cpr(dt.date(1985, 5, 1)),
    )
    after = access_log_write(user=world.caseworker, action="view", citizen=world.citizen)
    change = ChangeRecord.objects.filter(citizen_id=new.pk).latest("id")
    page = login(world.administrator).get(reverse("audit:access_log")).context["page"]
    listed = [(getattr(row, "is_change", False), row.pk) for row in page.object_list]
    assert listed.index((False, after.pk)) < listed.index((True, change.pk))
    assert listed.index((True, change.pk)) < listed.index((False, before.pk))
    # Filtered by user, a person's changes come with their reads.
    searched = login(world.administrator).post(
        reverse("audit:access_log"), {"username": "caseworker"}
    )
    html = searched.content.decode()
    changes = [body for kind, body in rows(html) if kind == "log-change"]
    assert any(world.caseworker.get_full_name() in body for body in changes)
    assert all(str(new.pk) in body or "" for body in changes[:1])


def test_a_change_row_says_what_changed_in_words(world, login):
    page = login(world.administrator).get(reverse("audit:access_log"))
    changes = [b for kind, b in rows(page.content.decode()) if kind == "log-change"]
    assert changes
    # Not the model's code name ("citizens.Citizen") but its name in the interface.
    assert not any("citizens.Citizen" in body for body in changes)


def test_times_are_written_in_the_pages_language_without_a_fixed_pattern(world, login):
    entry = access_log_write(user=world.caseworker, action="view", citizen=world.citizen)
    client = login(world.administrator)
    with translation.override("da"):
        expected = formats.date_format(timezone.localtime(entry.at), "DATETIME_FORMAT")
    html = client.get(reverse("audit:access_log"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert expected in html
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", html.split("log-table")[1])


def test_paging_takes_the_same_number_of_queries_on_any_page(
    world, login, django_assert_num_queries
):
    for _ in range(60):
        access_log_write(user=world.caseworker, action="view", citizen=world.citizen)
    client = login(world.administrator)
    url = reverse("audit:access_log")
    client.get(url)  # the session warmed
    with django_assert_num_queries(10) as first:
        page_one = client.get(url)
    with django_assert_num_queries(len(first.captured_queries)):
        page_two = client.post(url, {"page": "2"})
    assert page_one.context["page"].number == 1 and page_two.context["page"].number == 2
    one = {(getattr(r, "is_change", False), r.pk) for r in page_one.context["page"].object_list}
    two = {(getattr(r, "is_change", False), r.pk) for r in page_two.context["page"].object_list}
    assert len(one) == 50 and not one & two
    total = AccessLogEntry.objects.count() + ChangeRecord.objects.count()
    assert page_one.context["page"].count <= total
