"""A year of assessments for the demo citizens, with plausible trajectories: most improve
slowly, some fall back, some stay flat, a few miss assessments; young citizens also answer the
youth focus areas."""

import datetime as dt
import random

from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.services import AnswerInput
from fremdrift.instruments.models import Instrument, InstrumentVersion

TRAJECTORIES = ["improves"] * 6 + ["relapses"] * 2 + ["flat"] * 2


def _score(rng: random.Random, start: float, kind: str, progress: float, low: int, high: int):
    if kind == "improves":
        drift = 3.5 * progress
    elif kind == "relapses":
        drift = 3.0 * progress if progress < 0.6 else 1.8 - 3.0 * (progress - 0.6)
    else:
        drift = 0.0
    value = round(start + drift + rng.gauss(0, 0.7))
    return max(low, min(high, value))


def seed_assessments(*, rng: random.Random, citizens, today: dt.date) -> int:
    adult = Instrument.objects.get(code="adult_wheel")
    youth = Instrument.objects.get(code="youth_focus_areas")
    versions = {
        i.pk: i.versions.get(status=InstrumentVersion.Status.PUBLISHED) for i in (adult, youth)
    }
    items = {pk: list(v.items.all()) for pk, v in versions.items()}
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
                    assessment_services.assessment_record(
                        actor=caseworker,
                        citizen=citizen,
                        version=version,
                        date=day,
                        respondent="joint",
                        status="completed",
                        answers=answers,
                        refresh_due=False,
                    )
                    count += 1
                day += dt.timedelta(days=every + rng.randint(-2, 3))
            assessment_services.follows_refresh_due(citizen=citizen, instrument_id=instrument.pk)
    return count
