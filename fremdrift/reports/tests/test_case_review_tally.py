"""The case-review tally reproduces a hand-built set of grades, each case counted once by its
latest review, with counts under 5 hidden."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from fremdrift.plans.models import CaseReview

# (red thread, goals, job focus, involvement, exit group) of 13 cases of Jobcenter Nord.
CASES = (
    [("good", "clear", "several_jobs", "clear", "job")] * 6
    + [("ad_hoc", "clear", "one_job", "some", "")] * 2
    + [("ad_hoc", "hints", "one_job", "some", "")] * 3
    + [("ad_hoc", "clear", "none", "none", "education")] * 2
)


def review(world, number, grades, *, organisation=None, days=0):
    red_thread, goals, job_focus, involvement, exit_group = grades
    return CaseReview.objects.create(
        organisation=organisation or world.nord,
        case_number=number,
        reviewer=world.manager,
        reviewed_at=timezone.now() - dt.timedelta(days=10) + dt.timedelta(days=days),
        red_thread=red_thread,
        goals=goals,
        job_focus=job_focus,
        involvement=involvement,
        exit_group=exit_group,
    )


def tally_of(login, world):
    response = login(world.manager).get(reverse("reports:case_reviews"))
    assert response.status_code == 200
    return response, response.context["tally"]


def test_the_tally_reproduces_hand_built_grades_and_hides_small_cells(world, login):
    # Case 1 was first graded "limited", then "good": it counts once, by its latest review.
    review(world, "R-0000-0001", ("limited", "none", "none", "none", "job"), days=-1)
    for n, grades in enumerate(CASES, start=1):
        review(world, f"R-0000-{n:04d}", grades)
    review(world, "R-9999-0001", ("none", "none", "none", "none", ""), organisation=world.syd)

    response, tally = tally_of(login, world)

    assert tally["total"] == 13
    scales = {s["field"]: [(r["count"], r["share"]) for r in s["rows"]] for s in tally["scales"]}
    # none, limited, ad hoc, good
    assert scales["red_thread"] == [(0, "0 %"), (0, "0 %"), (7, "54 %"), (6, "46 %")]
    # none, hints (3: hidden), clear (10: hidden with it, or 3 = 13 − 10)
    assert scales["goals"] == [(0, "0 %"), ("<5", "<5"), ("<5", "<5")]
    assert scales["job_focus"] == [("<5", "<5"), ("<5", "<5"), (6, "46 %")]
    # none 2 (hidden), limited 0, some 5 (hidden with it), clear 6
    assert scales["involvement"] == [("<5", "<5"), (0, "0 %"), ("<5", "<5"), (6, "46 %")]
    by_exit = [(g["cases"], g["counts"]) for g in tally["by_exit"]]
    assert by_exit == [
        (5, [0, 0, 5, 0]),  # no exit yet
        ("<5", ["<5", "<5", "<5", "<5"]),  # education: 2 cases
        (6, [0, 0, 0, 6]),  # job
    ]
    assert "R-0000" not in response.content.decode()

    csv = login(world.manager).get(reverse("reports:case_reviews"), {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "54 %" in csv.content.decode()


def test_fewer_than_five_reviewed_cases_show_no_figure(world, login):
    for n in range(3):
        review(world, f"R-0000-000{n}", CASES[0])
    _, tally = tally_of(login, world)
    assert tally["total"] == "<5"
    assert all(r["count"] == "<5" for s in tally["scales"] for r in s["rows"])


def test_the_tally_is_for_managers_only(world, login):
    response = login(world.caseworker).get(reverse("reports:case_reviews"))
    assert response.status_code == 404
