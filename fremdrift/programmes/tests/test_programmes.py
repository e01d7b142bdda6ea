"""Programmes, enrolments, exits and milestones: rules read from the data, the payment
report, and the programme pages."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fremdrift.accounts.models import User
from fremdrift.audit.models import AccessLogEntry
from fremdrift.codelists.models import Code
from fremdrift.core.exports import csv_table
from fremdrift.instruments.models import Instrument
from fremdrift.plans import services as plan_services
from fremdrift.plans.models import Activity
from fremdrift.programmes import selectors, services
from fremdrift.programmes.models import Enrolment, MilestoneConfirmation
from fremdrift.referrals import services as referral_services
from fremdrift.referrals.models import Referral
from fremdrift.testing import make_citizen, make_programme

TODAY = dt.date.today()


def code(code_list, value):
    return Code.objects.filter(code_list=code_list, code=value).first()


def exit_reason(value):
    return Code.objects.get(code_list="exit_reason", code=value, parent__isnull=False)


@pytest.fixture
def kvik(world):
    return make_programme(world.vaekst)


def enrol(world, kvik, citizen=None, start=dt.date(2026, 1, 5)):
    return services.enrolment_create(
        actor=world.caseworker, citizen=citizen or world.citizen, programme=kvik, start_date=start
    )


def reached(enrolment) -> dict[str, dt.date]:
    enrolment.refresh_from_db()
    entry = selectors.milestones_reached([enrolment])[enrolment.pk]
    return {r.milestone.code: r.on for r in entry.reached}


def test_milestone_rules_reach_milestones_on_the_dates_the_data_tell(world, kvik):
    enrolment = enrol(world, kvik)
    assert reached(enrolment) == {"started": dt.date(2026, 1, 5)}
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    # A coordinated clarification before the enrolment does not count; the first after does.
    for day in (dt.date(2025, 12, 1), dt.date(2026, 2, 10), dt.date(2026, 3, 1)):
        plan_services.meeting_record(
            actor=world.caseworker,
            plan=plan,
            kind=code("meeting_kind", "coordinated_clarification"),
            date=day,
            citizen_attended=True,
        )
    plan_services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Et job i et køkken",
        is_end_goal=True,
        category=code("end_goal_category", "job"),
        at=timezone.make_aware(dt.datetime(2026, 2, 1, 10)),
    )
    plan_services.mentor_assign(
        actor=world.caseworker,
        plan=plan,
        kind=code("mentor_kind", "social"),
        name="Lone Dahl",
        start_date=dt.date(2026, 2, 20),
    )
    plan_services.activity_create(
        actor=world.caseworker,
        plan=plan,
        sector=code("activity_sector", "employment"),
        kind=Code.objects.get(code_list="activity_type", code="internship_single"),
        purpose="Praktik i kantinen",
        start_date=dt.date(2026, 4, 6),
        weekly_hours="12",
    )
    assert reached(enrolment) == {
        "started": dt.date(2026, 1, 5),
        "coordinated_clarification": dt.date(2026, 2, 10),
        "plan_with_mentor": dt.date(2026, 2, 20),  # the plan had goals; the mentor came later
        "company_offer_or_job_education": dt.date(2026, 4, 6),
    }


def test_an_exit_to_a_job_reaches_the_job_milestone_on_the_exit_date(world, kvik):
    enrolment = enrol(world, kvik)
    referral_services.enrolment_end(
        actor=world.caseworker,
        enrolment=enrolment,
        expected_version=enrolment.version,
        end_date=dt.date(2026, 5, 31),
        exit_reason=exit_reason("job"),
    )
    assert reached(enrolment)["company_offer_or_job_education"] == dt.date(2026, 5, 31)


def test_a_manual_milestone_is_confirmed_once_with_its_date_and_who(world, login):
    programme = make_programme(
        world.vaekst,
        name="CTI",
        milestones=[
            {"code": "start", "label": "Start", "share": 50, "rule": "started"},
            {"code": "handover", "label": "Overdraget", "share": 50, "rule": "manual"},
        ],
    )
    enrolment = enrol(world, programme)
    handover = programme.milestones.get(code="handover")
    started = programme.milestones.get(code="start")
    client = login(world.caseworker)
    url = reverse("enrolments:confirm", args=[world.citizen.pk, enrolment.pk])
    assert (
        client.post(url, {"milestone": handover.pk, "reached_on": "2026-03-01"}).status_code == 302
    )
    confirmation = MilestoneConfirmation.objects.get()
    assert (confirmation.reached_on, confirmation.confirmed_by) == (
        dt.date(2026, 3, 1),
        world.caseworker,
    )
    for milestone, day, message in (
        (handover, dt.date(2026, 3, 2), "allerede bekræftet"),
        (started, dt.date(2026, 3, 2), "efter en regel"),
        (handover, dt.date(2025, 1, 1), "inden for forløbet"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.milestone_confirm(
                actor=world.caseworker, enrolment=enrolment, milestone=milestone, reached_on=day
            )
    assert MilestoneConfirmation.objects.count() == 1
    page = client.get(reverse("citizens:detail", args=[world.citizen.pk])).content.decode()
    assert "Overdraget, 01.03.2026 (bekræftet af Caseworker Testsen)" in page


def test_the_payment_report_sums_to_the_programmes_shares(world, login, kvik):
    citizens = [world.citizen] + [
        make_citizen(world.caseworker, first_name=f"Borger{n}") for n in range(3)
    ]
    for n, citizen in enumerate(citizens):
        enrolment = enrol(world, kvik, citizen=citizen, start=dt.date(2026, 1, 10 + n))
    # One exit to education inside the quarter, one enrolment that starts in the next.
    referral_services.enrolment_end(
        actor=world.caseworker,
        enrolment=enrolment,
        expected_version=enrolment.version,
        end_date=dt.date(2026, 3, 20),
        exit_reason=exit_reason("education"),
    )
    enrol(world, kvik, citizen=world.teammates_citizen, start=dt.date(2026, 4, 2))
    report = selectors.payment_report(
        world.provider_staff, provider=world.vaekst, year=2026, quarter=1
    )
    lines = {line.milestone.code: (line.citizens, line.amount) for line in report.lines}
    assert lines == {
        "started": (4, Decimal("16000.00")),  # 4 x 40,000 x 10 %
        "coordinated_clarification": (0, Decimal("0.00")),
        "plan_with_mentor": (0, Decimal("0.00")),
        "company_offer_or_job_education": (1, Decimal("12000.00")),  # 1 x 40,000 x 30 %
    }
    assert report.total == Decimal("28000.00")

    client = login(world.provider_staff)
    query = {"provider": world.vaekst.pk, "year": 2026, "quarter": 1}
    page = client.get(reverse("programmes:payments"), query).content.decode()
    assert "28.000,00" in page
    raw = client.get(reverse("programmes:payments"), query | {"format": "csv"}).content
    assert raw.startswith("\ufeff".encode())
    rows = csv_table(raw)
    assert rows[-1][0] == "I alt" and rows[-1][-1] == "28000,00"
    book = client.get(reverse("programmes:payments"), query | {"format": "xlsx"})
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "I alt"]
    assert values[0][-1] == 28000.0


def test_the_payment_report_of_an_authority_counts_only_its_own_citizens(world, kvik):
    enrol(world, kvik)
    enrol(world, kvik, citizen=world.foreign_citizen)
    for user, expected in ((world.caseworker, 1), (world.outsider, 1), (world.provider_staff, 2)):
        report = selectors.payment_report(user, provider=world.vaekst, year=2026, quarter=1)
        assert report.lines[0].citizens == expected
    report = selectors.payment_report(
        world.other_provider_staff, provider=world.vaekst, year=2026, quarter=1
    )
    assert report.lines[0].citizens == 0


def test_an_exit_closes_referrals_and_a_new_enrolment_keeps_the_history(world, login, kvik):
    referral = referral_services.referral_create(
        actor=world.caseworker,
        citizen=world.teammates_citizen,
        programme=kvik,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=TODAY - dt.timedelta(days=60),
        starting_scores={"health_for_work": 3},
    )
    citizen = world.teammates_citizen
    enrolment = Enrolment.objects.get(citizen=citizen, programme=kvik)
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=citizen)
    activity = plan_services.activity_create(
        actor=world.caseworker,
        plan=plan,
        sector=code("activity_sector", "health"),
        kind=Code.objects.get(code_list="activity_type", code="physiotherapy"),
        purpose="Genoptræning",
        start_date=TODAY - dt.timedelta(days=30),
    )
    assert (
        login(world.provider_staff).get(reverse("citizens:detail", args=[citizen.pk])).status_code
        == 200
    )
    client = login(world.caseworker)
    response = client.post(
        reverse("enrolments:exit", args=[citizen.pk, enrolment.pk]),
        {
            "version": enrolment.version,
            "end_date": TODAY.isoformat(),
            "exit_reason": exit_reason("sick").pk,
            "close_plan": "on",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    enrolment.refresh_from_db()
    activity = Activity.objects.get(pk=activity.pk)
    assert referral.status == Referral.Status.ENDED and referral.end_date == TODAY
    assert (enrolment.status, enrolment.exit_reason.code) == ("ended", "sick")
    assert activity.end_date == TODAY
    assert (
        login(world.provider_staff).get(reverse("citizens:detail", args=[citizen.pk])).status_code
        == 404
    )
    again = services.enrolment_create(
        actor=world.caseworker, citizen=citizen, programme=kvik, start_date=TODAY
    )
    history = list(Enrolment.objects.filter(citizen=citizen).order_by("id"))
    assert history == [enrolment, again]
    assert history[0].exit_reason.code == "sick" and history[1].status == "active"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"exit_reason": ""}, "exit_reason", "Vælg årsagen"),
        ({"end_date": "2025-12-31"}, "end_date", "før startdatoen"),
        ({"end_date": ""}, "end_date", ""),
    ],
)
def test_a_bad_exit_names_the_field_and_changes_nothing(world, login, kvik, data, field, message):
    enrolment = enrol(world, kvik)
    post = {
        "version": enrolment.version,
        "end_date": "2026-03-01",
        "exit_reason": exit_reason("job").pk,
    } | data
    response = login(world.caseworker).post(
        reverse("enrolments:exit", args=[world.citizen.pk, enrolment.pk]), post
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in html and message in html
    enrolment.refresh_from_db()
    assert enrolment.status == "active" and enrolment.exit_reason is None


def test_a_stale_exit_form_is_refused(world, login, kvik):
    enrolment = enrol(world, kvik)
    response = login(world.caseworker).post(
        reverse("enrolments:exit", args=[world.citizen.pk, enrolment.pk]),
        {
            "version": enrolment.version - 1 or 99,
            "end_date": "2026-03-01",
            "exit_reason": exit_reason("job").pk,
        },
    )
    assert response.status_code == 409 and "En anden har ændret" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_a_second_active_enrolment_in_the_same_programme_is_refused(world, kvik):
    enrol(world, kvik)
    with pytest.raises(ValidationError, match="allerede indskrevet"):
        enrol(world, kvik)
    assert Enrolment.objects.count() == 1


def test_a_programme_with_shares_over_100_is_refused(world):
    with pytest.raises(ValidationError, match="højst 100"):
        make_programme(
            world.vaekst,
            milestones=[
                {"code": "a", "label": "A", "share": 60, "rule": "started"},
                {"code": "b", "label": "B", "share": 50, "rule": "manual"},
            ],
        )


@pytest.mark.parametrize(
    "role",
    [
        "provider_staff",
        "other_provider_staff",
        "caseworker",
        "outsider",
        "manager",
        "administrator",
    ],
)
def test_it_checks_ownership(world, login, kvik, role):
    """The programme pages are for the staff of the organisation that runs the programme."""
    enrol(world, kvik)
    client = login(getattr(world, role))
    detail = client.get(reverse("programmes:detail", args=[kvik.pk]))
    assert detail.status_code == (200 if role == "provider_staff" else 404)
    listing = client.get(reverse("programmes:list"))
    assert listing.status_code == (404 if role == "administrator" else 200)
    # Provider staff see their own programme; caseworkers see it among those they may refer
    # to (issue 26), without its page.
    assert (kvik.name in listing.content.decode()) == (
        role in ("provider_staff", "caseworker", "outsider")
    )


def test_the_programme_page_shows_who_is_enrolled_due_without_plan_and_exits(world, login, kvik):
    referral_services.referral_create(
        actor=world.caseworker,
        citizen=world.teammates_citizen,
        programme=kvik,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=TODAY - dt.timedelta(days=30),
        interval_days=14,
        starting_scores={"health_for_work": 3},
    )
    left = enrol(world, kvik, citizen=world.ended_citizen, start=TODAY - dt.timedelta(days=50))
    referral_services.enrolment_end(
        actor=world.caseworker,
        enrolment=left,
        expected_version=left.version,
        end_date=TODAY - dt.timedelta(days=3),
        exit_reason=exit_reason("moved"),
    )
    html = (
        login(world.provider_staff)
        .get(reverse("programmes:detail", args=[kvik.pk]))
        .content.decode()
    )
    due = html[html.index('data-testid="due"') :]
    assert "Tove Ditlevsen" in due[: due.index("</ul>")]
    no_plan = html[html.index('data-testid="without-plan"') :]
    assert "Tove Ditlevsen" in no_plan[: no_plan.index("</ul>")]
    exits = html[html.index('data-testid="exits"') :]
    # The provider no longer sees the citizen who left: the exit shows without a name.
    assert "Herman" not in exits and f"Forløb {left.pk}" in exits and "Fraflyttet" in exits


def test_an_enrolment_starts_the_programmes_cadence_unless_one_runs(world, kvik):
    from fremdrift.assessments.models import Follow

    enrol(world, kvik)
    follow = Follow.objects.get(citizen=world.citizen, is_active=True)
    assert follow.instrument.code == "adult_wheel" and follow.cadences.get().every_days == 14
    other = make_programme(world.trivsel, name="CTI")
    enrol(world, other)
    assert Follow.objects.filter(citizen=world.citizen).count() == 1


@pytest.mark.parametrize("role", ["provider_staff", "caseworker", "manager", "administrator"])
def test_the_payment_page_checks_ownership(world, login, kvik, role):
    enrol(world, kvik)
    response = login(getattr(world, role)).get(
        reverse("programmes:payments"), {"provider": world.vaekst.pk, "year": 2026, "quarter": 1}
    )
    assert response.status_code == (404 if role == "administrator" else 200)
    if role != "administrator":
        # The caseworker's and manager's organisation referred this citizen: they see the count.
        assert "4.000,00" in response.content.decode()


def test_the_programme_page_query_count_does_not_grow(
    world, login, kvik, django_assert_num_queries
):
    client = login(world.provider_staff)
    url = reverse("programmes:detail", args=[kvik.pk])
    for n in range(5):
        if n == 1:
            client.get(url)
            with django_assert_num_queries(NUM_QUERIES):
                client.get(url)
        citizen = make_citizen(world.caseworker, first_name=f"Ekstra{n}")
        referral_services.referral_create(
            actor=world.caseworker,
            citizen=citizen,
            programme=kvik,
            instrument=Instrument.objects.get(code="adult_wheel"),
            start_date=TODAY - dt.timedelta(days=20),
            interval_days=14,
            starting_scores={"health_for_work": 3},
        )
    with django_assert_num_queries(NUM_QUERIES):
        html = client.get(url).content.decode()
    assert html.count("Ekstra") >= 5


NUM_QUERIES = 26


def test_staff_of_the_programme_or_a_caseworker_is_made_responsible(world, login, kvik):
    enrolment = enrol(world, kvik)
    url = reverse("enrolments:assign", args=[world.citizen.pk, enrolment.pk])
    client = login(world.caseworker)
    page = client.get(reverse("citizens:detail", args=[world.citizen.pk])).content.decode()
    assert 'data-testid="assign-form"' in page
    response = client.post(url, {"responsible": world.provider_staff.pk, "version": 1})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.responsible == world.provider_staff and enrolment.version == 2
    # Someone outside the programme and the citizen's authority cannot be chosen; a stale
    # form changes nothing.
    client.post(url, {"responsible": world.outsider.pk, "version": 2})
    client.post(url, {"responsible": world.colleague.pk, "version": 1})
    enrolment.refresh_from_db()
    assert enrolment.responsible == world.provider_staff
    with pytest.raises(ValidationError):
        services.enrolment_assign(
            actor=world.caseworker,
            enrolment=enrolment,
            expected_version=enrolment.version,
            responsible=world.other_provider_staff,
        )
    assert (
        login(world.job_consultant).post(url, {"responsible": "", "version": 2}).status_code == 403
    )


def test_each_organisation_opens_only_the_payments_it_may_see(world, login, kvik):
    """Every user of every organisation against every provider: a provider's or project's
    staff see their own programmes' payments only; an authority's caseworkers and managers
    those of providers its own citizens were enrolled with, counting its own citizens only.
    Another provider's programmes, milestones and prices are never shown."""
    make_programme(world.trivsel, name="Trivselsforløb", price="99999")
    enrol(world, kvik)
    providers = [world.vaekst, world.trivsel]
    users = User.objects.filter(is_active=True).select_related("organisation")
    assert {u.organisation.kind for u in users} >= {"authority", "provider"}
    for user in users:
        client = login(user)
        for provider in providers:
            response = client.get(
                reverse("programmes:payments"),
                {"provider": provider.pk, "year": 2026, "quarter": 1},
            )
            page = response.content.decode()
            own = user.organisation_id == provider.pk and user.role == "provider_staff"
            refers = (
                user.organisation.kind == "authority"
                and user.role in ("caseworker", "manager")
                and provider == world.vaekst
                and user.organisation_id == world.citizen.home_organisation_id
            )
            if own or refers:
                assert response.status_code == 200, (user, provider)
                assert 'data-testid="payment-table"' in page
            else:  # 404 to those who read no programmes, else the field refuses it
                assert response.status_code in (400, 404), (user, provider)
                assert 'data-testid="payment-table"' not in page
                assert "Trivselsforløb" not in page and "99.999" not in page


