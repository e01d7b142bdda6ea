"""Every form keeps what was typed: a post with one invalid value answers 400 with the same
form, every other value as it was entered, Det Fælles Designsystem's error summary at the top
linking to the field, and nothing saved (no row, no change record)."""

import datetime as dt
import html
import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens.models import Citizen
from fremdrift.codelists.models import Code, CodeList
from fremdrift.instruments.models import Instrument
from fremdrift.plans import services as plan_services
from fremdrift.portal.models import SelfAssessmentInvitation
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services as referral_services
from fremdrift.testing import make_cpr, make_invitation, make_programme

TODAY = dt.date.today()


@dataclass
class Case:
    user: object
    url: str
    data: dict
    invalid: str  # the id the error summary links to
    kept: list[str] = field(default_factory=list)  # fragments of the re-rendered form


def _code(code_list: str, value: str, parent: str | None = None) -> Code:
    codes = Code.objects.filter(code_list=code_list, code=value)
    if parent:
        codes = codes.filter(parent__code=parent)
    return codes.first()


def _referral(world, citizen):
    programme = make_programme(world.vaekst)
    return referral_services.referral_create(
        actor=world.caseworker,
        citizen=citizen,
        programme=programme,
        start_date=TODAY - dt.timedelta(days=20),
        instrument=Instrument.objects.get(code="adult_wheel"),
        interval_days=14,
        starting_scores={"health_for_work": 4, "work_skills": 5},
    )


def citizen_create(world) -> Case:
    return Case(
        world.caseworker,
        reverse("citizens:create"),
        {
            "first_name": "Inger",
            "last_name": "Christensen",
            "cpr": "123",  # the typo
            "target_group": _code(CodeList.TARGET_GROUP, "activity_ready_cash_benefit").pk,
            "responsible_caseworker": world.colleague.pk,
            "creation_token": "6f1c7f1e-4a53-4f0e-9d0f-2d6a4bb1c001",
            "follow_every_days": "21",
        },
        "id_cpr",
        ['value="Inger"', 'value="Christensen"', 'value="123"', 'value="21"'],
    )


def citizen_edit(world) -> Case:
    c = world.citizen
    return Case(
        world.caseworker,
        reverse("citizens:edit", args=[c.pk]),
        {
            "first_name": "",  # the typo: emptied by mistake
            "last_name": "Dinesen",
            "cpr": "",
            "target_group": c.target_group_id,
            "responsible_caseworker": world.colleague.pk,
            "version": c.version,
        },
        "id_first_name",
        ['value="Dinesen"', f'<option value="{world.colleague.pk}" selected>'],
    )


def goal_add(world) -> Case:
    c = world.citizen
    plan_services.plan_get_or_create(actor=world.caseworker, citizen=c)
    return Case(
        world.caseworker,
        reverse("plans:goal_create", args=[c.pk]),
        {
            "parent": "",
            "text": "Jeg vil arbejde i en have",
            "target_date": "31-31-2027",  # the typo
            "gas_0": "Tre dage om ugen",
        },
        "id_target_date",
        ["Jeg vil arbejde i en have", 'value="31-31-2027"', 'value="Tre dage om ugen"'],
    )


def goal_change(world) -> Case:
    c = world.citizen
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=c)
    goal = plan_services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Jeg vil have et job",
        is_end_goal=True,
        category=_code(CodeList.END_GOAL_CATEGORY, "job"),
    )
    p = f"goal{goal.pk}-"
    return Case(
        world.caseworker,
        reverse("plans:goal_change", args=[c.pk, goal.pk]),
        {
            f"{p}version": goal.version,
            f"{p}text": "Jeg vil have et job i et køkken",
            f"{p}status": "active",
            f"{p}reason": "",  # the reason is missing
            f"{p}note": "Talt om på mødet",
        },
        f"id_{p}reason",
        ["Jeg vil have et job i et køkken", "Talt om på mødet"],
    )


def activity_add(world) -> Case:
    c = world.citizen
    plan_services.plan_get_or_create(actor=world.caseworker, citizen=c)
    sector = Code.objects.filter(code_list=CodeList.ACTIVITY_SECTOR, is_active=True).first()
    kind = Code.objects.filter(code_list=CodeList.ACTIVITY_TYPE, parent__isnull=False).first()
    return Case(
        world.caseworker,
        reverse("plans:activity_create", args=[c.pk]),
        {
            "sector": sector.pk,
            "kind": kind.pk,
            "purpose": "Prøve en arbejdsplads af",
            "delivered_by": "Køkkenet i Nord",
            "start_date": "2026-02-30",  # no such day
            "weekly_hours": "12",
        },
        "id_start_date",
        [
            "Prøve en arbejdsplads af",
            'value="Køkkenet i Nord"',
            'value="12"',
            'value="2026-02-30"',
            f'<option value="{sector.pk}" selected>',
        ],
    )


