"""The subject-access export (GDPR art. 15) and rectification (art. 16): one ZIP holds every row
of every table with a path to the citizen, in the report, the CSV files and the JSON; the
export is in the access log with its purpose; corrections are shown with their dates; only the
home organisation's caseworkers make it."""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.models import Assessment, Follow
from fremdrift.assessments.services import AnswerInput
from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.audit.services import access_log_write
from fremdrift.citizens import services as citizen_services
from fremdrift.citizens.models import Citizen
from fremdrift.citizens.selectors import citizen_cpr
from fremdrift.citizens.services import case_share_create, case_share_end
from fremdrift.codelists.models import Code, CodeList
from fremdrift.companies import services as companies
from fremdrift.exchange import format as fmt
from fremdrift.exchange.services import package_export
from fremdrift.instruments.models import Instrument
from fremdrift.plans import services as plans
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Milestone
from fremdrift.referrals import services as referral_services
from fremdrift.rights import services as rights_services
from fremdrift.rights.models import ErasureCandidate
from fremdrift.rights.subject_access import subject_access_export
from fremdrift.testing import make_cpr, make_invitation, make_programme

TODAY = dt.date.today()


def code(code_list, value, parent=None):
    codes = Code.objects.filter(code_list=code_list, code=value)
    if parent:
        codes = codes.filter(parent__code=parent)
    return codes.get()


# CVR numbers that pass the modulus-11 check, one for each round of `history`.
CVRS = ["10000009", "10000017", "10000025", "10000033", "10000041", "10000068"]