def test_the_payment_specification_adds_up_to_the_total(world, login, kvik):
    """Finance checks the quarter: per enrolment (its number, no name) each milestone reached
    with its date and amount, adding up to the total, on the page and in the CSV."""
    citizens = [world.citizen] + [
        make_citizen(world.caseworker, first_name=f"Specifikation{n}") for n in range(2)
    ]
    enrolments = [
        enrol(world, kvik, citizen=c, start=dt.date(2026, 2, 1 + n)) for n, c in enumerate(citizens)
    ]
    report = selectors.payment_report(
        world.provider_staff, provider=world.vaekst, year=2026, quarter=1
    )
    assert [(i.enrolment_id, i.milestone.code, i.reached_on, i.amount) for i in report.items] == [
        (e.pk, "started", dt.date(2026, 2, 1 + n), Decimal("4000.00"))
        for n, e in enumerate(enrolments)
    ]
    assert sum(i.amount for i in report.items) == report.total == Decimal("12000.00")

    client = login(world.provider_staff)
    query = {"provider": world.vaekst.pk, "year": 2026, "quarter": 1}
    page = client.get(reverse("programmes:payments"), query).content.decode()
    specification = page.split('data-testid="payment-specification"')[1].split("</table>")[0]
    assert f"F-{enrolments[0].pk}" in specification and "12.000,00" in specification
    assert world.citizen.first_name not in specification
    raw = client.get(reverse("programmes:payments"), query | {"format": "csv"}).content
    rows = csv_table(raw)
    start = rows.index(["Specifikation"])
    assert [r[0] for r in rows[start + 2 : start + 5]] == [f"F-{e.pk}" for e in enrolments]


