"""A year of assessments for the demo citizens, with plausible trajectories: most improve
slowly, some fall back, some stay flat, a few miss assessments; young citizens also answer the
youth focus areas.

Some of the citizens the demo refers to a programme also answer the adult wheel alone, through
a self-assessment link, a few days from two or three of their meetings; the caseworker scores
those meetings on their own (respondent "caseworker" instead of "joint"), so that the report
on rater agreement has pairs of the citizen's and the caseworker's answers to compare."""

import datetime as dt
import random

from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.services import AnswerInput
from fremdrift.instruments.models import Instrument, InstrumentVersion

TRAJECTORIES = ["improves"] * 6 + ["relapses"] * 2 + ["flat"] * 2
# The self-assessments draw from a generator of their own, so that the rest of the demo (which
# draws from the command's) is the same with or without them.
SELF_ASSESSMENT_SEED = "fremdrift demo self-assessments"
SELF_ASSESSING = 20  # of the 40 citizens referred to a programme
SELF_ASSESSMENT_DAYS = 5  # the most days between a self-assessment and its meeting


def _score(rng: random.Random, start: float, kind: str, progress: float, low: int, high: int):
    if kind == "improves":
        drift = 3.5 * progress
    elif kind == "relapses":
        drift = 3.0 * progress if progress < 0.6 else 1.8 - 3.0 * (progress - 0.6)
    else:
        drift = 0.0
    value = round(start + drift + rng.gauss(0, 0.7))
    return max(low, min(high, value))


def referred(citizens: list) -> list:
    """The citizens `programmes.seed_programmes` refers to a programme (every fifth, from the
    second): the cohort of the demo's reports."""
    return citizens[1::5]


def _self_answers(rng: random.Random, answers: dict[str, AnswerInput], leans, items):
    """The citizen's own answers to a meeting's: each item a step above or below the
    caseworker's where citizens lean that way, with noise, within the item's scale."""
    own = {}
    for item in items:
        given = answers.get(item.code)
        if given is None or rng.random() < 0.03:
            continue
        lean = leans[item.code] if rng.random() < 0.6 else 0
        value = round(given.value + lean + rng.gauss(0, 0.8))
        own[item.code] = AnswerInput(value=max(item.scale_min, min(item.scale_max, value)))
    return own


def seed_assessments(*, rng: random.Random, citizens, today: dt.date) -> int:
    adult = Instrument.objects.get(code="adult_wheel")
    youth = Instrument.objects.get(code="youth_focus_areas")
    versions = {
        i.pk: i.versions.get(status=InstrumentVersion.Status.PUBLISHED) for i in (adult, youth)
    }
    items = {pk: list(v.items.all()) for pk, v in versions.items()}
    own_rng = random.Random(SELF_ASSESSMENT_SEED)
    self_assessing = {c.pk for c in own_rng.sample(referred(citizens), SELF_ASSESSING)}
    # Citizens score themselves higher than their caseworker on some items, lower on others.
    leans = {item.code: (1, -1, 0)[n % 3] for n, item in enumerate(items[adult.pk])}
    count = 0
    for citizen in citizens:
        caseworker = citizen.responsible_caseworker
        young = (today - citizen.birth_date).days < 30 * 365
        plans = [(adult, rng.choice([14, 30, 30, 30]))]
        if young and rng.random() < 0.6:
            plans.append((youth, 91))
        for instrument, every in plans:
            start = today - dt.timedelta(days=rng.randint(300, 380))
            assessment_services.follow_start(
                actor=caseworker,
                citizen=citizen,
                instrument=instrument,
                start_date=start,
                every_days=every,
            )
            kind = rng.choice(TRAJECTORIES)
            misses = rng.random() < 0.15
            version = versions[instrument.pk]
            starts = {
                item.code: rng.uniform(
                    item.scale_min + 0.5, item.scale_min + 0.45 * (item.scale_max - item.scale_min)
                )
                for item in items[instrument.pk]
            }
            meetings: list[tuple[dt.date, dict[str, AnswerInput]]] = []
            day = start
            span = (today - start).days or 1
            while day <= today:
                if not (misses and rng.random() < 0.3):
                    progress = (day - start).days / span
                    answers = {
                        item.code: AnswerInput(
                            value=_score(
                                rng,
                                starts[item.code],
                                kind,
                                progress,
                                item.scale_min,
                                item.scale_max,
                            )
                        )
                        for item in items[instrument.pk]
                        if rng.random() > 0.03
                    }
                    meetings.append((day, answers))
                day += dt.timedelta(days=every + rng.randint(-2, 3))
            # Two or three meetings between the first and the latest, so that the citizen's
            # first and latest assessment of the wheel stay the caseworker's.
            paired: set[int] = set()
            if instrument == adult and citizen.pk in self_assessing and len(meetings) > 3:
                paired = set(
                    own_rng.sample(
                        range(1, len(meetings) - 1), min(own_rng.choice([2, 3]), len(meetings) - 2)
                    )
                )
            for n, (day, answers) in enumerate(meetings):
                assessment_services.assessment_record(
                    actor=caseworker,
                    citizen=citizen,
                    version=version,
                    date=day,
                    respondent="caseworker" if n in paired else "joint",
                    status="completed",
                    answers=answers,
                    refresh_due=False,
                )
                count += 1
                if n not in paired:
                    continue
                shift = own_rng.randint(-SELF_ASSESSMENT_DAYS, SELF_ASSESSMENT_DAYS)
                assessment_services.assessment_record(
                    actor=caseworker,
                    citizen=citizen,
                    version=version,
                    date=max(start, min(today, day + dt.timedelta(days=shift))),
                    respondent="citizen",
                    status="completed",
                    answers=_self_answers(own_rng, answers, leans, items[instrument.pk]),
                    refresh_due=False,
                    entered_by_citizen=True,
                )
                count += 1
            assessment_services.follows_refresh_due(citizen=citizen, instrument_id=instrument.pk)
    return count