def history(w, rounds: int = 1) -> None:
    """`rounds` more of everything a citizen's case holds, for `w.citizen`: each round an
    assessment corrected (an answer, its comment and the date), a programme referral with focus
    items (a starting assessment, an enrolment and the programme's follow), a milestone
    confirmed by hand and the enrolment ended with an exit, a cadence change, a target, goals
    with their events, an activity with a change of hours, a meeting with two participants, a
    mentor, who does what, a corrected name, and the access log's rows of a page and a list."""
    wheel = Instrument.objects.get(code="adult_wheel")
    version = wheel.versions.get(status="published")
    actor, citizen = w.caseworker, w.citizen
    plan = plans.plan_get_or_create(actor=actor, citizen=citizen)
    share = case_share_create(
        actor=actor,
        citizen=citizen,
        shared_with=w.syd,
        purpose="Samarbejde om boligen",
        start_date=dt.date.today(),
    )
    case_share_end(actor=actor, share=share)
    plan = plans.plan_update(
        actor=actor,
        plan=plan,
        expected_version=plan.version,
        own_effort="Jeg cykler hver dag",
        citizen_comments="Glad for praktikken",
        next_review=TODAY + dt.timedelta(days=30),
    )
    # A referral starts no follow (its cadence is the provider's): the jobcentre's own.
    if not Follow.objects.filter(citizen=citizen, instrument=wheel, is_active=True).exists():
        assessment_services.follow_start(
            actor=actor,
            citizen=citizen,
            instrument=wheel,
            start_date=TODAY - dt.timedelta(days=200),
            every_days=14,
        )
    for _ in range(rounds):
        n = w.rounds = getattr(w, "rounds", 0) + 1
        day = TODAY - dt.timedelta(days=200 - n)
        assessment = assessment_services.assessment_record(
            actor=actor,
            citizen=citizen,
            version=version,
            date=day,
            respondent="joint",
            status="completed",
            answers={
                "health_for_work": AnswerInput(value=4, comment=f"ondt i ryggen {n}"),
                "everyday_energy": AnswerInput(value=5),
            },
        )
        assessment_services.assessment_correct(
            actor=actor,
            assessment=assessment,
            expected_revision=assessment.revision,
            date=day + dt.timedelta(days=1),
            respondent="joint",
            status="completed",
            answers={
                "health_for_work": AnswerInput(value=6, comment=f"bedre ryg {n}"),
                "everyday_energy": AnswerInput(value=5),
            },
        )
        programme = make_programme(
            w.vaekst,
            name=f"Café B {n}",
            milestones=[{"code": "cv", "label": f"CV skrevet {n}", "share": 100, "rule": "manual"}],
        )
        referral_services.referral_create(
            actor=actor,
            citizen=citizen,
            programme=programme,
            instrument=wheel,
            start_date=day,
            interval_days=14,
            starting_scores={"health_for_work": 3, "work_skills": 4},
        )
        enrolment = Enrolment.objects.get(citizen=citizen, programme=programme)
        programme_services.milestone_confirm(
            actor=actor,
            enrolment=enrolment,
            milestone=Milestone.objects.get(programme=programme),
            reached_on=day + dt.timedelta(days=2),
        )
        referral_services.enrolment_end(
            actor=actor,
            enrolment=enrolment,
            expected_version=enrolment.version,
            end_date=day + dt.timedelta(days=3),
            exit_reason=code(CodeList.EXIT_REASON, "job", "self_support"),
            note=f"Fik job i Netto {n}",
        )
        follow = Follow.objects.get(citizen=citizen, instrument=wheel, is_active=True)
        assessment_services.follow_change_cadence(
            actor=actor, follow=follow, starts_on=day + dt.timedelta(days=4), every_days=20 + n
        )
        assessment_services.target_score_set(
            actor=actor, citizen=citizen, instrument=wheel, item_code="work_skills", value=8
        )
        end_goal = plans.goal_create(
            actor=actor,
            plan=plan,
            text=f"Et job i et køkken {n}",
            is_end_goal=True,
            category=code(CodeList.END_GOAL_CATEGORY, "job"),
        )
        sub_goal = plans.goal_create(
            actor=actor, plan=plan, text=f"Møde til tiden {n}", parent=end_goal
        )
        plans.goal_change(
            actor=actor,
            goal=sub_goal,
            expected_version=sub_goal.version,
            reason="relapse",
            note=f"Syg i to uger {n}",
            status="dropped",
        )
        activity = plans.activity_create(
            actor=actor,
            plan=plan,
            goals=[sub_goal],
            sector=code(CodeList.ACTIVITY_SECTOR, "employment"),
            kind=code(CodeList.ACTIVITY_TYPE, "wage_subsidy", "employment"),
            purpose=f"Løntilskud i køkkenet {n}",
            start_date=day,
            weekly_hours="15",
        )
        plans.activity_hours_change(
            actor=actor, activity=activity, from_date=day + dt.timedelta(days=5), weekly_hours="22"
        )
        plans.meeting_record(
            actor=actor,
            plan=plan,
            kind=code(CodeList.MEETING_KIND, "start_meeting"),
            date=day,
            citizen_attended=True,
            notes=f"Intern bekymring {n}",
            notes_internal=True,
            participants=[
                {"role": code(CodeList.PARTICIPANT_ROLE, "employment_caseworker"), "user": actor},
                {"role": code(CodeList.PARTICIPANT_ROLE, "doctor"), "name": f"Dr. Holm {n}"},
            ],
        )
        plans.mentor_assign(
            actor=actor,
            plan=plan,
            kind=code(CodeList.MENTOR_KIND, "social"),
            name=f"Lone Mentor {n}",
            start_date=day,
            tasks=[code(CodeList.MENTOR_TASK, "goal_setting")],
        )
        plans.plan_role_assign(
            actor=actor,
            plan=plan,
            role=code(CodeList.PARTICIPANT_ROLE, "doctor"),
            name=f"Dr. Hansen {n}",
            task=f"Vurderer skånehensyn {n}",
        )
        plans.statutory_plan_add(
            actor=actor,
            plan=plan,
            kind="other" if n % 2 else "action_plan_141",
            label=f"Boligplan {n}" if n % 2 else "",
            made_on=day,
            has_priority=True,
        )
        # A position of the company register suggested to the citizen.
        bakery = companies.company_create(
            actor=actor, organisation=citizen.home_organisation, name=f"Bageri {n}", cvr=CVRS[n]
        )
        plans.vacancy_suggest(
            actor=actor,
            plan=plan,
            vacancy=companies.vacancy_add(
                actor=actor, company=bakery, title=f"Bagerimedhjælper {n}", from_date=day
            ),
            suggested_on=day,
        )
        citizen.refresh_from_db()
        citizen_services.citizen_update(
            actor=actor,
            citizen=citizen,
            expected_version=citizen.version,
            first_name=f"Karin{n}",
            last_name=citizen.last_name,
            responsible_caseworker=citizen.responsible_caseworker,
            target_group=citizen.target_group,
        )
        access_log_write(user=w.provider_staff, action="view", citizen=citizen, path="/x/")
        access_log_write(user=w.colleague, action="list", subjects=[citizen], path="/citizens/")
    make_invitation(w.caseworker, citizen)
    rights_services.legal_hold_place(actor=w.administrator, citizen_id=citizen.pk, reason="Klage")
    rights_services.legal_hold_lift(actor=w.administrator, citizen_id=citizen.pk)
    # Karen's case is open, so the nightly job would not list her; as it would once closed:
    ErasureCandidate.objects.get_or_create(
        citizen=citizen,
        defaults={"closed_since": TODAY, "due_on": TODAY, "listed_on": TODAY},
    )
    citizen.refresh_from_db()
    w.citizen = citizen


