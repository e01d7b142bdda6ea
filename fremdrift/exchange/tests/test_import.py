"""Importing exchange packages: everything checked first, every error reported with its place,
nothing written unless all is well, and the same package twice changes nothing."""

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fremdrift.assessments.models import Answer, Assessment
from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens.models import Citizen
from fremdrift.citizens.selectors import citizen_cpr
from fremdrift.companies.models import Company, CompanyContact, Vacancy
from fremdrift.exchange.models import PackageImport, SourceKey
from fremdrift.exchange.services import package_export, package_import
from fremdrift.plans.models import (
    Activity,
    Goal,
    GoalEvent,
    Meeting,
    Mentor,
    Plan,
    PlanRole,
    VacancySuggestion,
)
from fremdrift.plans.selectors import replay
from fremdrift.programmes.models import Enrolment, Programme

WRITTEN = (
    Programme,
    Citizen,
    Enrolment,
    Assessment,
    Answer,
    Plan,
    Goal,
    GoalEvent,
    Activity,
    Meeting,
    Mentor,
    PlanRole,
    Company,
    CompanyContact,
    Vacancy,
    VacancySuggestion,
    SourceKey,
    PackageImport,
)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in WRITTEN}


def rewrite(package: Path, name: str, text: str, encoding: str = "utf-8-sig") -> None:
    (package / name).write_bytes(text.replace("\n", "\r\n").encode(encoding))


