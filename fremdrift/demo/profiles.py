"""Participant profiles ("Deltagerprofil") for the demo's enrolments, with shares like those
of the KVIK evaluation (seed 002): nearly all on cash benefit, four in five in match group 2,
on average 2.1 reasons for the match group (mental health for three in four), seven in ten
with no more than primary school, varied work experience, one in five with company-oriented
offers before.

Each share is dealt out exactly (the largest remainders round), not drawn one by one, so that
the demo's forty-odd enrolments show the shares and not the noise of a small sample. The
citizen's caseworker, who made the referral, records the profile within a week of the start;
a few enrolments, as in real data, have none. The profiles draw from a generator of their own,
so that the rest of the demo is the same with or without them."""

import datetime as dt
import random

from fremdrift.assessments.services import AnswerInput
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment

PROFILE_SEED = "fremdrift demo profiles"
WITHOUT_PROFILE = 0.05  # the share of enrolments nobody recorded a profile for
RECORDED_WITHIN_DAYS = 7  # the most days between the start and the profile
DONT_KNOW = "dont_know"

BENEFIT = {"cash_benefit": 0.92, "education_benefit": 0.05, "other": 0.03}
MATCH_GROUP = {"match_2": 0.80, "match_3": 0.15, "match_1": 0.05}
# The share of participants with each reason for their match group; everyone has at least
# one, and "other" makes up the rest of the mean.
REASONS = {
    "mental_health": 0.73,
    "social": 0.38,
    "physical": 0.30,
    "behaviour": 0.22,
    "motivation": 0.19,
    "addiction": 0.19,
}
OTHER_REASON = "other"
MEAN_REASONS = 2.1
EDUCATION = {
    "no_primary": 0.18,
    "primary": 0.53,
    "vocational": 0.12,
    "upper_secondary": 0.08,
    "short_higher": 0.03,
    "higher": 0.02,
    DONT_KNOW: 0.04,
}
WORK_EXPERIENCE = {
    "never": 0.16,
    "under_1_year": 0.25,
    "1_to_3_years": 0.24,
    "3_years_or_more": 0.35,
}
EARLIER_COMPANY_OFFERS = {"yes": 0.20, "no": 0.80}
# Education assistance (uddannelseshjælp) is for the young without a vocational education.
EDUCATION_BENEFIT = "education_benefit"
EDUCATION_BENEFIT_AGE = 30
EDUCATION_BENEFIT_SCHOOLING = {"no_primary", "primary", DONT_KNOW}


def counts(shares: dict[str, float], n: int) -> dict[str, int]:
    """`n` people dealt out over the shares: each code its whole part of `n`, the ones left
    over to the largest remainders (the earlier code on a tie)."""
    total = sum(shares.values())
    exact = {code: share / total * n for code, share in shares.items()}
    dealt = {code: int(value) for code, value in exact.items()}
    left = n - sum(dealt.values())
    by_remainder = sorted(shares, key=lambda code: -(exact[code] - dealt[code]))
    for code in by_remainder[:left]:
        dealt[code] += 1
    return dealt


def dealt(rng: random.Random, shares: dict[str, float], n: int) -> list[str]:
    """`n` codes in the shares' counts, in a random order."""
    codes = [code for code, count in counts(shares, n).items() for _ in range(count)]
    rng.shuffle(codes)
    return codes


def reasons(rng: random.Random, n: int) -> list[list[str]]:
    """Each person's reasons, in the list's order: every reason for its share of the people,
    "other" for whoever has none, then for more people until the mean is reached."""
    chosen: list[set[str]] = [set() for _ in range(n)]
    for code, share in REASONS.items():
        for person in rng.sample(range(n), round(share * n)):
            chosen[person].add(code)
    for person in chosen:
        if not person:
            person.add(OTHER_REASON)
    without_other = [p for p, person in enumerate(chosen) if OTHER_REASON not in person]
    more = round(MEAN_REASONS * n) - sum(len(person) for person in chosen)
    for person in rng.sample(without_other, max(0, min(more, len(without_other)))):
        chosen[person].add(OTHER_REASON)
    order = [*REASONS, OTHER_REASON]
    return [[code for code in order if code in person] for person in chosen]


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def benefits(rng: random.Random, enrolments: list[Enrolment], education: list[str]) -> list[str]:
    """The benefits in their shares, education assistance going to the young with no more than
    primary school while there are such."""
    n = len(enrolments)
    dealt_counts = counts(BENEFIT, n)
    young = [
        p
        for p, enrolment in enumerate(enrolments)
        if _age(enrolment.citizen.birth_date, enrolment.start_date) < EDUCATION_BENEFIT_AGE
        and education[p] in EDUCATION_BENEFIT_SCHOOLING
    ]
    wanted = dealt_counts.pop(EDUCATION_BENEFIT)
    assisted = set(rng.sample(young, min(wanted, len(young))))
    rest = [p for p in range(n) if p not in assisted]
    assisted |= set(rng.sample(rest, wanted - len(assisted)))
    others = [code for code, count in dealt_counts.items() for _ in range(count)]
    rng.shuffle(others)
    return [EDUCATION_BENEFIT if p in assisted else others.pop() for p in range(n)]


def _answer(code: str) -> AnswerInput:
    return AnswerInput(dont_know=True) if code == DONT_KNOW else AnswerInput(codes=[code])


def seed_profiles(*, citizens, today: dt.date) -> int:
    """Records a profile for nearly every enrolment of the demo's citizens; returns how many."""
    rng = random.Random(PROFILE_SEED)
    enrolments = list(
        Enrolment.objects.filter(citizen__in=citizens)
        .select_related("citizen__responsible_caseworker")
        .order_by("pk")
    )
    skipped = set(rng.sample(range(len(enrolments)), round(WITHOUT_PROFILE * len(enrolments))))
    enrolments = [e for n, e in enumerate(enrolments) if n not in skipped]
    n = len(enrolments)
    education = dealt(rng, EDUCATION, n)
    columns = {
        "match_group": dealt(rng, MATCH_GROUP, n),
        "education": education,
        "work_experience": dealt(rng, WORK_EXPERIENCE, n),
        "earlier_company_offers": dealt(rng, EARLIER_COMPANY_OFFERS, n),
        "benefit_type": benefits(rng, enrolments, education),
    }
    given_reasons = reasons(rng, n)
    for p, enrolment in enumerate(enrolments):
        latest = min(today, enrolment.end_date or today)
        day = enrolment.start_date + dt.timedelta(days=rng.randint(0, RECORDED_WITHIN_DAYS))
        answers = {item: _answer(column[p]) for item, column in columns.items()}
        answers["match_reasons"] = AnswerInput(codes=given_reasons[p])
        programme_services.enrolment_profile_record(
            actor=enrolment.citizen.responsible_caseworker,
            enrolment=enrolment,
            date=max(enrolment.start_date, min(latest, day)),
            answers=answers,
        )
    return n