def referral_create(world) -> Case:
    c = world.citizen
    programme = make_programme(world.vaekst)
    wheel = Instrument.objects.get(code="adult_wheel")
    return Case(
        world.caseworker,
        reverse("referrals:create", args=[c.pk]),
        {
            "programme": programme.pk,
            "instrument": wheel.pk,
            "start_date": TODAY.isoformat(),
            "interval_days": "-3",  # the typo
            "focus": ["health_for_work", "work_skills"],
            "start_health_for_work": "3",
            "start_work_skills": "6",
        },
        "id_interval_days",
        [
            f'value="{TODAY.isoformat()}"',
            'value="-3"',
            'name="start_health_for_work" id="start_health_for_work" value="3"',
            'name="start_work_skills" id="start_work_skills" value="6"',
        ],
    )


def enrolment_exit(world) -> Case:
    c = world.teammates_citizen
    referral = _referral(world, c)
    enrolment = Enrolment.objects.get(citizen=c, programme=referral.programme)
    reason = programme_services.exit_reasons_of(enrolment.programme).first()
    return Case(
        world.colleague,
        reverse("enrolments:exit", args=[c.pk, enrolment.pk]),
        {
            "version": enrolment.version,
            "end_date": "1.1.",  # the typo
            "exit_reason": reason.pk,
            "note": "Fik arbejde i køkkenet",
            "close_plan": "on",
        },
        "id_end_date",
        [f'<option value="{reason.pk}" selected>', "Fik arbejde i køkkenet", "checked"],
    )


def provider_score(world) -> Case:
    c = world.teammates_citizen
    referral = _referral(world, c)
    before = (TODAY - dt.timedelta(days=40)).isoformat()  # before the referral started
    return Case(
        world.provider_staff,
        reverse("referrals:scores", args=[c.pk, referral.pk]),
        {"date": before, "score_health_for_work": "7", "score_work_skills": "2"},
        f"score-date-{referral.pk}",
        [
            f'value="{before}"',
            'name="score_health_for_work" value="7" checked',
            'name="score_work_skills" value="2" checked',
        ],
    )


def assessment_record(world) -> Case:
    c = world.citizen
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    data = {
        "instrument": "adult_wheel",
        "date": (TODAY - dt.timedelta(days=1)).isoformat(),
        "respondent": "joint",
        "creation_token": "6f1c7f1e-4a53-4f0e-9d0f-2d6a4bb1c002",
        "status": "completed",
    }
    kept = [f'value="{data["date"]}"']
    for item in version.items.filter(scale_type="ordinal"):
        data[f"item_{item.code}"] = "4"
    data["item_health_for_work"] = "99"  # the typo, outside the scale
    data["item_work_skills"] = "6"
    kept.append('name="item_work_skills" value="6" checked')
    return Case(
        world.caseworker,
        reverse("assessments:create", args=[c.pk]),
        data,
        "item-health_for_work",
        kept,
    )


def instrument_edit(world) -> Case:
    wheel = Instrument.objects.get(code="adult_wheel")
    return Case(
        world.administrator,
        reverse("instruments:edit", args=[wheel.pk]),
        {
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "40",
            "respondents": ["caseworker"],
            "items-0-code": "trivsel",
            "items-0-label_da": "Trivsel",
            "items-0-text_da": "Hvordan har du det i dag?",
            "items-0-scale_type": "ordinal",
            "items-0-scale_min": "1",
            "items-0-scale_max": "ti",  # the typo
        },
        "id_items-0-scale_max",
        ['value="trivsel"', 'value="Trivsel"', 'value="Hvordan har du det i dag?"', 'value="ti"'],
    )


def instrument_copy(world) -> Case:
    wheel = Instrument.objects.get(code="adult_wheel")
    return Case(
        world.administrator,
        reverse("instruments:copy", args=[wheel.pk]),
        {"code": "vores hjul", "name_da": "Vores eget hjul", "name_en": "Our wheel"},
        "id_code",  # a space in the code
        ['value="vores hjul"', 'value="Vores eget hjul"', 'value="Our wheel"'],
    )


def instrument_reliability(world) -> Case:
    wheel = Instrument.objects.get(code="adult_wheel")
    return Case(
        world.administrator,
        reverse("instruments:reliability", args=[wheel.pk]),
        {"reliability": "1.5"},  # the service refuses: not between 0 and 1
        "id_reliability",
        ['value="1.5"'],
    )


