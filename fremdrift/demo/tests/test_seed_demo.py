import datetime as dt

from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from fremdrift.accounts.models import Role, User
from fremdrift.assessments.models import Assessment
from fremdrift.citizens import access, selectors
from fremdrift.citizens.models import Citizen
from fremdrift.codelists.models import Code
from fremdrift.pages.worklist import caseload_worklist
from fremdrift.plans.models import Meeting
from fremdrift.programmes import selectors as programme_selectors
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.referrals import selectors as referral_selectors
from fremdrift.referrals.models import FocusItem, Referral


def seed(capsys):
    call_command("seed_demo", allow_production=True)
    return capsys.readouterr().out


def test_demo_has_every_role_200_citizens_and_referrals_to_both_providers(db, capsys):
    out = seed(capsys)
    assert "sagsbehandler" in out and "password: demo" in out
    roles = dict(User.objects.values_list("username", "role"))
    for username, role in {
        "sagsbehandler": Role.CASEWORKER,
        "tilbud": Role.PROVIDER_STAFF,
        "virksomhed": Role.JOB_CONSULTANT,
        "analytiker": Role.MANAGER,
        "admin": Role.ADMINISTRATOR,
    }.items():
        assert roles[username] == role
        assert User.objects.get(username=username).check_password("demo")
    assert Citizen.objects.count() == 200
    active = referral_selectors.active_referrals()
    assert active.values("provider").distinct().count() == 2
    assert Referral.objects.exclude(status=Referral.Status.ACTIVE).exists()
    caseworker = User.objects.get(username="sagsbehandler")
    assert selectors.citizen_search(caseworker, mine_only=True).count() >= 60
    provider = User.objects.get(username="tilbud")
    assert 0 < access.citizens_in_scope(provider).count() < 200
    # Jobcenter Fremby shares six cases with Socialforvaltningen Fremby (issue 25, §3),
    # whose manager reports on them.
    social = User.objects.get(username="socialraadgiver")
    assert social.role == Role.CASEWORKER and social.check_password("demo")
    assert social.organisation.name == "Socialforvaltningen Fremby"
    assert access.citizens_in_scope(social).count() == 6
    social_manager = User.objects.get(username="socialanalytiker")
    assert social_manager.role == Role.MANAGER and social_manager.check_password("demo")
    assert social_manager.organisation == social.organisation
    assert "socialanalytiker" in out
    # Meetings booked ahead (issue 26, §4): the caseworker's worklist has one today, and the
    # others lie ahead on working days.
    booked = Meeting.objects.filter(status=Meeting.Status.BOOKED, recorded_by=caseworker)
    today = dt.date.today()
    assert booked.count() == 3 and booked.filter(date=today).count() == 1
    assert all(m.start_time and m.place for m in booked)
    assert all(m.date.weekday() < 5 for m in booked.exclude(date=today))
    assert today in {m.date for m in caseload_worklist(caseworker).meetings.rows}


def test_demo_walks_the_path_from_referral_to_exit_with_the_providers_in_the_loop(db, capsys):
    seed(capsys)
    assert set(Programme.objects.values_list("organisation__name", flat=True)) == {
        "Vækstværkstedet",
        "Job & Trivsel ApS",
    }
    assert FocusItem.objects.values("referral").distinct().count() == 40
    assert Assessment.objects.filter(respondent="provider").count() > 40
    ended = Enrolment.objects.filter(status="ended")
    first_level = set(ended.values_list("exit_reason__parent__code", flat=True))
    assert first_level == set(
        Code.objects.filter(code_list="exit_reason", parent=None).values_list("code", flat=True)
    )
    reached = programme_selectors.milestones_reached(
        list(Enrolment.objects.select_related("exit_reason"))
    )
    codes = {r.milestone.code for entry in reached.values() for r in entry.reached}
    assert {"started", "plan_with_mentor", "company_offer_or_job_education", "handover"} <= codes


def test_a_new_demo_empties_the_headline_figures_kept_for_the_day(db, capsys):
    """A manager's figures are kept for the day (reports/headlines.py); those computed before
    the demo was loaded would show an empty organisation until midnight."""
    cache.set("reports:headlines:1:2026-12-04:da", "figures of an empty organisation")
    seed(capsys)
    assert cache.get("reports:headlines:1:2026-12-04:da") is None


def test_a_second_run_keeps_what_is_there(db, capsys):
    seed(capsys)
    first = list(Citizen.objects.values_list("first_name", "last_name", "cpr_hash"))
    out = seed(capsys)
    assert "already loaded" in out
    assert list(Citizen.objects.values_list("first_name", "last_name", "cpr_hash")) == first


def test_the_demo_is_deterministic(db, capsys):
    def people():
        return list(
            Citizen.objects.order_by("id").values_list(
                "first_name",
                "last_name",
                "birth_date",
                "sex",
                "cpr_hash",
                "target_group__code",
                "responsible_caseworker__username",
            )
        )

    with transaction.atomic():
        seed(capsys)
        first = people()
        transaction.set_rollback(True)
    assert not Citizen.objects.exists()
    seed(capsys)
    assert people() == first
    assert len({(p[0], p[1]) for p in first}) > 150
