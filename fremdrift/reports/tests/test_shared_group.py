"""The sharing authority's reports (issue 25 §3): "the sharing authority can report on the
citizens shared with it, under the small-cell rule", while "group reports count a citizen for
the home organisation". The group `shared` ("Borgere, som andre myndigheder deler med os")
holds one unit per follow of the report's instrument by a citizen whose case is shared with
the manager's organisation today, as `citizens_in_scope` decides for its caseworkers.

Jobcenter Nord's caseworker has eight citizens who follow the adult wheel with a baseline and
a follow-up. Nord shares six of them with Socialforvaltningen today, has shared a seventh
whose share has ended, and shares the eighth from tomorrow; Socialforvaltningen has one
citizen of its own who follows the wheel."""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from fremdrift.accounts.models import Role
from fremdrift.api.tests.test_reports_api import queries
from fremdrift.assessments import services as assessment_services
from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.services import case_share_create, case_share_end
from fremdrift.core.exports import csv_about, csv_table
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import ENROLMENTS, FOLLOWS, SHARED, Filters, cohort_units
from fremdrift.reports.progression import progression_report
from fremdrift.reports.quality import quality_report
from fremdrift.reports.tests.test_progression import record, wheel
from fremdrift.reports.tests.test_small_cells import says_only_too_few
from fremdrift.testing import make_citizen, make_organisation, make_programme, make_user

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=200)
# The reports that take a group, with the page's and the API's query (`queries`); the
# comparison of a group of follows compares target groups, not programmes.
GROUP_REPORTS = ["progression", "comparison", "agreement", "quality"]
FORMATS = ["page", "csv", "xlsx", "svg", "json"]


def follower(owner, name: str, level: int, *, instrument=None):
    """A citizen of `owner`'s who follows the wheel from START, scored `level` at the start
    and two steps higher 60 days on."""
    citizen = make_citizen(owner, first_name=name)
    assessment_services.follow_start(
        actor=owner,
        citizen=citizen,
        instrument=instrument or wheel(),
        start_date=START,
        every_days=14,
    )
    record(owner, citizen, START, level)
    record(owner, citizen, START + dt.timedelta(days=60), level + 2)
    return citizen


def share(world, citizen, **extra):
    return case_share_create(
        actor=world.caseworker,
        citizen=citizen,
        shared_with=world.social,
        purpose="Koordineret indsats om bolig og beskæftigelse",
        start_date=extra.pop("start_date", TODAY - dt.timedelta(days=10)),
        **extra,
    )


@pytest.fixture
def social(world):
    """Socialforvaltningen, its caseworker and manager, and what Nord shares with it."""
    world.social = make_organisation("Socialforvaltningen")
    world.social_worker = make_user("socialworker", world.social, Role.CASEWORKER)
    world.social_manager = make_user("socialmanager", world.social, Role.MANAGER)
    nord = [follower(world.caseworker, f"Delt{n}", 3 + n % 3) for n in range(8)]
    world.shares = [share(world, citizen) for citizen in nord[:6]]
    ended = share(world, nord[6], start_date=TODAY - dt.timedelta(days=40))
    case_share_end(actor=world.caseworker, share=ended)
    share(world, nord[7], start_date=TODAY + dt.timedelta(days=1))
    world.shared = nord[:6]
    world.ended, world.not_yet = nord[6], nord[7]
    world.nord_followers = nord
    world.own = follower(world.social_worker, "Egen", 4)
    return world


def shared(**kwargs) -> Filters:
    return Filters(group=SHARED, instrument=wheel().pk, **kwargs)


def ids(citizens) -> set[int]:
    return {c.pk for c in citizens}


def citizens_of(user, filters: Filters) -> set[int]:
    return set(cohort_units(user, filters).values_list("citizen_id", flat=True))


def page_query(report: str) -> dict:
    _api, page = queries(report)
    if report == "comparison":
        page = page | {"by": "target_group"}
    return page | {"group": SHARED}


def api_query(report: str) -> dict:
    api, _page = queries(report)
    if report == "comparison":
        api = api | {"by": "target_group"}
    return api | {"group": SHARED}


# The cohort


def test_the_shared_group_holds_only_the_citizens_shared_today(social):
    w = social
    assert citizens_of(w.social_manager, shared()) == ids(w.shared)
    # Every follow, one unit each, as the group of the organisation's own followers.
    assert cohort_units(w.social_manager, shared()).count() == 6
    # The authority's own groups hold none of them: they count for their home organisation.
    assert citizens_of(w.social_manager, Filters(group=FOLLOWS)) == {w.own.pk}
    assert not citizens_of(w.social_manager, Filters(group=ENROLMENTS))
    # Another authority's manager, and a caseworker, report on none of them.
    assert not citizens_of(w.manager, shared())
    assert not citizens_of(w.social_worker, shared())