def fidelity_record(world) -> Case:
    programme = make_programme(world.vaekst, name="Værkstedet")
    return Case(
        world.provider_staff,
        reverse("programmes:fidelity", args=[programme.pk]),
        {
            "instrument": "fidelity",
            "unit": str(world.vaekst.pk),
            "period_start": (TODAY - dt.timedelta(days=60)).isoformat(),
            "period_end": "2026-13-01",  # no such month
            "item_one_plan": "3",
            "item_handover": "4",
        },
        "id_period_end",
        [
            f'value="{(TODAY - dt.timedelta(days=60)).isoformat()}"',
            'value="2026-13-01"',
            'name="item_one_plan" value="3" checked',
            'name="item_handover" value="4" checked',
        ],
    )


def fidelity_item(world) -> Case:
    case = fidelity_record(world)
    case.data["period_end"] = TODAY.isoformat()
    case.data["item_one_plan"] = "99"  # outside the scale: the service refuses the item
    case.invalid = "item-one_plan"
    case.kept = [f'value="{TODAY.isoformat()}"', 'name="item_handover" value="4" checked']
    return case


def enrolment_profile(world) -> Case:
    c = world.teammates_citizen
    _referral(world, c)
    enrolment = Enrolment.objects.get(citizen=c)
    return Case(
        world.caseworker,
        reverse("enrolments:profile", args=[c.pk, enrolment.pk]),
        {
            "date": "31.02.",  # the typo
            "revision": "",
            "profile_match_group": "match_3",
            "profile_work_experience": "never",
        },
        "profile-date",
        ['value="31.02."', 'value="match_3" checked', 'value="never" checked'],
    )


def timeline_document(world) -> Case:
    c = world.citizen
    return Case(
        world.caseworker,
        reverse("plans:timeline_document", args=[c.pk]),
        {
            "start": "2024-01-01",
            "end": TODAY.isoformat(),
            "purpose": "kort",  # too short to say why
            "remarks": "Karen har deltaget stabilt hele foråret",
            "format": "pdf",
        },
        "id_purpose",
        [
            'value="2024-01-01"',
            'value="kort"',
            "Karen har deltaget stabilt hele foråret",
            '<option value="pdf" selected>',
        ],
    )


def self_assessment_link(world) -> Case:
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    return Case(
        world.caseworker,
        f"/citizens/{world.citizen.pk}/self-assessment-links/",
        {
            "version": version.pk,
            "pictograms": "on",
            "email": "karen@",  # the typo
            "phone": "+45 12 34 56 78",
        },
        "id_email",
        ['value="karen@"', 'value="+45 12 34 56 78"', "checked"],
    )


def code_add(world) -> Case:
    return Case(
        world.administrator,
        reverse("codelists:detail", args=[CodeList.TARGET_GROUP]),
        {
            "add-code": "Unge under 30!",  # not a code: capitals, spaces, a sign
            "add-label_da": "Unge under 30",
            "add-label_en": "Young people under 30",
            "add-sort_order": "250",
        },
        "id_add-code",
        ['value="Unge under 30"', 'value="Young people under 30"', 'value="250"'],
    )


def portal_question(world) -> Case:
    """The citizen's own question page (no sign-in): an answer outside the scale."""
    _invitation, token = make_invitation(world.caseworker, world.citizen)
    return Case(None, f"/s/{token}/1/", {"answer": "11", "go": "next"}, "answer-1", [])


CASES = [
    citizen_create,
    citizen_edit,
    goal_add,
    goal_change,
    activity_add,
    referral_create,
    enrolment_exit,
    provider_score,
    assessment_record,
    instrument_edit,
    instrument_copy,
    instrument_reliability,
    fidelity_record,
    fidelity_item,
    enrolment_profile,
    timeline_document,
    self_assessment_link,
    code_add,
    portal_question,
]


def _counts():
    return (
        ChangeRecord.objects.count(),
        Citizen.objects.count(),
        Enrolment.objects.count(),
        Code.objects.count(),
        Instrument.objects.count(),
        SelfAssessmentInvitation.objects.count(),
    )


@pytest.mark.parametrize("make", CASES, ids=[f.__name__ for f in CASES])
def test_one_invalid_value_keeps_every_other_value_and_saves_nothing(world, login, client, make):
    case = make(world)
    client = login(case.user) if case.user else client
    before = _counts()
    response = client.post(case.url, case.data)
    assert response.status_code == 400
    page = response.content.decode()
    # The error summary at the top of the form links to the field in error.
    summary = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>\s*</div>", page, re.S)
    assert summary, "no error summary"
    assert 'role="alert"' in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert f'href="#{case.invalid}"' in summary.group(0)
    assert f'id="{case.invalid}"' in page  # the link lands on the field
    # The summary comes before the form's fields.
    assert page.index("data-error-summary") < page.index(f'id="{case.invalid}"')
    for fragment in case.kept:
        assert fragment in html.unescape(page) or fragment in page, fragment
    assert _counts() == before


