"""The access matrix: every view, every role, citizens in and out of scope.

Beside the shared world's personas, `shared_caseworker` is a caseworker of Socialforvaltningen,
another authority, with which Jobcenter Nord shares `citizen`'s case today (issue 25 §3): they
see that citizen and work on the plan, and nothing of the home organisation's own part."""

import datetime as dt

import pytest
from django.urls import reverse

from fremdrift.accounts.models import Role
from fremdrift.citizens import access, selectors
from fremdrift.citizens.services import case_share_create
from fremdrift.codelists.models import Code
from fremdrift.plans.models import Goal
from fremdrift.testing import make_organisation, make_user

ROLES = [
    "caseworker",
    "colleague",
    "outsider",
    "provider_staff",
    "other_provider_staff",
    "job_consultant",
    "manager",
    "administrator",
    "shared_caseworker",
]


def with_a_shared_case(world):
    """The shared world, and Socialforvaltningen, with which Nord shares `citizen`'s case:
    the persona `shared_caseworker` of every access matrix (pages here, the API's too)."""
    world.social = make_organisation("Socialforvaltningen")
    world.shared_caseworker = make_user("socialworker", world.social, Role.CASEWORKER)
    world.share = case_share_create(
        actor=world.caseworker,
        citizen=world.citizen,
        shared_with=world.social,
        purpose="Koordineret indsats om bolig og beskæftigelse",
        start_date=dt.date.today() - dt.timedelta(days=3),
    )
    return world


@pytest.fixture
def world(world):
    return with_a_shared_case(world)


CITIZENS = ["citizen", "teammates_citizen", "ended_citizen", "foreign_citizen"]

# Which citizens each role may see. Everyone else answers 404, as if they did not exist.
VISIBLE = {
    "caseworker": {"citizen", "teammates_citizen", "ended_citizen"},
    "colleague": {"citizen", "teammates_citizen", "ended_citizen"},
    "outsider": {"foreign_citizen"},
    "provider_staff": {"citizen"},  # referred, active; ended_citizen's referral has ended
    "other_provider_staff": set(),
    "job_consultant": {"citizen", "teammates_citizen", "ended_citizen"},
    "manager": set(),
    "administrator": set(),
    "shared_caseworker": {"citizen"},  # shared by Nord today
}
# The citizen's basic record, the CPR number, the responsible caseworker: the home
# organisation's caseworkers.
MAY_CHANGE = {"caseworker", "colleague", "outsider"}
# Caseworkers register their own organisation's citizens and reassign within it.
CASEWORKERS = MAY_CHANGE | {"shared_caseworker"}
WORKS_WITH_CASES = {
    "caseworker",
    "colleague",
    "outsider",
    "provider_staff",
    "other_provider_staff",
    "job_consultant",
    "shared_caseworker",
}


def results_of(response) -> str:
    """The result part of the citizens page, without the search box that echoes the query."""
    html = response.content.decode()
    return html[html.index('id="citizen-results"') : html.index("</main>")]


def expected_status(role: str, citizen: str, *, change: bool = False) -> int:
    if citizen not in VISIBLE[role]:
        return 404
    if change and role not in MAY_CHANGE:
        return 403
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("citizen_name", CITIZENS)
def test_citizen_page_checks_scope(world, login, role, citizen_name):
    client = login(getattr(world, role))
    citizen = getattr(world, citizen_name)
    response = client.get(reverse("citizens:detail", args=[citizen.pk]))
    assert response.status_code == expected_status(role, citizen_name)
    if response.status_code == 404:
        assert citizen.last_name not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("citizen_name", CITIZENS)
def test_edit_page_checks_scope_and_right_to_change(world, login, role, citizen_name):
    client = login(getattr(world, role))
    citizen = getattr(world, citizen_name)
    url = reverse("citizens:edit", args=[citizen.pk])
    expected = expected_status(role, citizen_name, change=True)
    assert client.get(url).status_code == expected
    response = client.post(url, {"first_name": "Changed"})
    # An allowed change with bad input is refused with the form again (400), nothing saved.
    assert response.status_code == (400 if expected == 200 else expected)
    citizen.refresh_from_db()
    assert citizen.first_name != "Changed"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("citizen_name", CITIZENS)
def test_show_cpr_checks_scope(world, login, role, citizen_name):
    """Only caseworkers of the citizen's home organisation reveal the full CPR number; job
    consultants and provider staff who see the citizen are refused."""
    client = login(getattr(world, role))
    citizen = getattr(world, citizen_name)
    response = client.post(reverse("citizens:show_cpr", args=[citizen.pk]), {"purpose": "identity"})
    expected = expected_status(role, citizen_name, change=True)
    assert response.status_code == expected
    full = selectors.citizen_cpr(citizen).formatted
    assert (full in response.content.decode()) == (response.status_code == 200)


