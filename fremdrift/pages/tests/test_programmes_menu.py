"""The caseworker's "Forløb" menu (`/programmes/`): the programmes they may refer to and
their organisation's citizens referred now, instead of "your organisation runs no
programmes"; provider staff keep their own programmes."""

import datetime as dt
import re

from django.urls import reverse

from fremdrift.accounts.models import Organisation
from fremdrift.audit.models import AccessLogEntry
from fremdrift.programmes.services import programme_deactivate
from fremdrift.testing import make_organisation, make_programme


def table(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S)
    return found.group(1) if found else ""


def test_a_caseworker_sees_the_programmes_to_refer_to_and_their_referred_citizens(world, login):
    kvik = make_programme(world.vaekst, name="KVIK")
    make_programme(world.trivsel, name="Trivselsforløbet")
    closed = make_programme(world.trivsel, name="Lukket forløb")
    programme_deactivate(actor=world.other_provider_staff, programme=closed, on=dt.date.today())
    own = make_programme(world.nord, name="Nords eget forløb")  # an authority's, not offered
    response = login(world.caseworker).get(reverse("programmes:list"))
    assert response.status_code == 200
    html = response.content.decode()
    referable = table(html, "referable-programmes")
    assert kvik.name in referable and "Trivselsforløbet" in referable
    assert "Lukket forløb" not in referable and own.name not in referable
    referred = table(html, "referred-citizens")
    assert world.citizen.full_name in referred  # the world's active referral to Vækst
    assert world.ended_citizen.full_name not in referred  # an ended referral
    assert world.foreign_citizen.full_name not in referred
    assert reverse("citizens:detail", args=[world.citizen.pk]) in referred
    assert "no programmes yet" not in html and "ingen forløb endnu" not in html
    logged = AccessLogEntry.objects.filter(user=world.caseworker, action="list").latest("id")
    assert logged.subjects.filter(citizen_id=world.citizen.pk).exists()


def test_a_colleagues_referred_citizen_is_listed_after_the_caseworkers_own(world, login):
    from fremdrift.referrals.services import referral_create

    referral_create(
        actor=world.colleague,
        citizen=world.teammates_citizen,
        provider=world.trivsel,
        start_date=world.referral.start_date,
    )
    html = login(world.caseworker).get(reverse("programmes:list")).content.decode()
    referred = table(html, "referred-citizens")
    assert referred.index(world.citizen.full_name) < referred.index(
        world.teammates_citizen.full_name
    )


def test_provider_staff_see_their_own_programmes_and_no_referral_list(world, login):
    kvik = make_programme(world.vaekst, name="KVIK")
    html = login(world.provider_staff).get(reverse("programmes:list")).content.decode()
    assert reverse("programmes:detail", args=[kvik.pk]) in html
    assert 'data-testid="referred-citizens"' not in html
    assert 'data-testid="referable-programmes"' not in html


def test_a_project_counts_as_a_provider_to_refer_to(world, login):
    project = make_organisation("Projekt Ny Start", Organisation.Kind.PROJECT)
    make_programme(project, name="Ny Start")
    html = login(world.caseworker).get(reverse("programmes:list")).content.decode()
    assert "Ny Start" in table(html, "referable-programmes")
