"""The demo's self-assessments: citizens of the demo's programmes answer the adult wheel alone
now and then, a few days from a meeting their caseworker scores alone, so that the manager's
report on rater agreement between citizen and caseworker shows a kappa for every item."""

import datetime as dt
import re
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from fremdrift.accounts.models import User
from fremdrift.assessments.models import Assessment, Follow
from fremdrift.instruments.models import Instrument
from fremdrift.programmes.models import Enrolment
from fremdrift.reports.agreement import agreement_report
from fremdrift.reports.cohort import Filters
from fremdrift.reports.privacy import HIDDEN
from fremdrift.reports.scores import scored_items

MANAGER = "analytiker"


# Every test reads the database: ordered with the database tests, before the transactional
# ones, whose teardown empties the database (pytest-django runs tests without a mark last).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module (seeding takes half a minute) in a transaction
    that is rolled back after its last test; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", allow_production=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def wheel(demo, db):
    return Instrument.objects.get(code="adult_wheel")


def test_citizens_of_the_programmes_answer_alone_near_a_meeting_their_caseworker_scores(wheel):
    own = Assessment.objects.filter(entered_by_citizen=True).select_related("citizen")
    assert own.count() >= 30
    assert set(own.values_list("respondent", flat=True)) == {"citizen"}
    assert set(own.values_list("version__instrument__code", flat=True)) == {"adult_wheel"}
    enrolled = set(Enrolment.objects.values_list("citizen_id", flat=True))
    today = dt.date.today()
    for assessment in own:
        citizen = assessment.citizen
        assert citizen.pk in enrolled
        assert assessment.recorded_by_id == citizen.responsible_caseworker_id
        follow = Follow.objects.get(citizen=citizen, instrument=wheel)
        assert follow.start_date <= assessment.date <= today
        meetings = Assessment.objects.filter(
            citizen=citizen,
            version__instrument=wheel,
            respondent="caseworker",
            date__range=(
                assessment.date - dt.timedelta(days=5),
                assessment.date + dt.timedelta(days=5),
            ),
        )
        assert meetings.exists()
        # The citizen's own view, not a copy of the caseworker's.
        assert any(m.item_values != assessment.item_values for m in meetings)
    assert (
        not Assessment.objects.filter(entered_by_citizen=True)
        .exclude(respondent="citizen")
        .exists()
    )


def test_the_report_on_agreement_has_a_kappa_for_every_item_of_the_wheel(wheel):
    manager = User.objects.get(username=MANAGER)
    rows = agreement_report(manager, Filters(), instrument=wheel, pair="citizen_caseworker")
    assert {r.code for r in rows} == {i.code for i in scored_items(wheel)}
    for row in rows:
        assert row.n >= 5 and not row.suppressed, row.code
        assert row.kappa is not None and -1 <= row.kappa < 1, row.code
        assert row.mean_difference is not None
    # Citizens see some items more brightly than their caseworkers and others more darkly.
    assert min(r.mean_difference for r in rows) < 0 < max(r.mean_difference for r in rows)


def test_the_manager_sees_the_kappas_on_the_page(wheel, login):
    page = login(User.objects.get(username=MANAGER)).get(
        reverse("reports:agreement"), {"pair": "citizen_caseworker", "instrument": wheel.pk}
    )
    assert page.status_code == 200
    html = page.content.decode()
    table = re.search(r'data-testid="agreement-table">(.*?)</table>', html, re.S)
    assert table, "no agreement table on the page"
    rows = re.findall(
        r'<tr><th scope="row">(.*?)</th>((?:<td[^>]*>.*?</td>)+)</tr>', table.group(1), re.S
    )
    assert len(rows) == len(scored_items(wheel))
    for label, cells in rows:
        n, kappa, _difference = [unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
        assert n != HIDDEN and int(n) >= 5, label
        assert kappa and kappa != HIDDEN, label
        float(kappa.replace(",", "."))
