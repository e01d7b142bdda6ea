"""The provider's work on a referral: the score form keeps what was typed after a typo (one
typo saved in two submits), scores with the assessment form's labelled buttons; an exit lands
the provider on the programme page; the programme page and the caseload show the provider's
next scores, not the jobcentre's controls; a two-level exit reason is named once."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from fremdrift.assessments.models import Assessment
from fremdrift.codelists.labels import two_level_label
from fremdrift.codelists.models import Code, CodeList
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services
from fremdrift.testing import make_programme

TODAY = dt.date.today()


@pytest.fixture
def kvik(world):
    return make_programme(world.vaekst)


def refer(world, kvik, *, citizen=None, started_days_ago=20, every=14):
    return services.referral_create(
        actor=world.caseworker,
        citizen=citizen or world.teammates_citizen,
        programme=kvik,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=TODAY - dt.timedelta(days=started_days_ago),
        interval_days=every,
        starting_scores={"health_for_work": "3", "attendance_stability": "4"},
    )


def score_url(referral):
    return reverse("referrals:scores", args=[referral.citizen_id, referral.pk])


def test_one_typo_is_saved_in_two_submits_with_nothing_typed_again(world, login, kvik):
    referral = refer(world, kvik)
    client = login(world.provider_staff)
    typo = (TODAY + dt.timedelta(days=300)).isoformat()  # a date in the future
    first = {
        "date": typo,
        "score_health_for_work": "7",
        "score_attendance_stability": "5",
        "creation_token": "0b6f8e0e-93c5-4a8a-a1f0-4a7c2a3c1d11",
    }
    response = client.post(score_url(referral), first)
    page = response.content.decode()
    assert response.status_code == 400
    assert not Assessment.objects.filter(respondent="provider").exists()
    # The date as typed, the chosen buttons still chosen, the summary linking to the date.
    assert f'name="date" id="score-date-{referral.pk}" value="{typo}"' in page
    assert 'name="score_health_for_work" value="7" checked' in page
    assert 'name="score_attendance_stability" value="5" checked' in page
    assert f'href="#score-date-{referral.pk}"' in page
    assert 'value="0b6f8e0e-93c5-4a8a-a1f0-4a7c2a3c1d11"' in page  # the same submission
    # The second submit changes only the date, everything else as the form kept it.
    second = dict(first, date=TODAY.isoformat())
    saved = client.post(score_url(referral), second)
    assert saved.status_code == 302
    scored = Assessment.objects.get(respondent="provider")
    assert scored.date == TODAY
    assert scored.item_values == {"health_for_work": 7.0, "attendance_stability": 5.0}


def test_a_date_that_does_not_parse_is_kept_and_named(world, login, kvik):
    referral = refer(world, kvik)
    response = login(world.provider_staff).post(
        score_url(referral), {"date": "2026-13-01", "score_health_for_work": "6"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="2026-13-01"' in page and 'name="score_health_for_work" value="6" checked' in page
    assert f'id="score-date-{referral.pk}-error"' in page


def test_scoring_uses_the_labelled_buttons_of_the_assessment_form(world, login, kvik):
    referral = refer(world, kvik)
    page = login(world.provider_staff).get(reverse("citizens:detail", args=[referral.citizen_id]))
    form = re.search(
        r'<form[^>]*data-testid="score-form".*?</form>', page.content.decode(), re.S
    ).group(0)
    assert 'type="number"' not in form
    item = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    item = item.items.get(code="health_for_work")
    radios = re.findall(r'type="radio" name="score_health_for_work" value="(\d+)"', form)
    assert radios == [str(v) for v in range(item.scale_min, item.scale_max + 1)]
    for value, label in item.scale_points():
        shown = f'<span class="scale-value">{value}</span><span class="scale-label">{label}</span>'
        assert shown in form
    assert form.count('role="radiogroup"') == 2  # one per focus item


def test_only_the_posted_referrals_form_keeps_the_posted_values(world, login, kvik):
    """Two referrals to the provider's programmes: an error on one leaves the other empty."""
    other = make_programme(world.vaekst, name="Anden vej")
    one = refer(world, kvik)
    two = refer(world, other)
    response = login(world.provider_staff).post(
        score_url(one), {"date": "1999-01-01", "score_health_for_work": "8"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    forms = re.findall(r'<form[^>]*data-testid="score-form".*?</form>', page, re.S)
    assert len(forms) == 2
    posted = next(f for f in forms if f"/referrals/{one.pk}/scores/" in f)
    untouched = next(f for f in forms if f"/referrals/{two.pk}/scores/" in f)
    assert 'value="8" checked' in posted and "data-error-summary" in posted
    assert "checked" not in untouched and "data-error-summary" not in untouched
    assert f'value="{TODAY.isoformat()}"' in untouched


def _exit(client, enrolment, reason):
    return client.post(
        reverse("enrolments:exit", args=[enrolment.citizen_id, enrolment.pk]),
        {"version": enrolment.version, "end_date": TODAY.isoformat(), "exit_reason": reason.pk},
    )


def test_after_an_exit_the_provider_lands_on_the_programme_page(world, login, kvik):
    referral = refer(world, kvik)
    enrolment = Enrolment.objects.get(citizen=referral.citizen, programme=kvik)
    reason = programme_services.exit_reasons_of(kvik).first()
    client = login(world.provider_staff)
    response = _exit(client, enrolment, reason)
    assert response.status_code == 302
    assert response.url == reverse("programmes:detail", args=[kvik.pk])
    landing = client.get(response.url)
    assert landing.status_code == 200
    shown = list(landing.context["messages"])
    assert len(shown) == 1 and shown[0].level_tag == "success"  # the confirmation
    assert str(shown[0]) in landing.content.decode()
    # The citizen page is no longer theirs: that is why they do not land there.
    assert client.get(f"/citizens/{referral.citizen_id}/").status_code == 404


def test_after_an_exit_a_caseworker_lands_on_the_citizen_page_as_before(world, login, kvik):
    referral = refer(world, kvik)
    enrolment = Enrolment.objects.get(citizen=referral.citizen, programme=kvik)
    reason = programme_services.exit_reasons_of(kvik).first()
    response = _exit(login(world.colleague), enrolment, reason)
    assert response.status_code == 302
    assert response.url == f"/citizens/{referral.citizen_id}/#referrals"


def test_the_programme_page_marks_overdue_scores(world, login, kvik):
    late = refer(world, kvik, citizen=world.teammates_citizen, started_days_ago=40, every=14)
    on_time = refer(world, kvik, citizen=world.citizen, started_days_ago=2, every=14)
    page = login(world.provider_staff).get(reverse("programmes:detail", args=[kvik.pk]))
    html = page.content.decode()
    rows = {row.citizen.pk: row for row in page.context["active"] if row.citizen is not None}
    assert rows[late.citizen_id].next_due < TODAY <= rows[on_time.citizen_id].next_due
    assert html.count('data-testid="score-overdue"') == 1
    enrolled = re.search(r'data-testid="enrolled".*?</table>', html, re.S).group(0)
    late_row = next(r for r in enrolled.split("<tr>") if "Ditlevsen" in r)
    assert "due-overdue" in late_row and 'data-testid="score-overdue"' in late_row


def test_the_providers_caseload_has_no_jobcentre_controls(world, login, kvik):
    referral = refer(world, kvik, started_days_ago=40)
    provider = login(world.provider_staff).get(reverse("citizens:list"))
    page = provider.content.decode()
    assert 'name="mine"' not in page and 'name="sort"' not in page
    assert 'value="plan_overdue"' not in page
    assert 'data-testid="plan-review-overdue"' not in page
    # Per referred citizen: the programme and the referral's date.
    assert 'data-testid="referral-programme">KVIK<' in page
    assert f'data-testid="referral-start">{referral.start_date:%d.%m.%Y}<' in page
    caseworker = login(world.caseworker).get(reverse("citizens:list")).content.decode()
    assert 'name="mine"' in caseworker and 'name="sort"' in caseworker
    assert 'value="plan_overdue"' in caseworker
    assert 'data-testid="referral-programme"' not in caseworker


def test_a_providers_caseload_ignores_a_posted_mine_option(world, login, kvik):
    refer(world, kvik)
    response = login(world.provider_staff).post(reverse("citizens:list"), {"mine": "on"})
    assert response.status_code == 200
    assert world.teammates_citizen in list(response.context["page"].object_list)


def test_an_exit_reason_that_repeats_its_parent_is_named_once(world, login, kvik):
    other = Code.objects.get(code_list=CodeList.EXIT_REASON, code="other", parent__code="other")
    assert other.parent.label == other.label  # "Andet: Andet" in the default list
    assert two_level_label(other) == other.label
    job = Code.objects.filter(code_list=CodeList.EXIT_REASON, parent__isnull=False).exclude(
        label_da=other.label_da
    )[0]
    assert two_level_label(job) == f"{job.parent.label}: {job.label}"
    referral = refer(world, kvik)
    enrolment = Enrolment.objects.get(citizen=referral.citizen, programme=kvik)
    assert _exit(login(world.colleague), enrolment, other).status_code == 302
    doubled = f"{other.label}: {other.label}"
    for user, url in (
        (world.provider_staff, reverse("programmes:detail", args=[kvik.pk])),
        (world.colleague, reverse("citizens:detail", args=[referral.citizen_id])),
        (world.colleague, reverse("plans:timeline", args=[referral.citizen_id])),
    ):
        response = login(user).get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert other.label in page, url
        assert doubled not in page, url
