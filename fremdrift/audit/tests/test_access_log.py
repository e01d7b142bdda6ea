import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from fremdrift.accounts.models import Role
from fremdrift.audit.models import AccessLogEntry, AccessLogSubject
from fremdrift.audit.services import access_log_purge, access_log_write
from fremdrift.citizens import selectors
from fremdrift.core.exports import csv_table
from fremdrift.testing import make_user


def rows():
    return list(AccessLogEntry.objects.order_by("id"))


def test_viewing_a_citizen_writes_one_row(world, login):
    client = login(world.caseworker)
    before = AccessLogEntry.objects.count()
    assert client.get(reverse("citizens:detail", args=[world.citizen.pk])).status_code == 200
    new = rows()[before:]
    assert len(new) == 1
    assert (new[0].user, new[0].citizen_id, new[0].action) == (
        world.caseworker,
        world.citizen.pk,
        "view",
    )
    assert new[0].at <= timezone.now()


def test_showing_the_cpr_number_writes_one_row_with_the_purpose(world, login):
    client = login(world.caseworker)
    before = AccessLogEntry.objects.count()
    response = client.post(
        reverse("citizens:show_cpr", args=[world.citizen.pk]),
        {"purpose": "other", "note": "Telefon fra borger"},
        headers={"HX-Request": "true"},
    )
    assert selectors.citizen_cpr(world.citizen).formatted in response.content.decode()
    new = rows()[before:]
    assert [(r.action, r.citizen_id, r.purpose) for r in new] == [
        ("show_cpr", world.citizen.pk, "Andet (skriv hvorfor): Telefon fra borger")
    ]


def test_editing_writes_one_edit_row(world, login):
    client = login(world.caseworker)
    before = AccessLogEntry.objects.count()
    response = client.post(
        reverse("citizens:edit", args=[world.citizen.pk]),
        {
            "first_name": "Karen Christence",
            "last_name": "Blixen",
            "target_group": world.citizen.target_group.pk,
            "responsible_caseworker": world.caseworker.pk,
            "version": world.citizen.version,
            "cpr": "",
        },
    )
    assert response.status_code == 302
    new = rows()[before:]
    assert [(r.action, r.citizen_id) for r in new] == [("edit", world.citizen.pk)]


def test_refused_views_write_nothing(world, login):
    client = login(world.outsider)
    before = AccessLogEntry.objects.count()
    assert client.get(reverse("citizens:detail", args=[world.citizen.pk])).status_code == 404
    assert client.post(reverse("citizens:show_cpr", args=[world.citizen.pk])).status_code == 404
    assert AccessLogEntry.objects.count() == before


def test_a_search_logs_its_criterion_with_a_cpr_number_masked(world, login):
    client = login(world.caseworker)
    cpr = selectors.citizen_cpr(world.citizen)
    before = AccessLogEntry.objects.count()
    client.post(reverse("citizens:list"), {"q": cpr.digits})
    client.post(reverse("citizens:list"), {"q": "Blixen"})
    new = rows()[before:]
    assert [(r.action, r.criterion) for r in new] == [
        ("search", cpr.masked),
        ("search", "Blixen"),
    ]
    assert cpr.digits not in str(AccessLogEntry.objects.values_list())
    assert [s.citizen_id for s in AccessLogSubject.objects.filter(entry=new[0])] == [
        world.citizen.pk
    ]


def test_a_list_logs_which_citizens_it_showed(world, login):
    client = login(world.provider_staff)
    client.get(reverse("citizens:list"))
    entry = AccessLogEntry.objects.latest("id")
    assert entry.action == "list"
    assert set(entry.subjects.values_list("citizen_id", flat=True)) == {world.citizen.pk}


def test_rows_cannot_be_changed_even_by_code(world):
    entry = access_log_write(user=world.caseworker, action="view", citizen=world.citizen)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="covered up")
    entry.refresh_from_db()
    assert entry.purpose == ""


def test_no_url_edits_or_deletes_the_log(world, login):
    from django.urls import get_resolver

    names = [
        str(pattern.pattern)
        for pattern in get_resolver().url_patterns
        if "audit" in str(pattern.pattern)
    ]
    assert names == ["audit/"]
    from fremdrift.audit import urls

    assert {p.name for p in urls.urlpatterns} == {"access_log", "criterion", "export", "users"}
    from django.contrib import admin

    assert AccessLogEntry not in admin.site._registry