def export(w, *, user=None, purpose="Indsigt") -> zipfile.ZipFile:
    out = io.BytesIO()
    subject_access_export(actor=user or w.caseworker, citizen=w.citizen, purpose=purpose, out=out)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


# Every model with a path to the citizen, where its rows are in the export: `path` leads from
# the model to the citizen; `file` is the CSV file that holds its rows and `column` the column
# with the row's id there (no column: the rows are counted). The report marks each row
# `data-row="<model>:<id>"`; data.json holds each CSV file's rows under its name.


@dataclass
class Held:
    path: str
    file: str
    column: str | None = "id"
    shown_as: str = ""  # the model whose row the report marks, where it is another's
    of: str = "pk"  # the field that gives the id in the file and the report


TABLES = {
    "citizens.Citizen": Held("pk", "data/citizens.csv"),
    "citizens.CaseShare": Held("citizen", "data-ekstra/case_shares.csv"),
    "assessments.Assessment": Held("citizen", "data/assessments.csv", "assessment"),
    "assessments.Answer": Held("assessment__citizen", "data/assessments.csv", None),
    "assessments.Follow": Held("citizen", "data-ekstra/follows.csv"),
    "assessments.CadenceChange": Held("follow__citizen", "data-ekstra/cadence_changes.csv"),
    "assessments.TargetScore": Held("citizen", "data-ekstra/target_scores.csv"),
    "plans.Plan": Held("citizen", "data/plans.csv", None),
    "plans.Goal": Held("plan__citizen", "data/goals.csv"),
    "plans.GoalEvent": Held("goal__plan__citizen", "data-ekstra/goal_history.csv"),
    "plans.Activity": Held("plan__citizen", "data/activities.csv"),
    "plans.HoursChange": Held("activity__plan__citizen", "data-ekstra/hours_changes.csv"),
    "plans.Meeting": Held("plan__citizen", "data/meetings.csv"),
    "plans.MeetingParticipant": Held(
        "meeting__plan__citizen", "data/meeting_participants.csv", None
    ),
    "plans.Mentor": Held("plan__citizen", "data/mentors.csv"),
    "plans.PlanRole": Held("plan__citizen", "data/plan_roles.csv"),
    "plans.StatutoryPlan": Held("plan__citizen", "data-ekstra/statutory_plans.csv"),
    "plans.VacancySuggestion": Held("plan__citizen", "data-ekstra/vacancy_suggestions.csv"),
    "programmes.Enrolment": Held("citizen", "data/enrolments.csv"),
    "programmes.MilestoneConfirmation": Held(
        "enrolment__citizen", "data-ekstra/milestone_confirmations.csv"
    ),
    "referrals.Referral": Held("citizen", "data/referrals.csv"),
    "referrals.FocusItem": Held("referral__citizen", "data-ekstra/focus_items.csv"),
    "audit.ChangeRecord": Held("citizen", "data-ekstra/change_history.csv"),
    "rights.LegalHold": Held("citizen", "data-ekstra/legal_holds.csv"),
    "rights.ErasureCandidate": Held("citizen", "data-ekstra/erasure.csv", None),
    "portal.SelfAssessmentInvitation": Held("citizen", "data-ekstra/self_assessment_links.csv"),
    # The access log: the entries about the citizen, and the lists that showed them.
    "audit.AccessLogEntry": Held("citizen", "adgangslog.csv", None),
    "audit.AccessLogSubject": Held(
        "citizen", "adgangslog.csv", None, shown_as="audit.AccessLogEntry", of="entry_id"
    ),
}


def models_with_a_path_to_the_citizen() -> set[str]:
    """Every model from which foreign keys lead to a citizen."""
    reach = {Citizen}
    grown = True
    while grown:
        grown = False
        for model in apps.get_models():
            if model in reach:
                continue
            if any(
                f.concrete and (f.many_to_one or f.one_to_one) and f.related_model in reach
                for f in model._meta.get_fields()
            ):
                reach.add(model)
                grown = True
    return {model._meta.label for model in reach}


