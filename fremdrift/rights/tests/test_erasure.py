"""Retention and erasure: a case closed for longer than the organisation's rule is listed by the
daily job; an administrator approves its erasure, and then nothing about the citizen remains
in any table. A legal hold keeps a citizen off the list; an open case is never erased."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, models

from fremdrift.api.tests.test_resources import make_case
from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.models import Assessment
from fremdrift.audit.models import AccessLogEntry, AccessLogSubject, ChangeRecord
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.models import Citizen
from fremdrift.citizens.services import case_share_create, case_share_end, citizen_update
from fremdrift.codelists.models import Code
from fremdrift.companies import services as company_services
from fremdrift.core.fieldcrypto import lookup_hash
from fremdrift.exchange.models import Entity, SourceKey
from fremdrift.instruments.models import Instrument
from fremdrift.jobs.models import JobRun
from fremdrift.plans import services as plan_services
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services as referral_services
from fremdrift.rights import selectors, services
from fremdrift.rights.models import ErasureApproval, ErasureCandidate, LegalHold
from fremdrift.testing import make_invitation, make_programme

TODAY = dt.date.today()
SIX_YEARS_ON = TODAY + dt.timedelta(days=6 * 366)
CPR = "1203851235"
# Tables that are not about citizens, or whose rows of an erased citizen stay, with why.
NOT_CASE_DATA = {
    # The access log keeps its rows for its own period (180 days) as evidence of who read
    # what; after an erasure they name only the internal number of a citizen who is gone.
    AccessLogEntry,
    AccessLogSubject,
}


def whole_case(world) -> Citizen:
    """`ended_citizen`, with a row in every table that holds a citizen's data, and the case
    then closed: an exit from the programme that ends the referral, the activity and the
    mentor."""
    citizen = world.ended_citizen
    actor = world.caseworker
    citizen_update(
        actor=actor,
        citizen=citizen,
        expected_version=citizen.version,
        first_name="Herman-Unik",
        last_name="Bang-Sjælden",
        cpr=CPR,
        responsible_caseworker=actor,
        target_group=citizen.target_group,
    )
    case = make_case(world, "ended_citizen")
    # A collaboration with another authority, ended with the case.
    share = case_share_create(
        actor=actor,
        citizen=citizen,
        shared_with=world.syd,
        purpose="Samarbejde om Herman-Unik",
        start_date=dt.date.today(),
    )
    case_share_end(actor=actor, share=share)
    wheel = Instrument.objects.get(code="adult_wheel")
    programme = make_programme(
        world.vaekst,
        name="Forløb med hånd",
        milestones=[{"code": "by_hand", "label": "Ved hånd", "share": 100, "rule": "manual"}],
    )
    referral = referral_services.referral_create(
        actor=actor,
        citizen=citizen,
        programme=programme,
        instrument=wheel,
        start_date=TODAY - dt.timedelta(days=20),
        interval_days=14,
        starting_scores={"health_for_work": 3},
    )
    enrolment = Enrolment.objects.get(citizen=citizen, programme=programme)
    programme_services.milestone_confirm(
        actor=actor,
        enrolment=enrolment,
        milestone=programme.milestones.get(),
        reached_on=TODAY - dt.timedelta(days=10),
    )
    assessment_services.assessment_correct(
        actor=actor,
        assessment=case.assessment,
        expected_revision=case.assessment.revision,
        date=case.assessment.date,
        respondent="joint",
        status="completed",
        answers={"health_for_work": assessment_services.AnswerInput(value=7)},
    )
    # A referral starts no follow (its cadence is the provider's): the jobcentre's own.
    follow = assessment_services.follow_start(
        actor=actor,
        citizen=citizen,
        instrument=wheel,
        start_date=TODAY - dt.timedelta(days=20),
        every_days=14,
    )
    assessment_services.follow_change_cadence(
        actor=actor, follow=follow, starts_on=TODAY + dt.timedelta(days=14), every_days=30
    )
    assessment_services.target_score_set(
        actor=actor, citizen=citizen, instrument=wheel, item_code="health_for_work", value=8
    )
    services.legal_hold_place(actor=world.administrator, citizen_id=citizen.pk, reason="Klage")
    services.legal_hold_lift(actor=world.administrator, citizen_id=citizen.pk)
    make_invitation(actor, citizen)
    SourceKey.objects.create(
        source_system="fagsystem", entity=Entity.CITIZEN, source_id="F-17", object_id=citizen.pk
    )
    access_log_write(user=actor, action="view", citizen=citizen, path="/")
    # A position of the company register suggested to the citizen: erased with them, while
    # the company and its position stay in the register.
    bakery = company_services.company_create(
        actor=actor, organisation=world.nord, name="Bageriet", cvr="12345674"
    )
    plan_services.vacancy_suggest(
        actor=world.job_consultant,
        plan=case.plan,
        vacancy=company_services.vacancy_add(
            actor=actor, company=bakery, title="Bagerimedhjælper", from_date=TODAY
        ),
    )
    enrolment.refresh_from_db()
    referral_services.enrolment_end(
        actor=actor,
        enrolment=enrolment,
        expected_version=enrolment.version,
        end_date=TODAY,
        exit_reason=Code.objects.filter(code_list="exit_reason", parent__isnull=False).first(),
        close_plan=True,
    )
    assert referral.pk
    return Citizen.objects.get(pk=citizen.pk)


def citizen_rows() -> dict[type[models.Model], str]:
    """Every model with a path of foreign keys to a citizen, and that path."""
    paths = {Citizen: "pk"}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in paths or model in NOT_CASE_DATA:
                continue
            for field in model._meta.get_fields():
                target = getattr(field, "related_model", None)
                if isinstance(field, models.ForeignKey) and target in paths and field.db_constraint:
                    lead = paths[target]
                    paths[model] = field.name if lead == "pk" else f"{field.name}__{lead}"
                    changed = True
                    break
    return paths


def rows_of(citizen_id: int) -> dict[str, set]:
    found = {
        model._meta.label: set(
            model.objects.filter(**{path: citizen_id}).values_list("pk", flat=True)
        )
        for model, path in citizen_rows().items()
    }
    found["audit.ChangeRecord"] = set(
        ChangeRecord.objects.filter(citizen_id=citizen_id).values_list("pk", flat=True)
    )
    found["exchange.SourceKey"] = set(
        SourceKey.objects.filter(entity=Entity.CITIZEN, object_id=citizen_id).values_list(
            "pk", flat=True
        )
    )
    return found


def every_text_in_the_database() -> str:
    """Every table's rows as text, to look for what identifies the citizen."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the schema
            texts.extend(str(row) for row in cursor.fetchall())
    return "\n".join(texts)