@override_settings(FREMDRIFT_ACCESS_LOG_RETENTION_DAYS=30)
def test_rows_older_than_the_retention_period_are_purged(world):
    now = timezone.now()
    old = access_log_write(user=world.caseworker, action="list", subjects=[world.citizen])
    recent = access_log_write(user=world.caseworker, action="view", citizen=world.citizen)
    # Nothing in the application can age a row, so the test moves the clock instead.
    assert access_log_purge(now=now + dt.timedelta(days=29)) == 0
    later = now + dt.timedelta(days=31)
    kept = AccessLogEntry.objects.filter(pk__in=[old.pk, recent.pk]).count()
    assert kept == 2
    purged = access_log_purge(now=later)
    assert purged >= 2
    assert not AccessLogEntry.objects.filter(pk__in=[old.pk, recent.pk]).exists()
    assert not AccessLogSubject.objects.filter(entry_id=old.pk).exists()


def test_purge_command_reports_what_it_did(world, capsys):
    from django.core.management import call_command

    call_command("purge_access_log")
    assert "Deleted 0 access-log rows" in capsys.readouterr().out


def test_administrator_searches_by_cpr_user_and_period(world, login):
    login(world.caseworker).get(reverse("citizens:detail", args=[world.citizen.pk]))
    login(world.colleague).get(reverse("citizens:detail", args=[world.teammates_citizen.pk]))
    client = login(world.administrator)
    cpr = selectors.citizen_cpr(world.citizen).formatted
    response = client.post(reverse("audit:access_log"), {"cpr": cpr})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Caseworker Testsen" in page and "Colleague Testsen" not in page
    assert cpr not in page.replace('value="' + cpr + '"', "")
    by_user = client.post(reverse("audit:access_log"), {"username": "colleague"})
    table = by_user.content.decode().split('data-testid="log-table"')[1]
    assert "Colleague Testsen" in table and "Caseworker Testsen" not in table
    today = timezone.localdate().isoformat()
    in_period = client.post(
        reverse("audit:access_log"), {"username": "colleague", "date_from": today}
    )
    # The colleague's one read, beside the change they made registering their citizen.
    shown = in_period.context["page"].object_list
    assert [getattr(row, "is_change", False) for row in shown].count(False) == 1
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    after = client.post(
        reverse("audit:access_log"), {"username": "colleague", "date_from": tomorrow}
    )
    assert after.context["page"].paginator.count == 0


def test_search_form_names_the_wrong_field(world, login):
    client = login(world.administrator)
    response = client.post(
        reverse("audit:access_log"),
        {"cpr": "123", "date_from": "2026-02-01", "date_to": "2026-01-01"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"cpr", "date_to"}


def test_a_citizens_log_exports_as_csv_and_the_export_is_logged(world, login):
    login(world.caseworker).post(
        reverse("citizens:show_cpr", args=[world.citizen.pk]),
        {"purpose": "other", "note": "Opstart"},
    )
    client = login(world.administrator)
    response = client.post(reverse("audit:export", args=[world.citizen.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = csv_table(response.content)
    assert len(rows[0]) == 5
    assert any("Opstart" in ";".join(r) and "Jobcenter Nord" in ";".join(r) for r in rows[1:])
    assert selectors.citizen_cpr(world.citizen).digits not in text
    assert AccessLogEntry.objects.latest("id").action == "export"


def test_name_searches_are_masked_until_an_administrator_opens_one_on_purpose(world, login):
    login(world.caseworker).get(reverse("citizens:list"), {"q": "Blixen Karen"})
    search = AccessLogEntry.objects.get(action="search")
    assert search.criterion == "Blixen Karen"
    admin = login(world.administrator)
    page = admin.post(reverse("audit:access_log"), {"username": "caseworker"}).content.decode()
    assert "B… K…" in page and "Blixen Karen" not in page

    opened = admin.post(reverse("audit:criterion", args=[search.pk]))
    assert opened.status_code == 200 and "Blixen Karen" in opened.content.decode()
    trace = AccessLogEntry.objects.latest("id")
    assert trace.user == world.administrator and str(search.pk) in trace.purpose


def test_only_the_organisations_administrators_open_a_search_criterion(world, login):
    login(world.caseworker).get(reverse("citizens:list"), {"q": "Blixen"})
    search = AccessLogEntry.objects.get(action="search")
    syd_admin = make_user("sydadmin", world.syd, Role.ADMINISTRATOR)
    assert login(syd_admin).post(reverse("audit:criterion", args=[search.pk])).status_code == 404
    assert (
        login(world.caseworker).post(reverse("audit:criterion", args=[search.pk])).status_code
        == 403
    )