def test_every_model_with_a_path_to_the_citizen_is_in_the_table():
    assert models_with_a_path_to_the_citizen() == set(TABLES)


def rows_of_citizen(label: str, held: Held, citizen) -> list:
    model = apps.get_model(label)
    if label == "audit.AccessLogEntry":
        rows = model.objects.filter(Q(citizen=citizen) | Q(subjects__citizen=citizen)).distinct()
    else:
        rows = model.objects.filter(**{held.path: citizen.pk})
    return list(rows.values_list(held.of, flat=True))


@pytest.mark.parametrize("label", list(TABLES))
def test_the_export_holds_every_row_of_every_table_with_a_path_to_the_citizen(world, label):
    history(world, rounds=2)
    held = TABLES[label]
    archive = export(world)
    ids = rows_of_citizen(label, held, world.citizen)
    assert ids, f"the test's history makes no {label}"
    # Another citizen's rows are not in it.
    other = rows_of_citizen(label, held, world.teammates_citizen)

    report = archive.read("rapport.html").decode()
    marked = held.shown_as or label
    for pk in ids:
        assert f'data-row="{marked}:{pk}"' in report, (label, pk)
    for pk in other:
        assert f'data-row="{marked}:{pk}"' not in report, (label, pk)

    data = json.loads(archive.read("data.json"))
    for rows in (csv_rows(archive, held.file), data["files"][held.file]):
        if held.column is None:
            # An entry is one row however many lists named the citizen (the export's own row
            # is among them: it was written before the rows were read).
            expected = len(set(ids)) if label.startswith("audit.") else len(ids)
            if label == "audit.AccessLogSubject":
                entries = TABLES["audit.AccessLogEntry"]
                expected = len(rows_of_citizen("audit.AccessLogEntry", entries, world.citizen))
            assert len(rows) == expected, label
        else:
            assert {str(row[held.column]) for row in rows} == {str(pk) for pk in ids}, label


def test_the_package_files_are_the_citizens_rows_of_the_whole_export(world, tmp_path):
    """The same columns and values as `package_export` writes, restricted to the citizen."""
    history(world)
    history_of_teammate = world.citizen
    world.citizen = world.teammates_citizen
    world.caseworker, caseworker = world.colleague, world.caseworker
    history(world)
    world.citizen, world.caseworker = history_of_teammate, caseworker
    package_export(actor=world.administrator, path=tmp_path)
    archive = export(world)
    manifest = json.loads(archive.read("data/manifest.json"))
    assert manifest["format"] == fmt.FORMAT and manifest["version"] == fmt.FORMAT_VERSION
    assert "staff.csv" not in manifest["files"] and "citizens.csv" in manifest["files"]
    citizen_id = str(world.citizen.pk)
    by_citizen = {
        "citizens.csv": "id",
        "enrolments.csv": "citizen",
        "assessments.csv": "citizen",
        "referrals.csv": "citizen",
        "plans.csv": "citizen",
        "goals.csv": "citizen",
        "activities.csv": "citizen",
        "meetings.csv": "citizen",
        "mentors.csv": "citizen",
        "plan_roles.csv": "citizen",
    }
    for name in manifest["files"]:
        ours = csv_rows(archive, "data/" + name)
        whole = list(
            csv.DictReader(
                io.StringIO((tmp_path / name).read_text(encoding="utf-8-sig")), delimiter=";"
            )
        )
        if name in by_citizen:
            whole = [row for row in whole if row[by_citizen[name]] == citizen_id]
        else:
            mine = {
                "goal_events.csv": ("goal", {r["id"] for r in csv_rows(archive, "data/goals.csv")}),
                "meeting_participants.csv": (
                    "meeting",
                    {r["id"] for r in csv_rows(archive, "data/meetings.csv")},
                ),
                "programmes.csv": (
                    "id",
                    {r["programme"] for r in csv_rows(archive, "data/enrolments.csv")},
                ),
            }[name]
            whole = [row for row in whole if row[mine[0]] in mine[1]]
        assert ours == whole and ours, name


