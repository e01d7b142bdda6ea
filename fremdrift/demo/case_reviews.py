"""Demo case reviews (seed 003): the analyst grades a random sample of 30 of the jobcentre's
cases on the four scales, so that the case-review tally shows figures. Its own random stream,
so the rest of the demo is as before."""

import random

from fremdrift.plans.services import case_review_grade

CASE_REVIEW_SEED = 3003
SAMPLE = 30


def seed_case_reviews(*, reviewer, citizens: list) -> int:
    """Grades `SAMPLE` of `citizens` as `reviewer`; returns how many reviews were made."""
    rng = random.Random(CASE_REVIEW_SEED)
    for citizen in rng.sample(citizens, min(SAMPLE, len(citizens))):
        case_review_grade(
            actor=reviewer,
            citizen=citizen,
            red_thread=rng.choices(["none", "limited", "ad_hoc", "good"], [1, 3, 4, 3])[0],
            goals=rng.choices(["none", "hints", "clear"], [1, 3, 4])[0],
            job_focus=rng.choices(["none", "one_job", "several_jobs"], [2, 4, 3])[0],
            involvement=rng.choices(["none", "limited", "some", "clear"], [1, 2, 4, 3])[0],
        )
    return min(SAMPLE, len(citizens))
