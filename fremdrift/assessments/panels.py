"""The assessment part of the citizen page: the wheel, the item histories, the list of
assessments and the cadence, in a fixed number of queries."""

import datetime as dt

from django.http import HttpRequest

from fremdrift.citizens.access import may_record_assessment, may_record_profile
from fremdrift.instruments.models import Instrument, Purpose

from . import charts, selectors

# More rings than this make the wheel unreadable.
MAX_COMPARED = 4


def chosen_ids(query) -> list[int]:
    """The assessments the user chose to compare, oldest id first: `?assessments=1,2` (the
    wheel image's form) or one `assessments` per ticked box (the panel's form)."""
    ids: set[int] = set()
    for raw in query.getlist("assessments"):
        for part in raw.split(","):
            if part.strip().isdigit():
                ids.add(int(part))
    return sorted(ids)


def citizen_panel(request: HttpRequest, citizen) -> dict:
    instruments = selectors.instruments_of(citizen)
    if not may_record_profile(request.user, citizen):
        instruments = [i for i in instruments if i.purpose != Purpose.PROFILE]
    wanted = request.GET.get("instrument")
    current = next((i for i in instruments if i.code == wanted), None)
    if current is None and wanted:
        current = Instrument.objects.filter(code=wanted).exclude(purpose=Purpose.PROFILE).first()
    if current is None:
        current = (
            instruments[0] if instruments else Instrument.objects.filter(code="adult_wheel").first()
        )
    panel: dict = {
        "today": dt.date.today(),
        "instruments": instruments,
        "instrument": current,
        "follows": selectors.follows_of(citizen),
        "may_record": may_record_assessment(request.user, citizen),
        # The participant profile is recorded on an enrolment, not started here.
        "startable": Instrument.objects.filter(versions__status="published")
        .exclude(purpose=Purpose.PROFILE)
        .distinct(),
    }
    if current is None:
        return panel
    wanted_ids = chosen_ids(request.GET)
    data = selectors.wheel_data(citizen, current, assessment_ids=wanted_ids)
    if wanted_ids and not data.chosen:
        # None of them is this citizen's reading of the instrument: the usual wheel.
        data = selectors.wheel_data(citizen, current)
    elif wanted_ids:
        panel["too_many_chosen"] = len(data.chosen) > MAX_COMPARED
        data.chosen = data.chosen[-MAX_COMPARED:]
        panel["chosen_query"] = ",".join(str(a.pk) for a in data.chosen)
    compare = request.GET.get("compare", "")
    mine = next((a for a in data.all_assessments if str(a.pk) == compare), None)
    other = selectors.other_respondent_near(mine) if mine is not None else None
    if other is not None:
        # The citizen's own answers beside the other respondent's of the same period.
        data = selectors.wheel_data(citizen, current, assessment_ids=[mine.pk, other.pk])
        panel["comparing"] = sorted([mine, other], key=lambda a: (a.date, a.pk))
    panel["assessments"] = list(reversed(data.all_assessments))
    panel["readings"] = list(reversed(data.readings))
    panel["shown_ids"] = [a.pk for a in data.chosen]
    panel["max_compared"] = MAX_COMPARED
    panel["drafts"] = list(
        citizen.assessments.filter(status="draft", version__instrument=current).order_by("-date")
    )
    if current.purpose in (Purpose.PROGRESSION, Purpose.SATISFACTION, Purpose.FIDELITY) and (
        data.items
    ):
        panel["wheel_svg"] = charts.wheel_svg(data, citizen_name=citizen.full_name)
        panel["histories"] = charts.history_svgs(data)
        panel["wheel_items"] = data.items
        panel["targets"] = data.targets
        shown = data.chosen + ([data.partial] if data.partial is not None else [])
        panel["wheel_columns"] = [
            {
                "date": a.date,
                "label": charts.partial_label(a) if not selectors.is_reading(a) else "",
            }
            for a in shown
        ]
        panel["wheel_rows"] = [
            {
                "item": item,
                "scores": [data.scores.get(a.pk, {}).get(item.code) for a in shown],
                "target": data.targets.get(item.code),
            }
            for item in data.items
        ]
    return panel