def test_erasure_leaves_nothing_about_the_citizen_in_any_table(world):
    citizen = whole_case(world)
    services.erasure_candidates_refresh(today=SIX_YEARS_ON)
    assert ErasureCandidate.objects.filter(citizen=citizen).exists()
    before = rows_of(citizen.pk)
    empty = sorted(label for label, pks in before.items() if not pks)
    assert not empty, f"the test case does not touch these tables: {empty}"
    others = {c.pk: rows_of(c.pk) for c in Citizen.objects.exclude(pk=citizen.pk)}
    identifying = [citizen.first_name, citizen.last_name, lookup_hash(CPR), citizen.cpr_encrypted]
    everything = every_text_in_the_database()
    assert all(text in everything for text in identifying)
    assert CPR not in everything and CPR[:6] + "-" + CPR[6:] not in everything  # never in clear

    approval = services.erasure_approve(
        actor=world.administrator, citizen_ids=[citizen.pk], today=SIX_YEARS_ON
    )

    assert (approval.erased, approval.approved_by) == (1, world.administrator)
    after = rows_of(citizen.pk)
    for label, pks in before.items():
        model = apps.get_model(label)
        assert not model.objects.filter(pk__in=pks).exists(), label
        assert not after[label], label
    left = every_text_in_the_database()
    for text in identifying:
        assert text not in left
    # Nobody else's data went with it.
    assert {c.pk: rows_of(c.pk) for c in Citizen.objects.all()} == others
    # What stays: the approval (who, when, how many) and the access log's internal number.
    assert AccessLogEntry.objects.filter(citizen_id=citizen.pk).exists()


def test_a_closed_case_falls_due_after_the_organisations_rule(world):
    citizen = whole_case(world)
    [case] = selectors.closed_cases(organisation_id=world.nord.pk, citizen_ids=[citizen.pk])
    assert case.closed_since == TODAY
    assert case.due_on == selectors.months_after(TODAY, 60)
    services.retention_rule_set(actor=world.administrator, months_after_close=24)
    [case] = selectors.closed_cases(organisation_id=world.nord.pk, citizen_ids=[citizen.pk])
    assert case.due_on == selectors.months_after(TODAY, 24)
    # Karen has an active referral, Tove an activity without an end: both cases are open.
    open_ones = {world.citizen.pk, world.teammates_citizen.pk}
    make_case(world, "teammates_citizen")
    closed = {c.citizen_id for c in selectors.closed_cases(organisation_id=world.nord.pk)}
    assert not open_ones & closed
    assert selectors.citizens_due(organisation_id=world.nord.pk, today=TODAY) == []
    day_before = selectors.months_after(TODAY, 24) - dt.timedelta(days=1)
    assert selectors.citizens_due(organisation_id=world.nord.pk, today=day_before) == []
    due = selectors.citizens_due(
        organisation_id=world.nord.pk, today=selectors.months_after(TODAY, 24)
    )
    assert [c.citizen_id for c in due] == [citizen.pk]