def test_the_export_writes_one_access_log_row_with_its_purpose(world, login):
    history(world)
    client = login(world.caseworker)
    url = reverse("subject_access:export", args=[world.citizen.pk])
    before = set(AccessLogEntry.objects.values_list("pk", flat=True))
    response = client.post(url, {"purpose": "other", "note": "Klage over sagsbehandlingen"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="indsigt-')
    assert response["Cache-Control"] == "no-store"
    new = AccessLogEntry.objects.exclude(pk__in=before)
    assert new.count() == 1
    entry = new.get()
    assert (entry.action, entry.citizen_id, entry.user_id) == (
        "export",
        world.citizen.pk,
        world.caseworker.pk,
    )
    assert entry.purpose == "Indsigt: Andet (skriv hvorfor): Klage over sagsbehandlingen"
    assert entry.path == url
    # The export holds its own row.
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    log = csv_rows(archive, "adgangslog.csv")
    assert log[-1]["Formål"] == entry.purpose and log[-1]["Handling"] == "Eksporteret"
    assert f'data-row="audit.AccessLogEntry:{entry.pk}"' in archive.read("rapport.html").decode()


def test_a_purpose_from_the_list_is_required(world, login):
    client = login(world.caseworker)
    url = reverse("subject_access:export", args=[world.citizen.pk])
    for body in ({}, {"purpose": "nonsense"}, {"purpose": "other", "note": " "}):
        response = client.post(url, body)
        assert response.status_code == 400, body
        assert response["Content-Type"].startswith("text/html")
    assert not AccessLogEntry.objects.filter(action="export").exists()
    page = client.get(url)
    assert page.status_code == 200
    assert "Borgerens anmodning om indsigt" in page.content.decode()


# Who may export: the caseworkers of the citizen's home organisation. Others who see the
# citizen get 403, those who do not 404, as on the CPR number's page.
EXPECTED = {
    "caseworker": 200,
    "colleague": 200,
    "job_consultant": 403,
    "manager": 404,
    "administrator": 404,
    "outsider": 404,
    "provider_staff": 403,
    "other_provider_staff": 404,
}


def test_it_checks_ownership(world, login, client):
    citizen_page = reverse("citizens:detail", args=[world.citizen.pk])
    url = reverse("subject_access:export", args=[world.citizen.pk])
    assert set(EXPECTED) == {
        "caseworker",
        "colleague",
        "job_consultant",
        "manager",
        "administrator",
        "outsider",
        "provider_staff",
        "other_provider_staff",
    }
    for persona, expected in EXPECTED.items():
        client = login(getattr(world, persona))
        assert client.get(url).status_code == expected, persona
        response = client.post(url, {"purpose": "citizen_request"})
        assert response.status_code == expected, persona
        assert (response.get("Content-Type") == "application/zip") == (expected == 200)
        page = client.get(citizen_page)
        if page.status_code == 200:
            assert ('data-testid="subject-access-link"' in page.content.decode()) == (
                expected == 200
            ), persona
    # Another organisation's caseworker's citizen, by the caseworker: 404.
    client = login(world.caseworker)
    foreign = reverse("subject_access:export", args=[world.foreign_citizen.pk])
    assert client.post(foreign, {"purpose": "citizen_request"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    exports = AccessLogEntry.objects.filter(action="export")
    assert sorted(exports.values_list("username", flat=True)) == ["caseworker", "colleague"]


def test_the_report_is_self_contained_and_readable(world):
    history(world)
    archive = export(world)
    report = archive.read("rapport.html").decode()
    assert "<style>" in report
    assert not re.search(r"<(link|script|img|iframe)\b", report)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", report)
    assert not re.search(r"url\(", report)
    cpr = citizen_cpr(world.citizen)
    assert cpr.formatted in report  # the citizen's own copy holds the number in full
    for text in (
        "Det har Fremdrift om Karin1 Blixen",
        "Karin1 Blixen",
        "Jobcenter Nord",
        "Helbred og arbejde",  # an item's label
        "6 – ",  # a scale point with its label
        "bedre ryg",  # an answer's comment
        "Et job i et køkken",
        "Tilbagefald: Syg i to uger",  # a goal event's reason and note
        "Status: Opgivet",
        "Løntilskud i køkkenet",
        "22 timer om ugen",
        "Dr. Holm",
        "Intern note",
        "Lone Mentor",
        "Vurderer skånehensyn",
        "Boligplan 1",  # another plan of the citizen's
        "Café B",
        "Selvforsørgelse: Ordinært job",  # the exit reason's two levels
        "Fik job i Netto",
        "Milepæl nået: CV skrevet",
        "Hvem har set dine oplysninger",
    ):
        assert text in report, text


def test_corrections_are_shown_with_their_dates(world, login):
    history(world)
    citizen = world.citizen
    new_cpr = make_cpr(dt.date(1990, 3, 15))
    citizen_services.citizen_update(
        actor=world.caseworker,
        citizen=citizen,
        expected_version=citizen.version,
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        cpr=new_cpr,
        responsible_caseworker=citizen.responsible_caseworker,
        target_group=citizen.target_group,
    )
    citizen.refresh_from_db()
    today = timezone.localdate()
    danish = f"{today.day}. {MONTHS[today.month - 1]} {today.year}"
    report = export(world).read("rapport.html").decode()
    assert f"Rettet den {danish}: fornavn fra Karen til Karin1" in report
    assert f"Rettet den {danish}: Helbred og arbejde fra 4 – " in report
    assert f"Rettet den {danish}: kommentar til Helbred og arbejde fra ondt i ryggen" in (report)
    assert f"CPR-nummer rettet den {danish}: fra 140390-XXXX til 150390-XXXX" in report
    data = json.loads(export(world).read("data.json"))
    corrections = data["files"]["data-ekstra/corrections.csv"]
    assert {"fornavn", "CPR-nummer", "dato"} <= {c["field"] for c in corrections}

    # The printed report shows them too, a corrected CPR number only as corrected.
    html = login(world.caseworker).get(reverse("plans:report", args=[citizen.pk])).content.decode()
    cpr = citizen_cpr(citizen)
    assert cpr.formatted not in html and cpr.masked not in html and "140390-XXXX" not in html
    assert f"CPR-nummer rettet den {danish}" in html
    assert f"Rettet den {danish}: fornavn fra Karen til Karin1" in html
    assert f"Rettet den {danish}: Helbred og arbejde fra 4 – " in html
    # Provider staff read the citizen's corrections, not the assessments'.
    html = (
        login(world.provider_staff).get(reverse("plans:report", args=[citizen.pk])).content.decode()
    )
    assert f"CPR-nummer rettet den {danish}" in html
    assert "Helbred og arbejde fra" not in html


MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


@pytest.mark.parametrize("names", [True, False])
def test_staff_are_named_or_only_by_organisation_and_role_as_the_setting_says(
    world, settings, names
):
    settings.FREMDRIFT_SUBJECT_ACCESS_STAFF_NAMES = names
    history(world)
    archive = export(world)
    report = archive.read("rapport.html").decode()
    log_section = report.split('data-testid="access-log"')[1]
    changes_section = report.split('data-testid="changes"')[1].split("</section>")[0]
    log = csv_rows(archive, "adgangslog.csv")
    data = json.loads(archive.read("data.json"))
    changes = data["files"]["data-ekstra/change_history.csv"]
    # Provider staff read the citizen's page; a colleague listed them.
    assert "Medarbejder hos tilbud, Vækst" in log_section
    assert "Sagsbehandler, Jobcenter Nord" in log_section
    assert any(r["Rolle"] == "Medarbejder hos tilbud" and r["Organisation"] == "Vækst" for r in log)
    for who in ("Provider Testsen", "Colleague Testsen", "Caseworker Testsen"):
        assert (who in log_section) == names, who
    assert ("Caseworker Testsen" in changes_section) == names
    assert ("Medarbejder" in log[0]) == names
    assert all(("user" in row) == names for row in data["files"]["adgangslog.csv"])
    assert {c["by"] for c in changes} == (
        {"Caseworker Testsen", "Administrator Testsen"} if names else {""}
    )
    assert {c["by_role"] for c in changes} == {"Sagsbehandler", "Administrator"}
    if not names:
        for username in ("provider", "colleague"):
            assert f">{username}<" not in report and username not in str(log)


def test_the_export_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    history(world)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export(world)
        return len(captured)

    export(world)  # the first export in a process reads what Django caches
    short = queries()
    history(world, rounds=3)
    with django_assert_max_num_queries(short):
        export(world)
    assert queries() == short


def test_a_citizen_without_a_plan_or_history_exports(world):
    archive = export(world, user=world.colleague)
    names = set(archive.namelist())
    assert {"rapport.html", "data.json", "adgangslog.csv", "data/manifest.json"} <= names
    assert "Du har ingen plan endnu." in archive.read("rapport.html").decode()
    assert csv_rows(archive, "data/goals.csv") == []
    assert Assessment.objects.filter(citizen=world.citizen).count() == 0
    assert ChangeRecord.objects.filter(citizen_id=world.citizen.pk).exists()