def test_the_home_organisation_still_counts_its_shared_citizens(social):
    w = social
    programme = make_programme(w.nord, name="Nordforløb")
    for citizen in w.shared:
        programme_services.enrolment_create(
            actor=w.caseworker, citizen=citizen, programme=programme, start_date=START
        )
    assert citizens_of(w.manager, Filters(group=FOLLOWS)) == ids(w.nord_followers)
    assert citizens_of(w.manager, Filters()) == ids(w.shared)
    report = progression_report(w.manager, Filters(group=FOLLOWS), instrument=wheel())
    assert report.cohort_size == 8 and report.with_both == 8
    # Enrolled in Nord's programme, the shared citizens are still in no report of
    # Socialforvaltningen's but the shared group.
    assert not citizens_of(w.social_manager, Filters())
    assert citizens_of(w.social_manager, Filters(group=FOLLOWS)) == {w.own.pk}


def test_the_shared_groups_reports_count_only_the_shared_citizens(social):
    w = social
    report = progression_report(w.social_manager, shared(), instrument=wheel())
    assert report.of_follows
    assert (report.cohort_size, report.with_baseline, report.with_both) == (6, 6, 6)
    assert report.total.mean_change == pytest.approx(16.0)  # two steps on each of 8 items
    quality = quality_report(w.social_manager, Filters(group=SHARED))
    assert quality.of_follows and quality.enrolments == 6


def test_an_ended_share_drops_out_at_once(social, login):
    w = social
    client = login(w.social_manager)
    url = reverse("reports:progression")
    query = page_query("progression")
    assert client.get(url, query).context["report"].cohort_size == 6
    case_share_end(actor=w.caseworker, share=w.shares[0])
    assert client.get(url, query).context["report"].cohort_size == 5
    assert citizens_of(w.social_manager, shared()) == ids(w.shared[1:])
    case_share_end(actor=w.caseworker, share=w.shares[1])
    page = client.get(url, query)
    assert page.status_code == 200
    assert page.context["too_few"] and page.context["report"] is None
    assert "For få borgere til at vise resultater" in page.content.decode()


# Pages, files and the API


def test_the_page_says_it_shows_the_shared_citizens(social, login):
    w = social
    client = login(w.social_manager)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reports:progression"), page_query("progression"))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "The group: citizens whose case another authority shares with us, who follow "
        f"{wheel().name}." in html
    )
    assert "The report covers 6 citizens who follow the instrument" in html
    assert 'data-testid="report"' in html
    for name in ("Delt0", "Egen", "Blixen"):
        assert name not in html
    quality = client.get(reverse("reports:quality"), {"group": SHARED}).content.decode()
    assert (
        "The group: citizens whose case another authority shares with us, who follow an "
        "instrument." in quality
    )


def test_the_exports_and_the_api_report_the_shared_citizens(social, login, bearer, client):
    w = social
    web = login(w.social_manager)
    url = reverse("reports:progression")
    file = web.get(url, page_query("progression") | {"format": "csv"})
    assert file.status_code == 200
    rows = csv_table(file.content)
    assert rows[1][1] == "6"  # the first item's citizens with both
    assert "6" in [row[-1] for row in csv_about(file.content)]  # the group's size
    book = load_workbook(
        io.BytesIO(web.get(url, page_query("progression") | {"format": "xlsx"}).content)
    )
    assert book.worksheets[0].cell(row=2, column=2).value == 6
    svg = web.get(url, page_query("progression") | {"format": "svg"})
    assert svg.status_code == 200 and b"<circle" in svg.content
    assert "For få borgere".encode() not in svg.content
    client.logout()
    headers = bearer(w.social_manager)
    answer = client.get("/api/v1/reports/progression", api_query("progression"), **headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["group"] == SHARED and body["citizens"] == 6 and body["enrolments"] == 6
    refused = client.get(
        "/api/v1/reports/comparison", api_query("comparison") | {"by": "programme"}, **headers
    )
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["detail"]] == ["by"]


@pytest.mark.parametrize("report", GROUP_REPORTS)
def test_every_report_of_a_group_reports_on_the_shared_citizens(
    social, login, bearer, client, report
):
    w = social
    headers = bearer(w.social_manager)
    web = login(w.social_manager)
    page = web.get(reverse(f"reports:{report}"), page_query(report))
    assert page.status_code == 200
    assert "For få borgere" not in page.content.decode()
    assert 'value="shared" selected' in page.content.decode()
    client.logout()
    answer = client.get(f"/api/v1/reports/{report}", api_query(report), **headers).json()
    assert answer["group"] == SHARED and answer["citizens"] == 6


@pytest.mark.parametrize("report", GROUP_REPORTS)
def test_a_small_shared_group_shows_only_that_it_is_too_small(
    social, login, bearer, client, report
):
    """Three of the six shares end: 3 citizens, in every output of every report of a group
    only "For få borgere …" and no figure."""
    w = social
    for one in w.shares[:3]:
        case_share_end(actor=w.caseworker, share=one)
    headers = bearer(w.social_manager)
    web = login(w.social_manager)
    url = reverse(f"reports:{report}")
    got = {"page": web.get(url, page_query(report)).content.decode()}
    for export in ("csv", "xlsx", "svg"):
        got[export] = web.get(url, page_query(report) | {"format": export})
    client.logout()
    got["json"] = client.get(f"/api/v1/reports/{report}", api_query(report), **headers).json()
    for export in FORMATS:
        assert says_only_too_few(export, got[export]), (report, export)


