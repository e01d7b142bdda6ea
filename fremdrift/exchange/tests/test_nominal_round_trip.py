"""List items ("choice", "choices") in the exchange package: their answers travel as codes
(`codes` in assessments.csv), an enrolment names its participant profile
(`profile_assessment` in enrolments.csv), an export imports into an empty database as it was,
and a code off the list, two codes for one choice or a profile that is not one are reported
with file, line and column, and nothing is imported."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

from fremdrift.assessments.models import Answer, Assessment
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.exchange import format as fmt
from fremdrift.exchange.models import SourceKey
from fremdrift.exchange.services import package_export, package_import
from fremdrift.exchange.tests.conftest import EXAMPLE
from fremdrift.instruments.builtin import PROFILE_CODE
from fremdrift.instruments.models import Instrument, InstrumentVersion
from fremdrift.instruments.services import ItemSpec, instrument_create, version_publish
from fremdrift.programmes.models import Enrolment
from fremdrift.programmes.services import enrolment_create, enrolment_profile_record
from fremdrift.testing import make_citizen, make_programme

SECTORS = [
    ["retail", "Detailhandel", "Retail"],
    ["care", "Omsorg", "Care"],
    ["transport", "Transport", "Transport"],
]
DAYS = [
    ["mon", "Mandag", "Monday"],
    ["tue", "Tirsdag", "Tuesday"],
    ["wed", "Onsdag", "Wednesday"],
]


@pytest.fixture(autouse=True)
def in_english():
    """The messages as written in the code, whatever translations they get."""
    with translation.override("en"):
        yield


def job_wishes(actor) -> InstrumentVersion:
    """A published instrument with one list item of one choice, one of several choices and an
    ordinal item."""
    instrument = instrument_create(
        actor=actor,
        code="job_wishes",
        name_da="Jobønsker",
        purpose="progression",
        respondents=["citizen", "caseworker"],
        items=[
            ItemSpec(
                code="sector",
                label_da="Branche",
                text_da="Hvilken branche vil du helst arbejde i?",
                scale_type="choice",
                options=SECTORS,
                allows_dont_know=True,
            ),
            ItemSpec(
                code="days",
                label_da="Dage",
                text_da="Hvilke dage kan du arbejde?",
                scale_type="choices",
                options=DAYS,
            ),
            ItemSpec(
                code="motivation",
                label_da="Motivation",
                text_da="Hvor motiveret er du?",
                scale_type="ordinal",
                scale_min=1,
                scale_max=10,
            ),
        ],
    )
    return version_publish(actor=actor, version=instrument.versions.get())


def items_of(code: str) -> list[tuple]:
    version = Instrument.objects.get(code=code).versions.get(status="published")
    return list(version.items.order_by("position").values_list("code", "scale_type", "options"))


def codes_by_item() -> list[tuple]:
    return sorted(
        (a.assessment.date, a.item.code, tuple(a.codes), a.value, a.dont_know)
        for a in Answer.objects.select_related("assessment", "item")
    )


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_list_answers_and_the_profile_come_back_after_an_import_into_an_empty_database(
    fremby, tmp_path
):
    version = job_wishes(fremby.administrator)
    items_before = items_of("job_wishes")
    first = tmp_path / "first"
    with transaction.atomic():
        citizen = make_citizen(fremby.caseworker, born=dt.date(1985, 5, 1))
        enrolment = enrolment_create(
            actor=fremby.caseworker,
            citizen=citizen,
            programme=make_programme(fremby.provider),
            start_date=dt.date(2025, 1, 6),
        )
        profile = enrolment_profile_record(
            actor=fremby.caseworker,
            enrolment=enrolment,
            date=dt.date(2025, 1, 6),
            answers={
                "benefit_type": AnswerInput(codes=["cash_benefit"]),
                "match_reasons": AnswerInput(codes=["addiction", "social"]),
                "education": AnswerInput(dont_know=True),
            },
        )
        for week, (sector, days) in enumerate(
            [(["care"], ["wed", "mon"]), (["transport"], ["tue"])]
        ):
            assessment_record(
                actor=fremby.caseworker,
                citizen=citizen,
                version=version,
                date=dt.date(2025, 1, 6) + dt.timedelta(weeks=2 * week),
                respondent="citizen",
                status="completed",
                answers={
                    "sector": AnswerInput(codes=sector),
                    "days": AnswerInput(codes=days, comment="=kun formiddag"),
                    "motivation": AnswerInput(value=6 + week),
                },
            )
        answers_before = codes_by_item()
        counts = package_export(actor=fremby.administrator, path=first)
        assert counts["assessments.csv"] == 3 + 2 * 3
        transaction.set_rollback(True)

    assert not Answer.objects.exists() and not Enrolment.objects.exists()
    imported = package_import(actor=fremby.administrator, path=first)
    assert imported.written, imported.errors
    assert codes_by_item() == answers_before
    # The codes in the list's order, whatever order they were given in.
    assert ("days", ("mon", "wed")) in [(item, codes) for _d, item, codes, *_r in answers_before]
    # The items and their lists are the instrument's in Fremdrift, untouched by the package.
    assert items_of("job_wishes") == items_before
    assert [options for _c, _s, options in items_before[:2]] == [SECTORS, DAYS]
    # Nominal answers never enter the score.
    assert sorted(
        Assessment.objects.filter(version__instrument__code="job_wishes").values_list(
            "scored_items", "score_total", "item_values"
        )
    ) == [(1, 6.0, {"motivation": 6.0}), (1, 7.0, {"motivation": 7.0})]
    enrolment = Enrolment.objects.get()
    assert enrolment.profile.version.instrument.code == PROFILE_CODE
    assert {a.item.code: a.codes for a in enrolment.profile.answers.all()} == {
        "benefit_type": ["cash_benefit"],
        "match_reasons": ["social", "addiction"],
        "education": [],
    }
    second = tmp_path / "second"
    package_export(actor=fremby.administrator, path=second)
    assert files_of(second) == files_of(first)
    answers = (first / "assessments.csv").read_text(encoding="utf-8-sig")
    assert answers.splitlines()[0].endswith(";comment;codes")
    assert ";'=kun formiddag;mon|wed\n" in answers
    assert f";{PROFILE_CODE};" in answers and ";social|addiction\n" in answers
    enrolments = (first / "enrolments.csv").read_text(encoding="utf-8-sig")
    profile_key = SourceKey.objects.get(entity="assessment", object_id=enrolment.profile_id)
    assert enrolments.splitlines()[0].endswith(";exit_note;profile_assessment")
    assert enrolments.splitlines()[1].endswith(f";{profile_key.source_id}")
    assert profile_key.source_id == str(profile.pk)


HEAD = "assessment;citizen;instrument;version;date;respondent;status;item;value;dont_know;"
ENROLMENTS = """id;citizen;programme;start_date;end_date;exit_reason;exit_note;profile_assessment
F-1;B-1;P-100;02-02-2026;;;;{f1}
F-2;B-2;P-100;02-02-2026;15-06-2026;job;Fastansat som lagermedarbejder;{f2}
F-3;B-3;P-100;01-03-2026;;;;{f3}
"""
NOMINAL_ROWS = [
    "L-1;B-1;job_wishes;1;03-02-2026;citizen;completed;sector;;0;0;;care",
    "L-1;B-1;job_wishes;1;03-02-2026;citizen;completed;days;;0;0;;tue|mon",
    "L-1;B-1;job_wishes;1;03-02-2026;citizen;completed;motivation;7;0;0;;",
    "D-1;B-1;participant_profile;1;02-02-2026;caseworker;completed;benefit_type;;0;0;;cash_benefit",
    "D-1;B-1;participant_profile;1;02-02-2026;caseworker;completed;match_reasons;;0;0;;social",
    "D-2;B-2;participant_profile;1;02-02-2026;caseworker;completed;education;;1;0;;",
]


def with_nominal_rows(example: Path, rows=NOMINAL_ROWS, **profiles) -> int:
    """Adds the `codes` column and `rows` to the example's assessments.csv, and the
    `profile_assessment` column to its enrolments.csv; the line of the first row added."""
    lines = (EXAMPLE / "assessments.csv").read_text(encoding="utf-8-sig").splitlines()
    lines = [lines[0] + ";codes"] + [line + ";" for line in lines[1:]] + list(rows)
    (example / "assessments.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    enrolments = ENROLMENTS.format(**({"f1": "D-1", "f2": "D-2", "f3": ""} | profiles))
    (example / "enrolments.csv").write_bytes(enrolments.replace("\n", "\r\n").encode("utf-8-sig"))
    return len(lines) - len(rows) + 1


def test_an_older_package_with_codes_and_profiles_imports_and_again_changes_nothing(
    fremby, example
):
    job_wishes(fremby.administrator)
    with_nominal_rows(example)
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, result.errors
    assert result.counts["assessment"] == {"created": 7}
    listed = Assessment.objects.get(version__instrument__code="job_wishes")
    assert {a.item.code: (a.codes, a.value) for a in listed.answers.all()} == {
        "sector": (["care"], None),
        "days": (["mon", "tue"], None),
        "motivation": ([], 7.0),
    }
    assert listed.item_values == {"motivation": 7.0}
    profiles = dict(Enrolment.objects.values_list("citizen__first_name", "profile__answers__codes"))
    assert set(profiles) == {"Sanne", "Ahmad", "Freja"}
    sanne = Enrolment.objects.get(citizen__first_name="Sanne")
    assert {a.item.code: a.codes for a in sanne.profile.answers.all()} == {
        "benefit_type": ["cash_benefit"],
        "match_reasons": ["social"],
    }
    assert Enrolment.objects.get(citizen__first_name="Freja").profile is None

    again = package_import(actor=fremby.administrator, path=example)
    assert again.written, again.errors
    assert again.counts["assessment"] == {"unchanged": 7}
    assert again.counts["enrolment"] == {"unchanged": 3}

    # A changed code corrects the assessment; Freja's enrolment gets its profile later.
    rows = [r.replace("tue|mon", "wed") for r in NOMINAL_ROWS]
    rows.append(
        "D-3;B-3;participant_profile;1;01-03-2026;caseworker;completed;match_group;;0;0;;match_2"
    )
    with_nominal_rows(example, rows, f3="D-3")
    later = package_import(actor=fremby.administrator, path=example)
    assert later.written, later.errors
    assert later.counts["assessment"] == {"unchanged": 6, "updated": 1, "created": 1}
    assert later.counts["enrolment"] == {"unchanged": 2, "updated": 1}
    assert listed.answers.get(item__code="days").codes == ["wed"]
    freja = Enrolment.objects.get(citizen__first_name="Freja")
    assert freja.profile.answers.get().codes == ["match_2"]


WRITTEN = (Assessment, Answer, Enrolment, SourceKey)


def test_codes_off_the_list_and_profiles_that_are_not_one_are_reported_and_nothing_imported(
    fremby, example
):
    job_wishes(fremby.administrator)
    rows = [
        "L-1;B-1;job_wishes;1;03-02-2026;citizen;completed;sector;;0;0;;care|retail",
        "L-1;B-1;job_wishes;1;03-02-2026;citizen;completed;days;;0;0;;mon|sunday",
        "L-1;B-1;job_wishes;1;03-02-2026;citizen;completed;motivation;;0;0;;mon",
        "L-2;B-1;job_wishes;1;04-02-2026;citizen;completed;sector;bus;0;0;;",
        "L-2;B-1;job_wishes;1;04-02-2026;citizen;completed;days;;1;0;;tue",
        "D-1;B-1;participant_profile;1;02-02-2026;caseworker;completed;benefit_type;;0;0;;x",
        "D-2;B-2;participant_profile;1;02-02-2026;caseworker;completed;education;;1;0;;",
    ]
    first = with_nominal_rows(example, rows, f1="L-1", f2="D-1", f3="NOPE")
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok and not result.written
    assert sorted(result.errors) == sorted(
        [
            fmt.PackageError("assessments.csv", first, "codes", "Choose only one answer."),
            fmt.PackageError(
                "assessments.csv", first + 1, "codes", "sunday is not on the item's list."
            ),
            fmt.PackageError(
                "assessments.csv", first + 2, "codes", "This item is not answered from a list."
            ),
            fmt.PackageError(
                "assessments.csv", first + 3, "value", "bus is not on the item's list."
            ),
            fmt.PackageError(
                "assessments.csv",
                first + 4,
                "codes",
                "Choose from the list or 'don't know', not both.",
            ),
            fmt.PackageError("assessments.csv", first + 5, "codes", "x is not on the item's list."),
            fmt.PackageError(
                "enrolments.csv",
                2,
                "profile_assessment",
                "The assessment is not of the participant profile.",
            ),
            fmt.PackageError(
                "enrolments.csv", 3, "profile_assessment", "The assessment is of another citizen."
            ),
            fmt.PackageError(
                "enrolments.csv",
                4,
                "profile_assessment",
                "No assessment with this id in assessments.csv or imported before.",
            ),
        ]
    )
    assert all(not model.objects.exists() for model in WRITTEN)


def test_a_profile_named_twice_or_replacing_another_is_refused(fremby, example):
    job_wishes(fremby.administrator)
    with_nominal_rows(example, f1="D-1", f2="D-1")
    result = package_import(actor=fremby.administrator, path=example)
    assert result.errors == [
        fmt.PackageError(
            "enrolments.csv",
            3,
            "profile_assessment",
            "The assessment is already the profile of the enrolment on line 2.",
        )
    ]
    assert all(not model.objects.exists() for model in WRITTEN)

    with_nominal_rows(example)
    assert package_import(actor=fremby.administrator, path=example).written
    # Sanne's enrolment has D-1 for its profile: naming D-2 (Ahmad's) is refused twice over.
    with_nominal_rows(example, f1="D-2", f2="")
    refused = package_import(actor=fremby.administrator, path=example)
    assert refused.errors == [
        fmt.PackageError(
            "enrolments.csv", 2, "profile_assessment", "The assessment is of another citizen."
        )
    ]
    rows = [*NOMINAL_ROWS, NOMINAL_ROWS[3].replace("D-1", "D-9")]
    with_nominal_rows(example, rows, f1="D-9")
    replaced = package_import(actor=fremby.administrator, path=example)
    assert replaced.errors == [
        fmt.PackageError(
            "enrolments.csv",
            2,
            "profile_assessment",
            "The enrolment has another profile; a profile is corrected in Fremdrift, not replaced.",
        )
    ]
    assert Enrolment.objects.get(citizen__first_name="Sanne").profile == (
        Assessment.objects.get(pk=SourceKey.objects.get(source_id="D-1").object_id)
    )