@pytest.mark.parametrize("role", ROLES)
def test_list_and_search_show_only_citizens_in_scope(world, login, role):
    client = login(getattr(world, role))
    response = client.get(reverse("citizens:list"))
    if role not in WORKS_WITH_CASES:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = results_of(response)
    for name in CITIZENS:
        citizen = getattr(world, name)
        assert (citizen.last_name in page) == (name in VISIBLE[role]), name
        for search in (
            {"q": citizen.last_name},
            {"q": selectors.citizen_cpr(citizen).digits},
            {"q": selectors.citizen_cpr(citizen).formatted},
        ):
            found = results_of(client.post(reverse("citizens:list"), search))
            assert (citizen.last_name in found) == (name in VISIBLE[role]), (name, search)
        by_get = results_of(client.get(reverse("citizens:list"), {"q": citizen.last_name}))
        assert (citizen.last_name in by_get) == (name in VISIBLE[role]), name


@pytest.mark.parametrize("role", ROLES)
def test_create_page_is_for_caseworkers_only(world, login, role):
    client = login(getattr(world, role))
    expected = 200 if role in CASEWORKERS else 403
    assert client.get(reverse("citizens:create")).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_reassign_is_for_caseworkers_and_only_within_scope(world, login, role):
    client = login(getattr(world, role))
    response = client.post(
        reverse("citizens:reassign"),
        {
            "citizens": [world.citizen.pk, world.foreign_citizen.pk],
            "caseworker": world.colleague.pk,
        },
    )
    world.citizen.refresh_from_db()
    world.foreign_citizen.refresh_from_db()
    assert world.foreign_citizen.responsible_caseworker == world.outsider
    if role in CASEWORKERS:
        assert response.status_code == 302
        # A list that holds a citizen out of scope is refused whole; a shared case is out of
        # the other authority's scope to reassign.
        assert world.citizen.responsible_caseworker == world.caseworker
    else:
        assert response.status_code == 403


def test_a_shared_case_keeps_its_responsible_caseworker(world, login):
    client = login(world.shared_caseworker)
    for caseworker in (world.colleague, world.shared_caseworker):
        response = client.post(
            reverse("citizens:reassign"),
            {"citizens": [world.citizen.pk], "caseworker": caseworker.pk},
        )
        assert response.status_code == 302
        world.citizen.refresh_from_db()
        assert world.citizen.responsible_caseworker == world.caseworker


def test_reassign_moves_citizens_in_scope(world, login):
    client = login(world.caseworker)
    response = client.post(
        reverse("citizens:reassign"),
        {"citizens": [world.citizen.pk, world.ended_citizen.pk], "caseworker": world.colleague.pk},
    )
    assert response.status_code == 302
    world.citizen.refresh_from_db()
    world.ended_citizen.refresh_from_db()
    assert world.citizen.responsible_caseworker == world.colleague
    assert world.ended_citizen.responsible_caseworker == world.colleague


@pytest.mark.parametrize("role", ROLES)
def test_access_log_pages_are_for_administrators_only(world, login, role):
    client = login(getattr(world, role))
    expected = 200 if role == "administrator" else 403
    assert client.get(reverse("audit:access_log")).status_code == expected
    export = client.post(reverse("audit:export", args=[world.citizen.pk]))
    assert export.status_code == expected


def test_administrator_exports_only_their_organisations_citizens(world, login):
    client = login(world.administrator)
    assert client.post(reverse("audit:export", args=[world.foreign_citizen.pk])).status_code == 404


def test_provider_loses_access_the_moment_the_referral_ends(world, login):
    from fremdrift.referrals.services import referral_end

    client = login(world.provider_staff)
    url = reverse("citizens:detail", args=[world.citizen.pk])
    assert client.get(url).status_code == 200
    referral_end(actor=world.caseworker, referral=world.referral)
    assert client.get(url).status_code == 404
    assert world.citizen.last_name not in client.get(reverse("citizens:list")).content.decode()