def test_a_meeting_booked_ahead_keeps_the_case_open_until_it_is_held_or_cancelled(world):
    citizen = whole_case(world)
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=citizen)
    meeting = plan_services.meeting_book(
        actor=world.caseworker,
        plan=plan,
        kind=Code.objects.get(code_list="meeting_kind", code="follow_up", organisation=None).pk,
        date=TODAY + dt.timedelta(days=30),
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 0),
        place="Jobcentret",
    )
    assert selectors.closed_cases(organisation_id=world.nord.pk, citizen_ids=[citizen.pk]) == []
    plan_services.meeting_cancel(
        actor=world.caseworker, meeting=meeting, expected_version=meeting.version
    )
    # Closed since the day it was cancelled, not the day the meeting was booked for.
    [case] = selectors.closed_cases(organisation_id=world.nord.pk, citizen_ids=[citizen.pk])
    assert case.closed_since == TODAY


@pytest.mark.parametrize(
    "day, months, due",
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 12, 4), 60, dt.date(2031, 12, 4)),
    ],
)
def test_months_after_keeps_the_day_or_takes_the_months_last(day, months, due):
    assert selectors.months_after(day, months) == due


def test_a_legal_hold_keeps_a_citizen_off_the_list_until_lifted(world):
    citizen = whole_case(world)
    services.legal_hold_place(
        actor=world.administrator, citizen_id=citizen.pk, reason="Sag ved Ankestyrelsen"
    )
    services.erasure_candidates_refresh(today=SIX_YEARS_ON)
    assert not ErasureCandidate.objects.filter(citizen=citizen).exists()
    with pytest.raises(ValidationError) as refused:
        services.erasure_approve(
            actor=world.administrator, citizen_ids=[citizen.pk], today=SIX_YEARS_ON
        )
    assert "Herman-Unik" in refused.value.message_dict["citizens"][0]
    assert Citizen.objects.filter(pk=citizen.pk).exists()
    services.legal_hold_lift(actor=world.administrator, citizen_id=citizen.pk)
    services.erasure_candidates_refresh(today=SIX_YEARS_ON + dt.timedelta(days=1))
    assert ErasureCandidate.objects.get(citizen=citizen).listed_on == SIX_YEARS_ON + dt.timedelta(
        days=1
    )
    # The day each citizen was first listed stays.
    assert ErasureCandidate.objects.get(citizen=world.teammates_citizen).listed_on == SIX_YEARS_ON
    # A hold placed on a listed citizen takes them off the list at once.
    services.legal_hold_place(actor=world.administrator, citizen_id=citizen.pk, reason="Revision")
    assert not ErasureCandidate.objects.filter(citizen=citizen).exists()
    assert LegalHold.objects.filter(citizen=citizen, lifted_at__isnull=True).count() == 1


def test_an_open_case_is_never_erased_and_nothing_is_half_done(world):
    closed = whole_case(world)
    with pytest.raises(ValidationError) as refused:
        services.erasure_approve(
            actor=world.administrator,
            citizen_ids=[closed.pk, world.citizen.pk],  # Karen's referral is active
            today=SIX_YEARS_ON,
        )
    assert "Karen" in refused.value.message_dict["citizens"][0]
    assert Citizen.objects.filter(pk__in=[closed.pk, world.citizen.pk]).count() == 2
    assert Assessment.objects.filter(citizen=closed).exists()
    assert not ErasureApproval.objects.exists()


def test_only_administrators_of_the_home_organisation_erase(world):
    citizen = whole_case(world)
    for actor in (world.caseworker, world.manager):
        with pytest.raises(ValidationError):
            services.erasure_approve(actor=actor, citizen_ids=[citizen.pk], today=SIX_YEARS_ON)
    syd_admin = world.outsider.organisation.members.create(
        username="syd-admin", role="administrator"
    )
    assert (
        services.erasure_approve(actor=syd_admin, citizen_ids=[citizen.pk], today=SIX_YEARS_ON)
        is None
    )
    assert Citizen.objects.filter(pk=citizen.pk).exists()


def test_the_daily_job_lists_and_the_command_runs_it(world):
    whole_case(world)
    call_command("run_jobs")
    assert JobRun.objects.get(name="erasure_due").last_succeeded
    assert not ErasureCandidate.objects.exists()  # nobody's case has been closed for long
