"""The analysis dataset: every answer of the cohort's citizens on an instrument during their
enrolments, long (one row per answer) or wide (one row per citizen and time point), under
pseudonyms that hold within one export and differ between exports. Time points are days since
the enrolment started, not dates, and nothing names a citizen.

Each row carries its enrolment's participant profile (seed 002, "Deltagerprofil"), in columns
after the keys: for an item of one of a list `profile_<item>` with the chosen code, for an
item of several of a list one column per option, `profile_<item>_<option>`, 1 where the
profile gives the option and 0 where it does not; empty where the profile does not record the
item (no profile, the item left out or answered 'don't know'). The codebook names them."""

import datetime as dt
import secrets
from collections import defaultdict

from django.utils.translation import gettext as _

from fremdrift.assessments.models import Answer, Assessment
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import ScaleType
from fremdrift.programmes.models import Programme
from fremdrift.programmes.selectors import profile_items

from .cohort import Filters, age_band_at, cohort_profiles, cohort_rows
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
    "kind",
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
    "kind",
]


def profile_columns(items=None) -> list[tuple[str, object, str | None]]:
    """The participant profile's columns: (column, item, option), the option None for an
    item of one of a list (its column holds the code), else the option the 0/1 column is."""
    columns = []
    for item in profile_items() if items is None else items:
        if item.scale_type == ScaleType.CHOICES:
            columns += [(f"profile_{item.code}_{code}", item, code) for code in item.option_codes()]
        elif item.is_nominal:
            columns.append((f"profile_{item.code}", item, None))
    return columns


def _profile_cells(columns, chosen: dict[str, list[str]]) -> list:
    cells = []
    for _column, item, option in columns:
        codes = chosen.get(item.code)
        if not codes:
            cells.append(None)
        elif option is None:
            cells.append(";".join(codes))
        else:
            cells.append(int(option in codes))
    return cells


def _pseudonyms(keys) -> dict:
    """Numbers in a random order: stable within the export, new in the next."""
    keys = list(keys)
    order = sorted(keys, key=lambda _k: secrets.randbits(64))
    return {key: n for n, key in enumerate(order, start=1)}


def dataset(user, filters: Filters, *, instrument, shape: str = "long"):
    """(header, rows, citizen ids). Answers count inside an enrolment's period, or in the
    group of follows from the follow's start until today (`programme` is then empty)."""
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
    columns = profile_columns()
    profiles = cohort_profiles((r[0] for r in rows), group=filters.group) if columns else {}
    profile_of = {r[0]: _profile_cells(columns, profiles.get(r[0], {})) for r in rows}
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
            "assessment__kind",
            "item__code",
            "value",
            "text",
            "dont_know",
            "not_relevant",
        )
    )
    long_rows = []
    wide: dict[tuple, dict] = {}
    for citizen, aid, day, respondent, kind, code, value, text, dont_know, not_relevant in answers:
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
                kind,
            ]
            shown = value if value is not None else (text or None)
            long_rows.append(
                [*keys, *profile_of[r[0]], code, shown, int(dont_know), int(not_relevant)]
            )
            entry = {"keys": keys, "profile": profile_of[r[0]], "values": {}}
            wide.setdefault((r[0], aid), entry)["values"][code] = (
                "dont_know" if dont_know else "not_relevant" if not_relevant else shown
            )
    citizens = set(by_citizen)
    profile_header = [column for column, _item, _option in columns]
    if shape == "wide":
        header = [*WIDE_KEYS, *profile_header, *codes]
        body = [
            [*entry["keys"], *entry["profile"], *(entry["values"].get(c) for c in codes)]
            for entry in sorted(
                wide.values(), key=lambda e: (e["keys"][0], e["keys"][1], e["keys"][7])
            )
        ]
        return header, body, citizens
    long_rows.sort(key=lambda row: (row[0], row[1], row[7]))
    keys_end = LONG.index("kind") + 1
    return [*LONG[:keys_end], *profile_header, *LONG[keys_end:]], long_rows, citizens


def codebook(instrument) -> list[list]:
    """What the columns mean, as a second sheet for the analyst."""
    rows = [
        [_("Column"), _("Meaning")],
        ["pseudonym", _("The citizen, under a number that holds only within this export")],
        [
            "enrolment",
            _(
                "The enrolment (in the group of citizens who follow the instrument: the "
                "follow), under a number that holds only within this export"
            ),
        ],
        [
            "day",
            _("Days from the start of the enrolment (or of the follow) to the assessment"),
        ],
        ["respondent", _("Who answered: citizen, caseworker, joint, provider, observation")],
        [
            "kind",
            _(
                "reading, or starting_scores: a referral's starting scores on its focus items, "
                "the baseline of those items and not a reading of the whole instrument"
            ),
        ],
    ]
    for item in scored_items(instrument):
        rows.append([item.code, f"{item.text} ({item.scale_min}–{item.scale_max})"])
    for column, item, option in profile_columns():
        if option is None:
            options = "; ".join(f"{code} = {label}" for code, label in item.choice_options())
            meaning = _(
                "Participant profile: %(item)s. The chosen code: %(options)s. Empty: not recorded."
            ) % {"item": item.text, "options": options}
        else:
            meaning = _(
                "Participant profile: %(item)s: %(option)s. 1: given, 0: not given (an "
                "enrolment may give several). Empty: not recorded."
            ) % {"item": item.text, "option": item.option_label(option)}
        rows.append([column, meaning])
    return rows
