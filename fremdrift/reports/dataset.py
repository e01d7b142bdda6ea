"""The analysis dataset: every answer of the cohort's citizens on an instrument during their
enrolments, long (one row per answer) or wide (one row per citizen and time point), under
pseudonyms that hold within one export and differ between exports. Time points are days since
the enrolment started, not dates, and nothing names a citizen."""

import datetime as dt
import secrets
from collections import defaultdict

from django.utils.translation import gettext as _

from fremdrift.assessments.models import Answer, Assessment
from fremdrift.codelists.models import Code
from fremdrift.programmes.models import Programme

from .cohort import Filters, age_band_at, cohort_rows
from .scores import scored_items

LONG = [
    "pseudonym",
    "enrolment",
    "programme",
    "target_group",
    "age_band",
    "sex",
    "instrument",
    "day",
    "respondent",
    "item",
    "value",
    "dont_know",
    "not_relevant",
]
WIDE_KEYS = [
    "pseudonym",
    "enrolment",
    "programme",
    "target_group",
    "age_band",
    "sex",
    "instrument",
    "day",
    "respondent",
]


def _pseudonyms(keys) -> dict:
    """Numbers in a random order: stable within the export, new in the next."""
    keys = list(keys)
    order = sorted(keys, key=lambda _k: secrets.randbits(64))
    return {key: n for n, key in enumerate(order, start=1)}


def dataset(user, filters: Filters, *, instrument, shape: str = "long"):
    """(header, rows, citizen ids). Answers count inside an enrolment's period."""
    rows = cohort_rows(user, filters)
    items = scored_items(instrument)
    codes = [i.code for i in items]
    person = _pseudonyms({r[1] for r in rows})
    course = _pseudonyms(r[0] for r in rows)
    programmes = dict(
        Programme.objects.filter(pk__in={r[2] for r in rows}).values_list("pk", "name")
    )
    groups = dict(Code.objects.filter(code_list="target_group").values_list("pk", "code"))
    by_citizen = defaultdict(list)
    for r in rows:
        by_citizen[r[1]].append(r)
    today = dt.date.today()
    answers = (
        Answer.objects.filter(
            assessment__citizen_id__in=list(by_citizen),
            assessment__version__instrument=instrument,
            assessment__status=Assessment.Status.COMPLETED,
            item__code__in=codes,  # scaled items only: free text could name someone
        )
        .order_by("assessment__citizen_id", "assessment__date", "assessment_id", "item__position")
        .values_list(
            "assessment__citizen_id",
            "assessment_id",
            "assessment__date",
            "assessment__respondent",
            "item__code",
            "value",
            "text",
            "dont_know",
            "not_relevant",
        )
    )
    long_rows = []
    wide: dict[tuple, dict] = {}
    for citizen, aid, day, respondent, code, value, text, dont_know, not_relevant in answers:
        for r in by_citizen[citizen]:
            if not r[3] <= day <= (r[4] or today):
                continue
            keys = [
                f"P{person[citizen]:05d}",
                f"F{course[r[0]]:05d}",
                programmes.get(r[2], ""),
                groups.get(r[7], ""),
                age_band_at(r[5], r[3]),
                r[6],
                instrument.code,
                (day - r[3]).days,
                respondent,
            ]
            shown = value if value is not None else (text or None)
            long_rows.append([*keys, code, shown, int(dont_know), int(not_relevant)])
            wide.setdefault((r[0], aid), {"keys": keys, "values": {}})["values"][code] = (
                "dont_know" if dont_know else "not_relevant" if not_relevant else shown
            )
    citizens = set(by_citizen)
    if shape == "wide":
        header = [*WIDE_KEYS, *codes]
        body = [
            [*entry["keys"], *(entry["values"].get(c) for c in codes)]
            for entry in sorted(
                wide.values(), key=lambda e: (e["keys"][0], e["keys"][1], e["keys"][7])
            )
        ]
        return header, body, citizens
    long_rows.sort(key=lambda row: (row[0], row[1], row[7]))
    return LONG, long_rows, citizens


def codebook(instrument) -> list[list]:
    """What the columns mean, as a second sheet for the analyst."""
    rows = [
        [_("Column"), _("Meaning")],
        ["pseudonym", _("The citizen, under a number that holds only within this export")],
        ["enrolment", _("The enrolment, under a number that holds only within this export")],
        ["day", _("Days from the start of the enrolment to the assessment")],
        ["respondent", _("Who answered: citizen, caseworker, joint, provider, observation")],
    ]
    for item in scored_items(instrument):
        rows.append([item.code, f"{item.text} ({item.scale_min}–{item.scale_max})"])
    return rows