def test_a_quarter_that_has_not_begun_is_refused_by_name(world, login, kvik):
    future = dt.date.today().year + 1
    response = login(world.provider_staff).get(
        reverse("programmes:payments"), {"provider": world.vaekst.pk, "year": future, "quarter": 1}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kvartalet er ikke begyndt endnu." in page
    assert 'data-testid="payment-table"' not in page


@pytest.mark.parametrize(
    ("export", "action"), [("", "list"), ("csv", "export"), ("xlsx", "export")]
)
def test_the_payment_specification_is_in_the_access_log(world, login, kvik, export, action):
    """The specification shows enrolments and the days their citizens reached milestones:
    the page, the CSV and the Excel file each write one access-log row naming those citizens
    (and no one else), the provider and the quarter."""
    shown = [world.citizen, make_citizen(world.caseworker, first_name="Logget")]
    for n, citizen in enumerate(shown):
        enrol(world, kvik, citizen=citizen, start=dt.date(2026, 2, 1 + n))
    enrol(world, kvik, citizen=world.teammates_citizen, start=dt.date(2026, 4, 2))  # Q2
    client = login(world.provider_staff)
    query = {"provider": world.vaekst.pk, "year": 2026, "quarter": 1}
    before = AccessLogEntry.objects.count()
    response = client.get(reverse("programmes:payments"), query | {"format": export})
    assert response.status_code == 200
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("id")
    assert (entry.user, entry.action, entry.path) == (
        world.provider_staff,
        action,
        "/programmes/payments/",
    )
    assert "Vækst" in entry.purpose and "2026" in entry.purpose
    assert {s.citizen_id for s in entry.subjects.all()} == {c.pk for c in shown}


def test_a_payment_report_without_a_specification_row_writes_no_access_log_row(world, login, kvik):
    enrol(world, kvik, start=dt.date(2026, 4, 2))
    before = AccessLogEntry.objects.count()
    response = login(world.provider_staff).get(
        reverse("programmes:payments"), {"provider": world.vaekst.pk, "year": 2026, "quarter": 1}
    )
    assert (
        response.status_code == 200 and 'data-testid="payment-table"' in response.content.decode()
    )
    assert AccessLogEntry.objects.count() == before