def test_a_citizen_with_several_follows_is_one_citizen_under_the_small_cell_rule(social, login):
    """The rule counts citizens, not units: three shared citizens who each follow two
    instruments are three, too few, on the page of the quality report (every instrument
    followed) as in the API."""
    w = social
    for one in w.shares[:3]:
        case_share_end(actor=w.caseworker, share=one)
    youth = Instrument.objects.get(code="youth_focus_areas")
    for citizen in w.shared[3:]:
        assessment_services.follow_start(
            actor=w.caseworker, citizen=citizen, instrument=youth, start_date=START, every_days=91
        )
    assert cohort_units(w.social_manager, Filters(group=SHARED)).count() == 6
    page = login(w.social_manager).get(reverse("reports:quality"), {"group": SHARED})
    assert page.context["too_few"]
    assert 'data-testid="report"' not in page.content.decode()


def test_the_same_holds_for_a_citizen_enrolled_twice(world, login):
    """Three citizens with two enrolments each are three citizens: too few (the page's rule
    counted enrolments before)."""
    first = make_programme(world.nord, name="Første")
    second = make_programme(world.nord, name="Andet")
    for n in range(3):
        citizen = follower(world.caseworker, f"Tostartet{n}", 4)
        for programme in (first, second):
            programme_services.enrolment_create(
                actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
            )
    client = login(world.manager)
    query = {"instrument": wheel().pk, "horizon": "latest"}
    page = client.get(reverse("reports:progression"), query)
    assert page.context["too_few"]
    file = client.get(reverse("reports:progression"), query | {"format": "csv"})
    assert says_only_too_few("csv", file)


# The choice on the forms


def test_the_choice_is_offered_to_an_organisation_with_shares_only(social, login, bearer, client):
    w = social
    for report in GROUP_REPORTS:
        shared_with = login(w.social_manager).get(reverse(f"reports:{report}"))
        assert 'value="shared"' in shared_with.content.decode(), report
        home = login(w.manager).get(reverse(f"reports:{report}"))
        assert 'value="shared"' not in home.content.decode(), report
    # Nord has shared cases but received none: the group is no choice, a 400 naming it.
    refused = login(w.manager).get(reverse("reports:progression"), page_query("progression"))
    assert refused.status_code == 400 and "group" in refused.context["form"].errors
    client.logout()
    api = client.get("/api/v1/reports/progression", api_query("progression"), **bearer(w.manager))
    assert api.status_code == 400
    assert [e["field"] for e in api.json()["detail"]] == ["group"]


def test_an_instrument_no_shared_citizen_follows_is_refused_by_name(social, login):
    w = social
    client = login(w.social_manager)
    client.cookies["django_language"] = "en"
    youth = Instrument.objects.get(code="youth_focus_areas")
    query = page_query("progression") | {"instrument": youth.pk}
    refused = client.get(reverse("reports:progression"), query)
    assert refused.status_code == 400
    assert "instrument" in refused.context["form"].errors
    assert (
        "None of the citizens shared with the organisation follows this instrument."
        in refused.content.decode()
    )
    programme = make_programme(w.social, name="Socialforløb")
    by_programme = client.get(
        reverse("reports:progression"), page_query("progression") | {"programme": programme.pk}
    )
    assert by_programme.status_code == 400
    assert "programme" in by_programme.context["form"].errors


def test_the_dataset_of_the_shared_group_holds_only_them(social, login):
    w = social
    w.social_manager.user_permissions.add(Permission.objects.get(codename="export_dataset"))
    client = login(w.social_manager)
    response = client.post(
        reverse("reports:dataset"),
        {
            "group": SHARED,
            "instrument": wheel().pk,
            "shape": "wide",
            "file_format": "csv",
            "purpose": "Evaluering af samarbejdet om delte sager",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[0] == "pseudonym"
    # Six citizens, each at the baseline and the follow-up: one row per time point.
    assert len({row[0] for row in rows}) == 6 and len(rows) == 12
    assert "Delt" not in text and "Egen" not in text
    entry = AccessLogEntry.objects.get(action="export", user=w.social_manager)
    assert set(entry.subjects.values_list("citizen_id", flat=True)) == ids(w.shared)


def test_a_report_opens_for_an_authority_with_nothing_but_shared_citizens(db, login):
    """An authority whose only citizens are shared with it: its reports open on their
    defaults (enrolments: nobody), and the shared group is one choice away."""
    w = SimpleNamespace()
    home = make_organisation("Jobcenter Vest")
    w.caseworker = make_user("vestworker", home, Role.CASEWORKER)
    w.social = make_organisation("Socialforvaltningen Vest")
    manager = make_user("vestmanager", w.social, Role.MANAGER)
    for n in range(5):
        share(w, follower(w.caseworker, f"Vest{n}", 3))
    client = login(manager)
    opening = client.get(reverse("reports:progression"))
    assert opening.status_code == 200
    assert 'value="shared"' in opening.content.decode()
    chosen = client.get(reverse("reports:progression"), page_query("progression"))
    assert chosen.context["report"].cohort_size == 5