def read(package: Path, name: str) -> str:
    return (package / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def test_the_example_package_imports_into_an_empty_municipality(fremby, example):
    result = package_import(actor=fremby.administrator, path=example)
    assert result.ok and result.written, result.errors
    assert {e: dict(c) for e, c in result.counts.items()} == {
        "organisation": {"unchanged": 2},
        "staff": {"updated": 2},  # the names the example gives them
        "company": {"created": 2},
        "company_contact": {"created": 2},
        "vacancy": {"created": 1},
        "programme": {"created": 1},
        "citizen": {"created": 3},
        "enrolment": {"created": 3},
        "assessment": {"created": 4},
        "referral": {"created": 1},
        "plan": {"created": 1},
        "goal": {"created": 4},
        "goal_event": {"created": 3},
        "activity": {"created": 2},
        "meeting": {"created": 2},
        "mentor": {"created": 1},
        "plan_role": {"created": 2},
        "vacancy_suggestion": {"created": 1},
    }
    sanne = Citizen.objects.get(first_name="Sanne")
    assert citizen_cpr(sanne).formatted == "120491-1234"
    assert sanne.last_name == "Østergaard" and sanne.responsible_caseworker == fremby.caseworker
    programme = Programme.objects.get()
    assert str(programme.price) == "42500.50" and programme.capacity == 25
    ahmad = Enrolment.objects.get(citizen__first_name="Ahmad")
    assert (ahmad.status, ahmad.end_date.isoformat(), ahmad.exit_reason.code) == (
        "ended",
        "2026-06-15",
        "job",
    )
    first = Assessment.objects.filter(citizen=sanne).order_by("date").first()
    answers = {a.item.code: a for a in first.answers.select_related("item")}
    assert answers["health_for_work"].value == 4 and answers["network_support"].value == 2
    assert answers["everyday_energy"].comment == "Sover dårligt"
    assert (first.scored_items, first.score_total) == (3, 9)
    assert first.item_values == {"health_for_work": 4, "network_support": 2, "everyday_energy": 3}
    # The programme's instruments are followed and the next due date kept, as on the pages.
    assert PackageImport.objects.get().imported_by == fremby.administrator


def test_importing_the_same_package_again_changes_nothing(fremby, example):
    package_import(actor=fremby.administrator, path=example)
    before = counts()
    changes = ChangeRecord.objects.count()
    stamps = list(Citizen.objects.order_by("pk").values_list("updated_at", "version"))
    again = package_import(actor=fremby.administrator, path=example)
    assert again.written
    assert {e: dict(c) for e, c in again.counts.items()} == {
        "organisation": {"unchanged": 2},
        "staff": {"unchanged": 2},
        "company": {"unchanged": 2},
        "company_contact": {"unchanged": 2},
        "vacancy": {"unchanged": 1},
        "programme": {"unchanged": 1},
        "citizen": {"unchanged": 3},
        "enrolment": {"unchanged": 3},
        "assessment": {"unchanged": 4},
        "referral": {"unchanged": 1},
        "plan": {"unchanged": 1},
        "goal": {"unchanged": 4},
        "goal_event": {"unchanged": 3},
        "activity": {"unchanged": 2},
        "meeting": {"unchanged": 2},
        "mentor": {"unchanged": 1},
        "plan_role": {"unchanged": 2},
        "vacancy_suggestion": {"unchanged": 1},
    }
    assert counts() == before | {"PackageImport": before["PackageImport"] + 1}
    assert ChangeRecord.objects.count() == changes
    assert list(Citizen.objects.order_by("pk").values_list("updated_at", "version")) == stamps


def test_changed_rows_update_the_objects_they_came_from(fremby, example):
    package_import(actor=fremby.administrator, path=example)
    rewrite(
        example,
        "citizens.csv",
        read(example, "citizens.csv").replace("Sanne;Østergaard", "Sanne;Østergaard Holm"),
    )
    rewrite(
        example,
        "enrolments.csv",
        read(example, "enrolments.csv").replace(
            "F-3;B-3;P-100;01-03-2026;;;", "F-3;B-3;P-100;01-03-2026;30-09-2026;education;"
        ),
    )
    rewrite(
        example,
        "assessments.csv",
        read(example, "assessments.csv").replace(
            "completed;work_skills;6", "completed;work_skills;8"
        ),
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    assert result.counts["citizen"] == {"updated": 1, "unchanged": 2}
    assert result.counts["enrolment"] == {"updated": 1, "unchanged": 2}
    assert result.counts["assessment"] == {"updated": 1, "unchanged": 3}
    assert Citizen.objects.get(first_name="Sanne").last_name == "Østergaard Holm"
    freja = Enrolment.objects.get(citizen__first_name="Freja")
    assert (freja.status, freja.exit_reason.code) == ("ended", "education")
    assert (
        Answer.objects.get(item__code="work_skills", assessment__citizen__first_name="Ahmad").value
        == 8
    )
    assert Citizen.objects.count() == 3 and Assessment.objects.count() == 4


def test_a_package_with_errors_in_many_files_reports_all_of_them_and_writes_nothing(
    fremby, example
):
    rewrite(
        example,
        "programmes.csv",
        "id;organisation;name;start_date;end_date;price\n"
        "P-100;Vækstværkstedet;Værksted;01-01-2026;01-12-2025;12,5\n"
        "P-200;Ukendt ApS;Andet;2026-13-01;;mange\n",
    )
    rewrite(
        example,
        "citizens.csv",
        read(example, "citizens.csv")
        .replace("120491-1234", "320491-1234")
        .replace("B-3;270201-4562", "B-2;270201-4562")
        + "B-4;010190-1111;;Hansen;no_such_group;Jobcenter Fremby;sagsbehandler\n",
    )
    rewrite(
        example,
        "enrolments.csv",
        read(example, "enrolments.csv")
        .replace("15-06-2026;job", "15-01-2026;job")
        .replace("F-3;B-3;P-100;01-03-2026;;;", "F-3;B-9;P-100;01-03-2026;;;"),
    )
    rewrite(
        example,
        "assessments.csv",
        read(example, "assessments.csv")
        .replace("health_for_work;5;", "health_for_work;11;")
        .replace("work_skills;6", "no_such_item;6"),
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok and not result.written
    found = {(e.file, e.line, e.column) for e in result.errors}
    assert {
        ("programmes.csv", 2, "end_date"),
        ("programmes.csv", 3, "organisation"),
        ("programmes.csv", 3, "start_date"),
        ("programmes.csv", 3, "price"),
        ("citizens.csv", 2, "cpr"),
        ("citizens.csv", 4, "id"),
        ("citizens.csv", 5, "first_name"),
        ("enrolments.csv", 3, "end_date"),
        ("enrolments.csv", 4, "citizen"),
        ("assessments.csv", 5, "value"),
        ("assessments.csv", 9, "item"),
    } <= found
    messages = {(e.file, e.line, e.column): e.message for e in result.errors}
    assert "Vælg et helt tal fra 1 til 10" in messages[("assessments.csv", 5, "value")]
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_error_report_stops_listing_at_its_limit_but_counts_the_rest(fremby, example):
    lines = ["id;cpr;first_name;last_name;target_group;organisation;caseworker"]
    lines += [f"X-{n};000000-0000;A;B;nope;Jobcenter Fremby;sagsbehandler" for n in range(300)]
    rewrite(example, "citizens.csv", "\n".join(lines) + "\n")
    result = package_import(actor=fremby.administrator, path=example)
    assert len(result.errors) == 200
    assert result.error_count > 600  # cpr and target group on every line, and the references


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_files_from_danish_excel_are_read(fremby, example, encoding, delimiter):
    for name in ("programmes.csv", "citizens.csv", "enrolments.csv", "assessments.csv"):
        text = read(example, name)
        if delimiter == ",":
            # Excel quotes a field with a comma in it.
            text = "\n".join(
                ",".join(f'"{f}"' if "," in f else f for f in line.split(";"))
                for line in text.splitlines()
            )
        rewrite(example, name, text, encoding)
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    assert Citizen.objects.get(first_name="Sanne").last_name == "Østergaard"
    assert str(Programme.objects.get().price) == "42500.50"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            'id;cpr;first_name;last_name;target_group;organisation;caseworker\nB-1;"120491-1234\n',
            "ikke gyldig CSV",
        ),
        ("", "tom"),
        (
            "id;cpr;first_name;last_name;target_group;organisation;caseworker;skostørrelse\n",
            "Ukendt kolonne",
        ),
        ("id;cpr;first_name\nB-1;120491-1234;Sanne\n", "mangler"),
    ],
)
def test_malformed_csv_is_reported_not_crashed_on(fremby, example, content, message):
    rewrite(example, "citizens.csv", content)
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok
    assert any(e.file == "citizens.csv" and message in e.message for e in result.errors), [
        str(e) for e in result.errors
    ]
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_zip_package_and_a_truncated_zip(fremby, example, tmp_path):
    packed = tmp_path / "pakke.zip"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in example.iterdir():
            archive.write(path, f"pakke/{path.name}")
    truncated = tmp_path / "afbrudt.zip"
    truncated.write_bytes(packed.read_bytes()[: packed.stat().st_size // 2])
    broken = package_import(actor=fremby.administrator, path=truncated)
    assert not broken.ok and "ZIP" in broken.errors[0].message
    assert counts() == dict.fromkeys(counts(), 0)
    result = package_import(actor=fremby.administrator, path=packed)
    assert result.written, result.errors
    assert Citizen.objects.count() == 3


def test_a_dry_run_reports_what_would_change_and_writes_nothing(fremby, example):
    result = package_import(actor=fremby.administrator, path=example, dry_run=True)
    assert result.ok and not result.written
    assert result.counts["citizen"] == {"created": 3}
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_command_imports_and_reports(fremby, example, capsys):
    call_command("import_package", str(example), "--dry-run")
    assert Citizen.objects.count() == 0
    call_command("import_package", str(example))
    assert Citizen.objects.count() == 3
    rewrite(example, "citizens.csv", read(example, "citizens.csv").replace("120491", "320491"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_package", str(example))
    assert "citizens.csv" in capsys.readouterr().err


def test_an_imported_citizen_who_exists_already_is_found_by_the_cpr_number(fremby, example):
    from fremdrift.testing import make_citizen

    existing = make_citizen(fremby.caseworker, cpr="1204911234", first_name="Sane")
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    existing.refresh_from_db()
    assert existing.first_name == "Sanne" and Citizen.objects.count() == 3
    assert SourceKey.objects.get(entity="citizen", source_id="B-1").object_id == existing.pk


def test_the_plan_arrives_with_its_history(fremby, example):
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    plan = Plan.objects.get(citizen__first_name="Sanne")
    assert plan.own_effort == "Jeg går en tur hver morgen"
    end_goal = Goal.objects.get(is_end_goal=True)
    assert end_goal.category.code == "ordinary_hours"
    revised = Goal.objects.get(text__startswith="Prøve en praktik i en dyreklinik")
    assert revised.parent == end_goal and revised.target_date.isoformat() == "2026-10-01"
    events = list(revised.events.order_by("at", "pk"))
    assert [e.reason for e in events] == ["created", "relapse"]
    assert events[1].note == "Praktikken stoppede efter en uge"
    # The current state is the replay of the events, as for goals typed into the plan.
    assert replay(events)["text"] == revised.text
    assert Goal.objects.get(text__startswith="Komme op").status == "achieved"
    internship = Activity.objects.get(kind__code="internship_single")
    assert (str(internship.weekly_hours), internship.company_mentor, internship.result) == (
        "6.0",
        True,
        "failed",
    )
    assert set(Activity.objects.get(kind__code="psychologist").goals.all()) == set(
        Goal.objects.exclude(parent=None)
    )
    meeting = Meeting.objects.get(status="held")
    assert [(p.role.code, p.user, p.name) for p in meeting.participants.order_by("pk")] == [
        ("employment_caseworker", fremby.caseworker, "Mette Kjær"),
        ("doctor", None, "Lone Berg"),
    ]
    assert (meeting.start_time, meeting.place) == (dt.time(10, 0), "Jobcenter Fremby")
    booked = Meeting.objects.get(status="booked")
    assert (booked.date, booked.start_time, booked.end_time) == (
        dt.date(2027, 1, 15),
        dt.time(9, 30),
        dt.time(10, 15),
    )
    mentor = Mentor.objects.get()
    assert mentor.name == "Jens Holm" and [t.code for t in mentor.tasks.all()] == ["goal_setting"]


def test_errors_in_the_plan_files_are_reported_with_their_place(fremby, example):
    rewrite(
        example,
        "goals.csv",
        read(example, "goals.csv")
        .replace("G-2;B-1;G-1;", "G-2;B-1;G-9;")
        .replace(";ordinary_hours;", ";;"),
    )
    rewrite(
        example,
        "goal_events.csv",
        read(example, "goal_events.csv").replace(
            "H-1;G-2;16-03-2026;achieved;Har klaret det i fire uger;;achieved;;;",
            "H-1;G-2;16-03-2026;because;Har klaret det i fire uger;;;;;",
        ),
    )
    rewrite(
        example,
        "activities.csv",
        read(example, "activities.csv")
        .replace("employment;internship_single", "health;internship_single")
        .replace(";06-04-2026;13-04-2026;6;", ";06-04-2026;13-03-2026;60;"),
    )
    rewrite(
        example,
        "meeting_participants.csv",
        read(example, "meeting_participants.csv") + "N-7;doctor;;Ukendt\n",
    )
    result = package_import(actor=fremby.administrator, path=example)
    found = {(e.file, e.line, e.column) for e in result.errors}
    assert {
        ("goals.csv", 2, "category"),
        ("goals.csv", 3, "end_goal"),
        ("goal_events.csv", 2, "reason"),
        ("goal_events.csv", 2, ""),
        ("activities.csv", 2, "kind"),
        ("activities.csv", 2, "end_date"),
        ("activities.csv", 2, "weekly_hours"),
        ("meeting_participants.csv", 5, "meeting"),
    } <= found, found
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_goal_keeps_its_history_when_a_package_rewrites_it(fremby, example):
    package_import(actor=fremby.administrator, path=example)
    rewrite(
        example,
        "goals.csv",
        read(example, "goals.csv").replace("Komme op om morgenen", "Komme op kl. 9"),
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.written
    assert result.errors[0].file == "goals.csv" and result.errors[0].line == 3
    assert "goal_events.csv" in result.errors[0].message
    assert Goal.objects.filter(text__startswith="Komme op om morgenen").exists()


def test_a_citizen_imported_before_cannot_come_again_under_another_id(fremby, example):
    package_import(actor=fremby.administrator, path=example)
    rewrite(example, "citizens.csv", read(example, "citizens.csv").replace("B-1;", "B-11;"))
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok
    assert ("citizens.csv", 2, "cpr") in {(e.file, e.line, e.column) for e in result.errors}
    assert "B-1" in next(e.message for e in result.errors if e.column == "cpr")
    assert Citizen.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id;cpr\n".encode("utf-16"), "UTF-16"),
        (
            b"id;cpr;first_name;last_name;target_group;organisation;caseworker\nB-1;\x81\x8d\n",
            "0x81",
        ),
    ],
)
def test_a_file_in_an_encoding_excel_does_not_write_for_csv_is_named(
    fremby, example, content, message
):
    (example / "citizens.csv").write_bytes(content)
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok
    assert any(e.file == "citizens.csv" and message in e.message for e in result.errors), [
        str(e) for e in result.errors
    ]
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.parametrize("price", ["0", "", "42500", "42500,5", "0,00"])
def test_an_unchanged_programme_is_unchanged_however_its_price_is_written(fremby, example, price):
    """A price is compared as a number: '0' is 0.00 in the database, and three imports of
    the same package write change records only the first time."""
    text = read(example, "programmes.csv")
    rewrite(example, "programmes.csv", text.replace(";25;42500,50", f";25;{price}"))
    first = package_import(actor=fremby.administrator, path=example)
    assert first.written, first.errors
    changes = ChangeRecord.objects.count()
    version = Programme.objects.get().version
    for _again in range(2):
        again = package_import(actor=fremby.administrator, path=example)
        assert dict(again.counts["programme"]) == {"unchanged": 1}
    assert ChangeRecord.objects.count() == changes
    assert Programme.objects.get().version == version


def test_goal_attainment_scaling_arrives_and_bad_scaling_is_refused_in_place(fremby, example):
    """Version 2 carries a goal's five levels, its baseline and the follow-up ratings."""
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    goal = Goal.objects.get(text__startswith="Komme op om morgenen")
    assert goal.gas_baseline == -1 and goal.gas_levels["2"] == "Ude af døren hver dag"
    rating = GoalEvent.objects.get(goal=goal, reason="follow_up")
    assert rating.changes == {"gas_level": 1}


def test_bad_goal_attainment_scaling_is_refused_with_its_place(fremby, example):
    goals = read(example, "goals.csv")
    rewrite(
        example,
        "goals.csv",
        goals.replace(";Ude af døren hver dag;-1", ";;-1").replace(
            "02-02-2026;;;;;;;end\nG-2", "02-02-2026;;;;;;3;end\nG-2"
        ),
    )
    events = read(example, "goal_events.csv")
    rewrite(
        example,
        "goal_events.csv",
        events.replace("marts;;;;;;+1", "marts;;;;;;+3").replace(
            "6 timer;;01-10-2026;;;", "6 timer;;01-10-2026;;;1"
        ),
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.written
    found = {(e.file, e.line, e.column): e.message for e in result.errors}
    assert "fem niveauer" in found[("goals.csv", 3, "gas_plus_2")]
    assert ("goals.csv", 2, "gas_baseline") in found  # a baseline without levels
    assert ("goal_events.csv", 4, "gas_level") in found  # +3
    assert "ikke skaleret" in found[("goal_events.csv", 3, "gas_level")]  # G-3 is not scaled
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_version_1_package_is_still_read(fremby, example):
    manifest = json.loads((example / "manifest.json").read_text(encoding="utf-8"))
    (example / "manifest.json").write_text(json.dumps(manifest | {"version": 1}))
    goals = [
        line.split(";")[:8]
        for line in read(example, "goals.csv").splitlines()
        if not line.startswith("G-4")  # version 1 has no sub-goal without an end goal
    ]
    rewrite(example, "goals.csv", "".join(";".join(cells) + "\n" for cells in goals))
    events = [
        line.split(";")[:10]
        for line in read(example, "goal_events.csv").splitlines()
        if not line.startswith("H-3")
    ]
    rewrite(example, "goal_events.csv", "".join(";".join(cells) + "\n" for cells in events))
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    assert dict(result.counts["goal_event"]) == {"created": 2}
    assert not Goal.objects.exclude(gas_levels={}).exists()


HEADER_V2 = "id;cpr;first_name;last_name;target_group;organisation;caseworker;birth_date;sex\n"
FREMBY = "activity_ready_cash_benefit;Jobcenter Fremby;sagsbehandler"


def with_citizens(example: Path, *rows: str) -> None:
    lines = read(example, "citizens.csv").splitlines()[1:]
    body = "".join(f"{line};;\n" for line in lines) + "".join(f"{r}\n" for r in rows)
    rewrite(example, "citizens.csv", HEADER_V2 + body)


def test_a_citizen_without_a_cpr_number_comes_with_birth_date_and_sex(
    fremby, example, tmp_path, login
):
    with_citizens(example, f"B-9;;Historisk;Borger;{FREMBY};14-03-1961;female")
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    citizen = Citizen.objects.get(first_name="Historisk")
    assert (citizen.has_cpr, citizen.birth_date.isoformat(), citizen.sex) == (
        False,
        "1961-03-14",
        "female",
    )
    assert citizen_cpr(citizen) is None
    # Never found by a CPR search, whole or in part; found by name.
    client = login(fremby.caseworker)
    for query in ("140361", "140361-1234"):
        page = client.post("/citizens/", {"q": query}).content.decode()
        assert "Historisk" not in page, query
    assert "Historisk" in client.post("/citizens/", {"q": "Historisk"}).content.decode()
    shown = client.get(f"/citizens/{citizen.pk}/").content.decode()
    assert "140361 (intet CPR-nummer)" in shown and 'name="purpose"' not in shown
    # Exported with its birth date and sex, and no CPR number; again unchanged.
    package_export(actor=fremby.administrator, path=tmp_path / "out")
    exported = (tmp_path / "out" / "citizens.csv").read_text(encoding="utf-8-sig")
    assert ";;Historisk;Borger;" in exported and "1961-03-14;female" in exported
    again = package_import(actor=fremby.administrator, path=example)
    assert dict(again.counts["citizen"]) == {"unchanged": 4}


def test_a_citizen_row_needs_a_cpr_number_or_birth_date_and_sex_that_agree(fremby, example):
    with_citizens(
        example,
        f"B-7;;Uden;Noget;{FREMBY};;",
        f"B-8;;Uden;Køn;{FREMBY};14-03-1961;",
        f"B-9;140361-1234;Forkert;Dato;{FREMBY};15-03-1961;",
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.written
    found = {(e.file, e.line, e.column) for e in result.errors}
    assert {
        ("citizens.csv", 5, "cpr"),
        ("citizens.csv", 6, "sex"),
        ("citizens.csv", 7, "birth_date"),
    } <= found
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_day_a_plan_was_made_arrives_and_cannot_be_in_the_future(fremby, example):
    plans = read(example, "plans.csv").splitlines()
    rewrite(
        example,
        "plans.csv",
        plans[0] + ";made\n" + "".join(f"{line};20-01-2026\n" for line in plans[1:]),
    )
    assert package_import(actor=fremby.administrator, path=example).written
    assert Plan.objects.get().made_on.isoformat() == "2026-01-20"
    rewrite(
        example,
        "plans.csv",
        plans[0] + ";made\n" + "".join(f"{line};20-01-2099\n" for line in plans[1:]),
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert ("plans.csv", 2, "made") in {(e.file, e.line, e.column) for e in result.errors}


def test_staff_and_providers_arrive_with_the_package(db, example):
    """Only the authority and its administrator exist: the package brings its provider and
    the caseworker its citizens name, who can sign in only through single sign-on or a reset
    link, and every such change is a change record."""
    from fremdrift.accounts.models import Organisation, User
    from fremdrift.testing import make_organisation, make_user

    fremby = make_organisation("Jobcenter Fremby")
    administrator = make_user("admin", fremby, "administrator")
    result = package_import(actor=administrator, path=example)
    assert result.written, result.errors
    assert dict(result.counts["organisation"]) == {"unchanged": 1, "created": 1}
    assert dict(result.counts["staff"]) == {"updated": 1, "created": 1}
    caseworker = User.objects.get(username="sagsbehandler")
    assert (caseworker.get_full_name(), caseworker.role, caseworker.organisation) == (
        "Mette Kjær",
        "caseworker",
        fremby,
    )
    assert not caseworker.has_usable_password()
    assert Citizen.objects.filter(responsible_caseworker=caseworker).count() == 3
    assert Organisation.objects.get(name="Vækstværkstedet").kind == "provider"
    assert ChangeRecord.objects.filter(
        model="accounts.User", object_id=str(caseworker.pk), kind="create"
    ).exists()
    assert ChangeRecord.objects.filter(model="accounts.Organisation").count() == 1


def test_staff_and_organisations_stay_inside_the_importers_organisation(fremby, example):
    from fremdrift.testing import make_organisation, make_user

    other = make_organisation("Jobcenter Andeby")
    make_user("andeby", other, "caseworker")
    rewrite(
        example,
        "organisations.csv",
        read(example, "organisations.csv")
        + "Jobcenter Nyby;authority;1\nJobcenter Andeby;authority;1\nVækstværkstedet;project;1\n",
    )
    rewrite(
        example,
        "staff.csv",
        read(example, "staff.csv").replace(";administrator;1", ";caseworker;1")
        + "andeby;A;B;;Jobcenter Fremby;caseworker;1\n"
        + "ny;N;Y;;Jobcenter Andeby;caseworker;1\n"
        + "boss;B;O;;Jobcenter Fremby;chief;1\n"
        + "ikke gyldig!;I;G;;Jobcenter Fremby;caseworker;1\n",
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.written
    found = {(e.file, e.line, e.column) for e in result.errors}
    assert {
        ("organisations.csv", 4, "kind"),  # a new authority
        ("organisations.csv", 5, "name"),  # another authority
        ("organisations.csv", 6, "kind"),  # a provider is not a project
        ("staff.csv", 2, "role"),  # the importer would make themselves a caseworker
        ("staff.csv", 4, "username"),  # another organisation's user
        ("staff.csv", 5, "organisation"),  # staff of another authority
        ("staff.csv", 6, "role"),
        ("staff.csv", 7, "username"),
    } <= found
    assert counts() == dict.fromkeys(counts(), 0)
    fremby.administrator.refresh_from_db()
    assert fremby.administrator.role == "administrator"


def test_a_new_installation_imports_a_package_after_migrate_only(db, example, capsys):
    """No organisation and no user: the package brings its authority and first administrator
    (`--organisation`), and a refused package leaves nothing behind."""
    from fremdrift.accounts.models import Organisation, User

    rewrite(example, "citizens.csv", read(example, "citizens.csv").replace("120491", "320491"))
    with pytest.raises(CommandError):
        call_command("import_package", str(example), "--organisation", "Jobcenter Fremby")
    assert not Organisation.objects.exists() and not User.objects.exists()

    rewrite(example, "citizens.csv", read(example, "citizens.csv").replace("320491", "120491"))
    call_command("import_package", str(example), "--organisation", "Jobcenter Fremby")
    administrator = User.objects.get(username="admin")
    assert (administrator.role, administrator.organisation.name) == (
        "administrator",
        "Jobcenter Fremby",
    )
    assert Citizen.objects.count() == 3 and Enrolment.objects.count() == 3
    printed = capsys.readouterr().out
    assert "Imported in one transaction." in printed
    # The administrator the package brought sets their password from a one-time link.
    assert re.search(r"sets the password once.*\nhttp://\S+/accounts/set-password/\S+/", printed)


def test_a_plan_arrives_as_the_municipality_keeps_it(fremby, example):
    """Version 2: a sub-goal without an end goal, and who does what, each with its place when
    wrong; a changed line of who does what updates the one it came from."""
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    alone = Goal.objects.get(text__startswith="Sove om natten")
    assert (alone.is_end_goal, alone.parent_id, alone.supported_by) == (False, None, "citizen")
    assert Goal.objects.get(text__startswith="Et arbejde").is_end_goal
    mette, lone = PlanRole.objects.order_by("pk")
    assert (mette.user, mette.role.code) == (fremby.caseworker, "employment_caseworker")
    assert (lone.user, lone.name, lone.role.code) == (None, "Lone Berg", "doctor")
    rewrite(
        example,
        "plan_roles.csv",
        read(example, "plan_roles.csv").replace("begynder", "begynder og undervejs"),
    )
    again = package_import(actor=fremby.administrator, path=example)
    assert dict(again.counts["plan_role"]) == {"updated": 1, "unchanged": 1}
    lone.refresh_from_db()
    assert lone.task.endswith("begynder og undervejs") and lone.version == 2


def test_errors_in_the_plans_shape_are_reported_with_their_place(fremby, example):
    rewrite(
        example,
        "goals.csv",
        read(example, "goals.csv")
        .replace(";-1;sub\n", ";-1;middle\n")
        .replace(";;;;;;;end\n", ";;;;;;;end\nG-5;B-1;G-1;Under;;;;02-02-2026;;;;;;;end\n"),
    )
    rewrite(
        example,
        "plan_roles.csv",
        read(example, "plan_roles.csv")
        + "R-3;B-1;astrologer;;Stjerne;Læser stjernerne\nR-4;B-1;other;;;Gør noget\n"
        + "R-5;B-1;other;;Ib;\n",
    )
    result = package_import(actor=fremby.administrator, path=example)
    found = {(e.file, e.line, e.column) for e in result.errors}
    assert {
        ("goals.csv", 3, "level"),  # an end goal under an end goal
        ("goals.csv", 4, "level"),  # neither end nor sub
        ("plan_roles.csv", 4, "role"),
        ("plan_roles.csv", 5, "name"),
        ("plan_roles.csv", 6, "task"),
    } <= found, found
    assert counts() == dict.fromkeys(counts(), 0)