@pytest.mark.parametrize(
    "url",
    ["/citizens/", "/citizens/new/", "/citizens/1/", "/citizens/1/edit/", "/audit/", "/"],
)
def test_anonymous_visitors_are_sent_to_login(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_caseload_comes_first(world, login):
    client = login(world.colleague)
    page = results_of(client.get(reverse("citizens:list")))
    assert page.index(world.teammates_citizen.last_name) < page.index(world.citizen.last_name)
    mine = results_of(client.get(reverse("citizens:list"), {"mine": "on"}))
    assert world.citizen.last_name not in mine
    assert world.teammates_citizen.last_name in mine


def test_list_query_count_does_not_grow_with_the_page(world, login, django_assert_num_queries):
    from fremdrift.testing import make_citizen

    client = login(world.caseworker)
    for number in range(30):
        make_citizen(world.caseworker, first_name=f"Person{number}", last_name="Hansen")
    # session, user, count, page, savepoint, access-log entry, its subjects, release, the
    # user's organisation, the colleagues to reassign to, and the session save in a savepoint
    with django_assert_num_queries(13):
        response = client.get(reverse("citizens:list"))
    assert response.status_code == 200


# A case review reaches the red thread only; it widens no one else's scope.
CASE_REVIEW_VISIBLE = VISIBLE | {"manager": {"citizen", "teammates_citizen", "ended_citizen"}}


@pytest.mark.parametrize("role", ROLES)
def test_a_case_review_widens_only_the_managers_scope(world, role):
    user = getattr(world, role)
    names = {
        name
        for name in CITIZENS
        if access.citizens_in_scope(user, case_review=True)
        .filter(pk=getattr(world, name).pk)
        .exists()
    }
    assert names == CASE_REVIEW_VISIBLE[role]
    assert not access.citizens_in_scope(world.manager, case_review=True, to_change=True).exists()


# The job consultant's row: the company part of the plan of their organisation's citizens
# (company-oriented activities, meetings about the job goal), nothing else of it; no internal
# notes, no CPR number.
RECORDS_COMPANY_PART = {
    "caseworker": {"citizen", "teammates_citizen", "ended_citizen"},
    "colleague": {"citizen", "teammates_citizen", "ended_citizen"},
    "outsider": {"foreign_citizen"},
    "provider_staff": {"citizen"},
    "other_provider_staff": set(),
    "job_consultant": {"citizen", "teammates_citizen", "ended_citizen"},
    "manager": set(),
    "administrator": set(),
    "shared_caseworker": {"citizen"},
}
RECORDS_OTHER_ACTIVITIES = {
    role: names for role, names in RECORDS_COMPANY_PART.items() if role != "job_consultant"
} | {"job_consultant": set()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("citizen_name", CITIZENS)
def test_who_records_company_and_other_activities(world, role, citizen_name):
    user = getattr(world, role)
    citizen = getattr(world, citizen_name)
    company = access.may_record_activity(user, citizen, "internship_single")
    other = access.may_record_activity(user, citizen, "psychologist")
    assert company == (citizen_name in RECORDS_COMPANY_PART[role])
    assert other == (citizen_name in RECORDS_OTHER_ACTIVITIES[role])
    assert access.may_record_company_activity(user, citizen) == company
    assert access.may_record_job_meeting(user, citizen) == company


@pytest.mark.parametrize("citizen_name", CITIZENS)
def test_the_job_consultant_reads_no_internal_notes_and_reveals_no_cpr(world, citizen_name):
    citizen = getattr(world, citizen_name)
    consultant = world.job_consultant
    assert not access.may_reveal_cpr(consultant, citizen)
    assert not access.may_read_meeting_notes(
        consultant, home_organisation_id=citizen.home_organisation_id, internal=True
    )
    assert not access.may_write_internal_notes(consultant)
    assert not access.may_change_plan(consultant, citizen)


def test_the_job_consultant_records_a_company_activity_on_the_page_but_not_another(world, login):
    from fremdrift.codelists.models import Code
    from fremdrift.plans.models import Activity
    from fremdrift.plans.services import plan_get_or_create

    plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    client = login(world.job_consultant)
    url = reverse("plans:activity_create", args=[world.citizen.pk])
    body = {
        "sector": Code.objects.get(code_list="activity_sector", code="employment").pk,
        "purpose": "Praktik",
        "start_date": "2025-01-06",
    }
    other = Code.objects.get(code_list="activity_type", code="guidance")
    internship = Code.objects.get(code_list="activity_type", code="internship_single")
    client.post(url, body | {"kind": other.pk})
    assert not Activity.objects.exists()
    assert client.post(url, body | {"kind": internship.pk}).status_code == 302
    assert Activity.objects.get().kind == internship
    foreign = reverse("plans:activity_create", args=[world.foreign_citizen.pk])
    assert client.post(foreign, body | {"kind": internship.pk}).status_code == 404


# The shared caseworker's row: the plan of the shared citizen with caseworker rights, nothing
# of any other citizen, and none of the home organisation's own part.


@pytest.mark.parametrize("citizen_name", CITIZENS)
def test_the_shared_caseworker_works_on_the_shared_plan_only(world, login, citizen_name):
    citizen = getattr(world, citizen_name)
    shared = citizen_name in VISIBLE["shared_caseworker"]
    user = world.shared_caseworker
    assert access.may_change_plan(user, citizen) == shared
    assert access.may_record_assessment(user, citizen) == shared
    client = login(user)
    for name in ("plans:plan", "plans:timeline", "plans:report"):
        response = client.get(reverse(name, args=[citizen.pk]))
        assert response.status_code == (200 if shared else 404), name
    response = client.post(
        reverse("plans:goal_create", args=[citizen.pk]),
        {
            "text": "Finde en bolig",
            "category": Code.objects.get(code_list="end_goal_category", code="job").pk,
        },
    )
    assert response.status_code == (302 if shared else 404)
    assert Goal.objects.filter(plan__citizen=citizen, text="Finde en bolig").exists() == shared


@pytest.mark.parametrize("citizen_name", CITIZENS)
def test_the_shared_caseworker_keeps_off_the_home_organisations_part(world, citizen_name):
    citizen = getattr(world, citizen_name)
    user = world.shared_caseworker
    assert not access.may_change_citizen(user, citizen)
    assert not access.may_reveal_cpr(user, citizen)
    assert not access.may_export_subject_access(user, citizen)
    assert not access.may_share_case(user, citizen)
    assert not access.may_read_meeting_notes(
        user, home_organisation_id=citizen.home_organisation_id, internal=True
    )
