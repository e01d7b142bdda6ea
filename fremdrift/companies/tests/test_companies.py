"""The company register: CVR numbers, a company's placements of the organisation's own
citizens (logged), placements at a retired company, the job consultant's company part of the
plan, suggested positions, the job consultant of an enrolment, and the monitoring figures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.codelists.models import Code
from fremdrift.companies import services
from fremdrift.companies.models import Company
from fremdrift.companies.services import cvr_errors
from fremdrift.plans import services as plans
from fremdrift.plans.models import Activity, Meeting, VacancySuggestion

GOOD_CVR = "12345674"  # 1·2 + 2·7 + 3·6 + 4·5 + 5·4 + 6·3 + 7·2 + 4·1 = 110 = 10·11
WRONG_CVR = "12345675"
TODAY = dt.date.today()


def code(code_list, value):
    return Code.objects.get(code_list=code_list, code=value, is_active=True)


def employment():
    return code("activity_sector", "employment")


def company(world, name="Bageriet", cvr=GOOD_CVR, **extra):
    return services.company_create(
        actor=world.caseworker, organisation=world.nord, name=name, cvr=cvr, **extra
    )


def placement(actor, citizen, at, *, start, end=None, kind="internship_single", **extra):
    plan = plans.plan_get_or_create(actor=actor, citizen=citizen)
    return plans.activity_create(
        actor=actor,
        plan=plan,
        sector=employment(),
        kind=code("activity_type", kind),
        purpose="Praktik i bageriet",
        start_date=start,
        end_date=end,
        company=at,
        **extra,
    )


def test_cvr_numbers_are_checked_by_their_modulus_11_check_digit():
    assert cvr_errors(GOOD_CVR) == {}
    assert cvr_errors("1234 5674") == {}
    assert "cvr" in cvr_errors(WRONG_CVR)
    assert "cvr" in cvr_errors("1234567")
    assert "cvr" in cvr_errors("")


def test_a_wrong_check_digit_is_refused_on_the_page_with_the_values_kept(world, login):
    client = login(world.job_consultant)
    response = client.post(
        reverse("companies:create"), {"name": "Bageriet", "cvr": WRONG_CVR, "address": "Torvet 1"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["cvr"] and WRONG_CVR in form.errors["cvr"][0]
    assert 'value="Torvet 1"' in response.content.decode()
    assert not Company.objects.exists()


def test_a_company_is_made_with_a_change_record_and_its_cvr_once(world, login):
    client = login(world.job_consultant)
    response = client.post(
        reverse("companies:create"),
        {"name": "Bageriet", "cvr": GOOD_CVR, "size_band": "10-49", "sector": "trade"},
    )
    made = Company.objects.get()
    assert response.status_code == 302 and made.organisation == world.nord
    assert ChangeRecord.objects.filter(model="companies.Company", object_id=str(made.pk)).exists()
    again = client.post(reverse("companies:create"), {"name": "Bageriet 2", "cvr": GOOD_CVR})
    assert again.status_code == 400 and "cvr" in again.context["form"].errors
    assert Company.objects.count() == 1


def test_a_company_page_shows_current_and_past_placements_of_own_citizens_and_logs_them(
    world, login
):
    bakery = company(world)
    current = placement(world.caseworker, world.citizen, bakery, start=TODAY - dt.timedelta(9))
    past = placement(
        world.caseworker,
        world.teammates_citizen,
        bakery,
        start=TODAY - dt.timedelta(200),
        end=TODAY - dt.timedelta(100),
    )
    # A placement of another organisation's citizen at this company (as an old import might
    # hold) is never shown here.
    foreign = placement(world.outsider, world.foreign_citizen, None, start=TODAY)
    Activity.objects.filter(pk=foreign.pk).update(company=bakery)

    client = login(world.job_consultant)
    before = AccessLogEntry.objects.count()
    response = client.get(reverse("companies:detail", args=[bakery.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    now_part = html[html.index('data-testid="current-placements"') :]
    now_part = now_part[: now_part.index("</table>")]
    past_part = html[html.index('data-testid="past-placements"') :]
    past_part = past_part[: past_part.index("</table>")]
    assert world.citizen.last_name in now_part and world.teammates_citizen.last_name in past_part
    assert world.teammates_citizen.last_name not in now_part
    assert world.foreign_citizen.last_name not in html
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.latest("pk")
    assert entry.user == world.job_consultant
    assert set(entry.subjects.values_list("citizen_id", flat=True)) == {
        current.plan.citizen_id,
        past.plan.citizen_id,
    }


def test_the_job_consultants_list_shows_companies_with_running_placements_first(
    world, login, django_assert_max_num_queries
):
    quiet = company(world, name="Aalborg Auto", cvr="10000009")
    busy = company(world, name="Østerbro Bageri")
    for citizen in (world.citizen, world.teammates_citizen):
        placement(world.caseworker, citizen, busy, start=TODAY - dt.timedelta(5))
    placement(
        world.caseworker,
        world.ended_citizen,
        quiet,
        start=TODAY - dt.timedelta(90),
        end=TODAY - dt.timedelta(30),
    )
    client = login(world.job_consultant)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("companies:list"))
    html = response.content.decode()
    assert html.index(busy.name) < html.index(quiet.name)
    counts = [c.active_placements for c in response.context["companies"]]
    assert counts == [2, 0]


def test_a_placement_at_a_retired_company_is_refused(world):
    bakery = company(world)
    services.company_retire(actor=world.caseworker, company=bakery, expected_version=None)
    with pytest.raises(ValidationError) as refused:
        placement(world.job_consultant, world.citizen, bakery, start=TODAY)
    assert "company" in refused.value.message_dict
    assert not Activity.objects.exists()
    with pytest.raises(ValidationError) as twice:
        services.company_retire(actor=world.caseworker, company=bakery, expected_version=None)
    assert "is_active" in twice.value.message_dict


def test_a_placement_made_before_the_company_retired_can_still_be_followed_up(world):
    bakery = company(world)
    running = placement(world.job_consultant, world.citizen, bakery, start=TODAY)
    services.company_retire(actor=world.caseworker, company=bakery, expected_version=None)
    plans.activity_follow_up(
        actor=world.job_consultant,
        activity=running,
        expected_version=running.version,
        end_date=TODAY,
        result="succeeded",
        next_step="",
    )
    running.refresh_from_db()
    assert running.result == "succeeded"


def test_the_company_mentor_is_a_contact_person_of_the_company(world):
    bakery = company(world)
    other = company(world, name="Værkstedet", cvr="10000009")
    mentor = services.company_contact_add(
        actor=world.job_consultant, company=bakery, name="Bente Bager", role="Mester"
    )
    with pytest.raises(ValidationError) as refused:
        placement(world.job_consultant, world.citizen, other, start=TODAY, mentor_contact=mentor)
    assert "mentor_contact" in refused.value.message_dict
    made = placement(
        world.job_consultant, world.citizen, bakery, start=TODAY, mentor_contact=mentor
    )
    assert made.company_mentor is True and made.mentor_contact == mentor


def test_a_company_is_only_for_a_company_oriented_activity(world):
    bakery = company(world)
    with pytest.raises(ValidationError) as refused:
        placement(world.caseworker, world.citizen, bakery, start=TODAY, kind="guidance")
    assert "company" in refused.value.message_dict


def test_the_job_consultant_records_a_company_activity_but_not_another(world, login):
    bakery = company(world)
    client = login(world.job_consultant)
    url = reverse("plans:activity_create", args=[world.citizen.pk])
    body = {
        "sector": employment().pk,
        "purpose": "Praktik",
        "start_date": TODAY.isoformat(),
        "company": bakery.pk,
    }
    guidance = client.post(url, body | {"kind": code("activity_type", "guidance").pk})
    assert guidance.status_code == 400
    assert "kind" in guidance.context["activity_form"].errors
    assert not Activity.objects.exists()
    internship = client.post(url, body | {"kind": code("activity_type", "internship_single").pk})
    assert internship.status_code == 302
    made = Activity.objects.get()
    assert made.company == bakery and made.kind.code == "internship_single"
    # The service refuses another type from a job consultant however it is called.
    with pytest.raises(ValidationError) as refused:
        placement(world.job_consultant, world.citizen, None, start=TODAY, kind="guidance")
    assert "kind" in refused.value.message_dict
    # Following up another type of activity is refused too.
    guidance_activity = placement(
        world.caseworker, world.citizen, None, start=TODAY, kind="guidance"
    )
    follow_up = reverse("plans:activity_follow_up", args=[world.citizen.pk, guidance_activity.pk])
    assert client.get(follow_up).status_code == 403
    own = reverse("plans:activity_follow_up", args=[world.citizen.pk, made.pk])
    assert client.get(own).status_code == 200


def test_the_job_consultant_records_a_meeting_with_shared_notes_only(world, login):
    plans.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    client = login(world.job_consultant)
    response = client.post(
        reverse("plans:meeting_create", args=[world.citizen.pk]),
        {
            "kind": code("meeting_kind", "start_meeting").pk,
            "date": TODAY.isoformat(),
            "citizen_attended": "on",
            "notes": "To ledige stillinger i bageriet",
            "notes_internal": "on",  # not on the job consultant's form: ignored
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.notes_internal is False and meeting.recorded_by == world.job_consultant
    with pytest.raises(ValidationError) as refused:
        plans.meeting_record(
            actor=world.job_consultant,
            plan=meeting.plan,
            kind=meeting.kind,
            date=TODAY,
            citizen_attended=True,
            notes="Intern note",
            notes_internal=True,
        )
    assert "notes_internal" in refused.value.message_dict


def test_the_job_consultant_changes_nothing_else_of_the_plan(world, login):
    plans.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    client = login(world.job_consultant)
    goal = client.post(
        reverse("plans:goal_create", args=[world.citizen.pk]), {"text": "Job i bageriet"}
    )
    assert goal.status_code == 403
    mentor = client.post(reverse("plans:mentor_create", args=[world.citizen.pk]), {})
    assert mentor.status_code == 403
    assert client.get(reverse("plans:form", args=[world.citizen.pk, "goal"])).status_code == 403
    assert client.get(reverse("plans:form", args=[world.citizen.pk, "activity"])).status_code == 200


def test_a_job_consultant_suggests_an_open_position_on_the_plan(world, login):
    bakery = company(world)
    vacancy = services.vacancy_add(
        actor=world.job_consultant,
        company=bakery,
        title="Bagerimedhjælper",
        weekly_hours="25",
        from_date=TODAY + dt.timedelta(14),
    )
    plans.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    client = login(world.job_consultant)
    url = reverse("plans:vacancy_suggest", args=[world.citizen.pk])
    response = client.post(url, {"vacancy": vacancy.pk, "suggested_on": TODAY.isoformat()})
    assert response.status_code == 302
    suggestion = VacancySuggestion.objects.get()
    assert suggestion.suggested_by == world.job_consultant
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert "Bagerimedhjælper" in page and bakery.name in page
    again = client.post(url, {"vacancy": vacancy.pk, "suggested_on": TODAY.isoformat()})
    assert again.status_code == 400 and VacancySuggestion.objects.count() == 1
    client.post(
        reverse("plans:vacancy_suggestion_outcome", args=[world.citizen.pk, suggestion.pk]),
        {"outcome": "applied"},
    )
    suggestion.refresh_from_db()
    assert suggestion.outcome == "applied"
    services.vacancy_close(actor=world.job_consultant, vacancy=vacancy)
    other = plans.plan_get_or_create(actor=world.caseworker, citizen=world.teammates_citizen)
    with pytest.raises(ValidationError):
        plans.vacancy_suggest(actor=world.job_consultant, plan=other, vacancy=vacancy)


def test_a_caseworker_names_the_job_consultant_of_an_enrolment(world, login):
    from fremdrift.programmes.models import Enrolment
    from fremdrift.programmes.services import enrolment_company_consultant_assign
    from fremdrift.testing import make_programme

    programme = make_programme(world.nord, name="Virksomhedsforløb")
    enrolment = Enrolment.objects.create(
        citizen=world.citizen, programme=programme, start_date=TODAY
    )
    url = reverse("enrolments:company_consultant", args=[world.citizen.pk, enrolment.pk])
    body = {"company_consultant": world.job_consultant.pk, "version": enrolment.version}
    assert login(world.job_consultant).post(url, body).status_code == 403
    assert login(world.outsider).post(url, body).status_code == 404
    response = login(world.caseworker).post(url, body)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.company_consultant == world.job_consultant
    page = login(world.caseworker).get(reverse("citizens:detail", args=[world.citizen.pk]))
    assert 'name="company_consultant"' in page.content.decode()
    with pytest.raises(ValidationError) as refused:
        enrolment_company_consultant_assign(
            actor=world.caseworker,
            enrolment=enrolment,
            expected_version=None,
            consultant=world.colleague,  # a caseworker, not a job consultant
        )
    assert "company_consultant" in refused.value.message_dict


ROLES_WITHOUT_REGISTER = ["provider_staff", "manager", "administrator"]


@pytest.mark.parametrize(
    "role", ["outsider", "provider_staff", "other_provider_staff", "manager", "administrator"]
)
def test_it_checks_ownership(world, login, role):
    """Another organisation's caseworker, and the roles without a register, find no company:
    every page of it is 404, and nothing changes."""
    bakery = company(world)
    client = login(getattr(world, role))
    for name in ("detail", "edit"):
        assert client.get(reverse(f"companies:{name}", args=[bakery.pk])).status_code == 404
    for name in ("retire", "contact_add", "vacancy_add", "edit"):
        response = client.post(reverse(f"companies:{name}", args=[bakery.pk]), {"name": "X"})
        assert response.status_code == 404
    bakery.refresh_from_db()
    assert bakery.is_active and bakery.name == "Bageriet" and not bakery.contacts.exists()
    listed = client.get(reverse("companies:list"))
    if role == "outsider":
        assert listed.status_code == 200 and bakery.name not in listed.content.decode()
    else:
        assert listed.status_code == 404


def test_the_monitoring_report_counts_placements_per_company_size_with_small_cells_hidden(world):
    from fremdrift.programmes.models import Enrolment
    from fremdrift.reports.cohort import Filters
    from fremdrift.reports.monitoring import monitoring_report
    from fremdrift.testing import make_citizen, make_programme

    programme = make_programme(world.nord, name="Virksomhedsforløb")
    start = TODAY - dt.timedelta(days=60)
    small = company(world, name="Lille", cvr="10000009", size_band="1-9")
    medium = company(world, name="Mellem", cvr="10000017", size_band="50-249")
    large = company(world, name="Stor", size_band="250+")
    mentor = services.company_contact_add(actor=world.caseworker, company=large, name="Mentor")
    # Six placements at the large company (each with a mentor), five at the medium-sized and
    # two at the small one.
    places = [large] * 6 + [medium] * 5 + [small] * 2
    for n, at in enumerate(places):
        citizen = make_citizen(world.caseworker, first_name=f"Praktik{n}")
        Enrolment.objects.create(citizen=citizen, programme=programme, start_date=start)
        placement(
            world.caseworker,
            citizen,
            at,
            start=start + dt.timedelta(days=5),
            mentor_contact=mentor if at == large else None,
        )
    report = monitoring_report(world.manager, Filters())
    counts = {t.title: [row[1] for row in t.rows] for t in report.tables}
    by_size = next(t for t in report.tables if counts[t.title] == [2, 0, 5, 6, 0, 0])
    shown = [row[1] for row in by_size.shown()]
    # The small companies' 2 is hidden, and with it the next smallest (5), so that neither
    # can be worked out from the total of 13; the 6 and the zeros are shown.
    assert shown == ["<5", 0, "<5", 6, 0, 0]
    mentors = next(t for t in report.tables if counts[t.title] == [6, 7])
    assert [row[1:] for row in mentors.shown()] == [[6, "46 %"], [7, "54 %"]]


def test_the_demo_register_has_placements_the_job_consultant_sees(world, login):
    import random

    from fremdrift.demo.companies import seed_companies

    citizens = [world.citizen, world.teammates_citizen, world.ended_citizen]
    for citizen in citizens:
        plans.plan_get_or_create(actor=world.caseworker, citizen=citizen)
    made, placed = seed_companies(
        rng=random.Random(1),
        consultant=world.job_consultant,
        organisation=world.nord,
        citizens=citizens,
        today=TODAY,
    )
    assert made == 4 and placed == 3
    assert Activity.objects.filter(mentor_contact__isnull=False).exists()
    page = login(world.job_consultant).get(reverse("companies:list"))
    assert sum(c.active_placements for c in page.context["companies"]) >= 1
