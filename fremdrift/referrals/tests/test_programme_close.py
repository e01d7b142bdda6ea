"""Closing a programme (seed 002: 17 % left because the project ended): the programme's own
staff end all its active enrolments at once with one exit reason and date, after a preview
with the count and one confirmation; their referrals end with them, the programme is marked
not active, and every change is in one change batch."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override

from fremdrift.audit.models import ChangeRecord
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.referrals import services
from fremdrift.referrals.models import Referral
from fremdrift.testing import make_citizen, make_programme

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=40)


def exit_reason(value: str) -> Code:
    return Code.objects.get(code_list="exit_reason", code=value, parent__isnull=False)


def translated(message: str) -> str:
    with override("da"):
        return escape(gettext(message))


@pytest.fixture
def closing(world):
    """Vækst's programme with 3 active enrolments (one of them through an active referral)
    and 1 that ended before; a second programme of Vækst with an active enrolment too."""
    programme = make_programme(world.vaekst, name="Projekt Fremad")
    world.referral_to_programme = services.referral_create(
        actor=world.caseworker,
        citizen=world.citizen,
        programme=programme,
        instrument=Instrument.objects.get(code="adult_wheel"),
        interval_days=14,
        start_date=START,
        starting_scores={"health_for_work": 3},
    )
    for citizen in (world.teammates_citizen, world.ended_citizen):
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
    left = make_citizen(world.caseworker, first_name="Gået")
    earlier = programme_services.enrolment_create(
        actor=world.caseworker, citizen=left, programme=programme, start_date=START
    )
    world.earlier = services.enrolment_end(
        actor=world.caseworker,
        enrolment=earlier,
        expected_version=earlier.version,
        end_date=START + dt.timedelta(days=5),
        exit_reason=exit_reason("job"),
    )
    world.other_programme = make_programme(world.vaekst, name="Andet forløb")
    world.other_enrolment = programme_services.enrolment_create(
        actor=world.caseworker,
        citizen=world.citizen,
        programme=world.other_programme,
        start_date=START,
    )
    return programme


def url(programme) -> str:
    return reverse("programmes:close", args=[programme.pk])


def form(**changes) -> dict:
    return {
        "end_date": TODAY.isoformat(),
        "exit_reason": exit_reason("programme_ended").pk,
        "note": "Projektet er slut",
    } | changes


def active(programme) -> int:
    return Enrolment.objects.filter(programme=programme, status="active").count()


def test_the_programme_staff_preview_and_confirm_and_exactly_the_active_enrolments_end(
    world, login, closing
):
    client = login(world.provider_staff)
    page = client.get(reverse("programmes:detail", args=[closing.pk])).content.decode()
    assert f'href="{url(closing)}"' in page  # the button "Afslut forløbet"
    response = client.get(url(closing))
    assert response.status_code == 200 and 'data-testid="close-form"' in response.content.decode()

    # The preview counts the active enrolments and writes nothing.
    before = ChangeRecord.objects.count()
    response = client.post(url(closing), form(step="preview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="3"' in html and 'name="expected_count" value="3"' in html
    assert ChangeRecord.objects.count() == before and active(closing) == 3

    # One confirmation ends the three, with the reason, date and note, in one batch.
    response = client.post(url(closing), form(step="confirm", expected_count=3))
    assert response.status_code == 302
    assert response.url == reverse("programmes:detail", args=[closing.pk])
    ended = Enrolment.objects.filter(programme=closing).exclude(pk=world.earlier.pk)
    assert {(e.status, e.end_date, e.exit_reason.code, e.exit_note) for e in ended} == {
        ("ended", TODAY, "programme_ended", "Projektet er slut")
    }
    assert ended.count() == 3
    # The enrolment that had ended before is untouched, as is the other programme's.
    earlier = Enrolment.objects.get(pk=world.earlier.pk)
    assert (earlier.exit_reason.code, earlier.end_date, earlier.version) == (
        "job",
        world.earlier.end_date,
        world.earlier.version,
    )
    assert Enrolment.objects.get(pk=world.other_enrolment.pk).status == "active"
    # The referral to the programme ended; the citizen's referral to Vækst outside the
    # programme did not.
    referral = Referral.objects.get(pk=world.referral_to_programme.pk)
    assert (referral.status, referral.end_date) == ("ended", TODAY)
    assert Referral.objects.get(pk=world.referral.pk).status == "active"
    # One change batch: each enrolment, the referral, and the programme's closing.
    records = list(ChangeRecord.objects.order_by("-id")[:5])
    assert len({r.batch for r in records}) == 1 and records[0].batch is not None
    assert sorted(r.model for r in records) == [
        "programmes.Enrolment",
        "programmes.Enrolment",
        "programmes.Enrolment",
        "programmes.Programme",
        "referrals.Referral",
    ]
    assert ChangeRecord.objects.filter(batch=records[0].batch).count() == 5
    # The programme is closed: no one can be referred to it any more.
    closing.refresh_from_db()
    assert closing.is_active is False and closing.end_date == TODAY
    page = client.get(reverse("programmes:detail", args=[closing.pk])).content.decode()
    assert 'data-testid="programme-closed"' in page and f'href="{url(closing)}"' not in page
    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            actor=world.caseworker,
            citizen=world.teammates_citizen,
            programme=closing,
            instrument=Instrument.objects.get(code="adult_wheel"),
            start_date=TODAY,
            starting_scores={"health_for_work": 3},
        )
    assert "programme" in refused.value.message_dict


def test_a_programme_without_active_enrolments_is_refused_with_a_message(world, login):
    programme = make_programme(world.vaekst, name="Tomt forløb")
    client = login(world.provider_staff)
    before = ChangeRecord.objects.count()
    for step in ("preview", "confirm"):
        response = client.post(url(programme), form(step=step, expected_count=0))
        html = response.content.decode()
        assert response.status_code == 400, step
        assert (
            translated("The programme has no active enrolments: there is nothing to close.") in html
        )
        assert 'data-testid="close-preview"' not in html
    assert ChangeRecord.objects.count() == before
    programme.refresh_from_db()
    assert programme.is_active is True
    with pytest.raises(ValidationError) as refused:
        services.programme_close(
            actor=world.provider_staff,
            programme=programme,
            exit_reason=exit_reason("programme_ended"),
            end_date=TODAY,
            expected_count=0,
        )
    assert list(refused.value.message_dict) == ["programme"]


def test_a_stale_confirmation_is_refused_with_the_new_preview(world, login, closing):
    """A fourth citizen enrolled after the preview said 3: the confirmation is refused, the
    page shows the new count to confirm, and nothing is ended."""
    client = login(world.provider_staff)
    assert 'data-count="3"' in client.post(url(closing), form(step="preview")).content.decode()
    newcomer = make_citizen(world.caseworker, first_name="Ny")
    programme_services.enrolment_create(
        actor=world.caseworker, citizen=newcomer, programme=closing, start_date=TODAY
    )
    before = ChangeRecord.objects.count()
    response = client.post(url(closing), form(step="confirm", expected_count=3))
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-count="4"' in html and 'name="expected_count" value="4"' in html
    assert 'class="alert alert-error"' in html
    assert ChangeRecord.objects.count() == before and active(closing) == 4
    closing.refresh_from_db()
    assert closing.is_active is True
    # Confirming the new preview closes it.
    response = client.post(url(closing), form(step="confirm", expected_count=4))
    assert response.status_code == 302 and active(closing) == 0


def test_closing_twice_ends_once_and_tells_the_second(world, login, closing):
    """Two confirmations of the same preview: the second finds the programme closed, is told
    so, and writes nothing."""
    client = login(world.provider_staff)
    assert client.post(url(closing), form(step="confirm", expected_count=3)).status_code == 302
    before = ChangeRecord.objects.count()
    response = login(world.provider_staff).post(
        url(closing), form(step="confirm", expected_count=3)
    )
    assert response.status_code == 400
    assert (
        translated("The programme has already been closed: it has no active enrolments any more.")
        in response.content.decode()
    )
    assert ChangeRecord.objects.count() == before
    with pytest.raises(ValidationError) as refused:
        services.programme_close(
            actor=world.provider_staff,
            programme=closing,
            exit_reason=exit_reason("programme_ended"),
            end_date=TODAY,
            expected_count=3,
        )
    assert list(refused.value.message_dict) == ["programme"]
    assert ChangeRecord.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": (TODAY + dt.timedelta(days=1)).isoformat()}, "end_date"),
        ({"end_date": (START - dt.timedelta(days=1)).isoformat()}, "end_date"),
        ({"end_date": ""}, "end_date"),
        ({"exit_reason": ""}, "exit_reason"),
    ],
)
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_a_bad_date_or_reason_names_the_field_and_ends_nothing(
    world, login, closing, changes, field, step
):
    before = ChangeRecord.objects.count()
    response = login(world.provider_staff).post(
        url(closing), form(step=step, expected_count=3, **changes)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in html
    assert 'data-testid="close-preview"' not in html
    assert ChangeRecord.objects.count() == before and active(closing) == 3


def test_an_end_date_before_an_enrolment_started_is_refused_by_the_service(world, closing):
    with pytest.raises(ValidationError) as refused:
        services.programme_close(
            actor=world.provider_staff,
            programme=closing,
            exit_reason=exit_reason("programme_ended"),
            end_date=START - dt.timedelta(days=1),
            expected_count=3,
        )
    assert list(refused.value.message_dict) == ["end_date"]
    assert active(closing) == 3


def test_the_programmes_own_exit_reasons_are_the_choices(world, login, closing):
    """A programme with its own list of exit reasons offers those only, and refuses another."""
    own = [exit_reason("programme_ended"), exit_reason("job")]
    closing.exit_reasons.set(own)
    client = login(world.provider_staff)
    html = client.get(url(closing)).content.decode()
    assert f'value="{exit_reason("moved").pk}"' not in html
    for reason in own:
        assert f'value="{reason.pk}"' in html
    response = client.post(url(closing), form(step="preview", exit_reason=exit_reason("moved").pk))
    assert response.status_code == 400 and 'id="id_exit_reason-error"' in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.programme_close(
            actor=world.provider_staff,
            programme=closing,
            exit_reason=exit_reason("moved"),
            end_date=TODAY,
            expected_count=3,
        )
    assert list(refused.value.message_dict) == ["exit_reason"]
    assert active(closing) == 3


@pytest.mark.parametrize(
    "role",
    [
        "caseworker",
        "colleague",
        "job_consultant",
        "manager",
        "administrator",
        "outsider",
        "other_provider_staff",
    ],
)
def test_it_checks_ownership(world, login, closing, role):
    """Only the staff of the programme's own organisation close it; to everyone else the
    page does not exist, and the programme page offers no button."""
    client = login(getattr(world, role))
    assert client.get(url(closing)).status_code == 404
    response = client.post(url(closing), form(step="confirm", expected_count=3))
    assert response.status_code == 404
    page = client.get(reverse("programmes:detail", args=[closing.pk])).content.decode()
    assert f'href="{url(closing)}"' not in page
    assert active(closing) == 3
    with pytest.raises(ValidationError):
        services.programme_close(
            actor=getattr(world, role),
            programme=closing,
            exit_reason=exit_reason("programme_ended"),
            end_date=TODAY,
            expected_count=3,
        )
    assert active(closing) == 3
    assert Programme.objects.get(pk=closing.pk).is_active is True