def test_the_summary_names_the_field_in_danish(world, login):
    """The summary's line names the field by its label, not only "This field is required"."""
    case = citizen_edit(world)
    response = login(case.user).post(case.url, case.data)
    summary = re.search(r"<div[^>]*data-error-summary.*?</ul>", response.content.decode(), re.S)
    assert "Fornavn:" in summary.group(0)


def test_the_error_summary_is_focused_by_the_page_script_without_inline_script(client):
    """The focus moves by the page's own static script (the CSP allows no inline script)."""
    from django.contrib.staticfiles import finders

    with open(finders.find("fremdrift/app.js"), encoding="utf-8") as file:
        script = file.read()
    assert "[data-error-summary]" in script and "summary.focus(" in script


def test_a_duplicate_cpr_number_links_to_the_citizen_who_has_it(world, login):
    client = login(world.caseworker)
    cpr = make_cpr(dt.date(1985, 6, 1))
    existing = Citizen.objects.get(pk=world.citizen.pk)
    from fremdrift.citizens import services as citizen_services

    holder = citizen_services.citizen_create(
        actor=world.caseworker,
        first_name="Thit",
        last_name="Jensen",
        cpr=cpr,
        home_organisation=world.nord,
        responsible_caseworker=world.caseworker,
        target_group=existing.target_group,
    )
    case = citizen_create(world)
    case.data["cpr"] = cpr
    before = _counts()
    response = client.post(case.url, case.data)
    page = response.content.decode()
    assert response.status_code == 400
    link = re.search(r'<a href="([^"]+)" data-testid="existing-citizen">([^<]+)</a>', page)
    assert link and link.group(1) == reverse("citizens:detail", args=[holder.pk])
    assert link.group(2) == "Thit Jensen"
    assert _counts() == before
    # The summary names the field without a link inside a link.
    summary = re.search(r"<div[^>]*data-error-summary.*?</ul>", page, re.S).group(0)
    assert '<a class="function-link" href="#id_cpr"><a' not in summary
    assert "existing-citizen" in summary


def test_a_cpr_number_another_organisation_holds_answers_as_a_new_one(world, login):
    """Across organisations nothing changes: no refusal, no link (architecture.md)."""
    cpr = make_cpr(dt.date(1979, 2, 3))
    from fremdrift.citizens import services as citizen_services

    citizen_services.citizen_create(
        actor=world.outsider,
        first_name="Cecil",
        last_name="Bødker",
        cpr=cpr,
        home_organisation=world.syd,
        responsible_caseworker=world.outsider,
        target_group=world.citizen.target_group,
    )
    case = citizen_create(world)
    case.data["cpr"] = cpr
    response = login(world.caseworker).post(case.url, case.data)
    assert response.status_code == 302
    assert "existing-citizen" not in response.content.decode()
    assert Citizen.objects.filter(home_organisation=world.nord, first_name="Inger").exists()


def test_a_duplicate_cpr_number_on_the_edit_form_links_too(world, login):
    from fremdrift.citizens import services as citizen_services

    cpr = make_cpr(dt.date(1991, 8, 9))
    holder = citizen_services.citizen_create(
        actor=world.caseworker,
        first_name="Klaus",
        last_name="Rifbjerg",
        cpr=cpr,
        home_organisation=world.nord,
        responsible_caseworker=world.caseworker,
        target_group=world.citizen.target_group,
    )
    case = citizen_edit(world)
    case.data["first_name"] = "Karen"
    case.data["cpr"] = cpr
    response = login(world.caseworker).post(case.url, case.data)
    assert response.status_code == 400
    assert f'<a href="/citizens/{holder.pk}/" data-testid="existing-citizen">' in (
        response.content.decode()
    )


def _summary(page: str) -> str:
    found = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>\s*</div>", page, re.S)
    assert found, "no error summary"
    return found.group(0)


def test_the_red_threads_period_filter_links_to_the_date_it_refuses(world, login):
    """A filter read from the address (GET): the summary links to the input, `#to`."""
    url = reverse("plans:timeline", args=[world.citizen.pk])
    response = login(world.caseworker).get(
        url, {"from": "2024-05-01", "to": "2024-04-01", "sector": "health"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    summary = _summary(page)
    assert 'href="#to"' in summary and 'id="to"' in page
    assert page.index("data-error-summary") < page.index('id="to"')
    assert 'value="2024-05-01"' in page and 'value="2024-04-01"' in page
    assert '<option value="health" selected>' in page


def test_sending_no_answers_links_to_the_first_question(world, client):
    """The citizen's summary page: sending with nothing answered is refused in the summary,
    which links to the first question; nothing is sent."""
    invitation, token = make_invitation(world.caseworker, world.citizen)
    response = client.post(f"/s/{token}/summary/")
    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert f'href="/s/{token}/1/"' in summary
    invitation.refresh_from_db()
    assert invitation.assessment is None
