"""Programmes, providers, target groups, responsible caseworkers or the groups of an item of
the participant profile side by side: the change in each, and the difference in follow-up
adjusted for the baseline score (analysis of covariance)."""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _
from scipy import stats as scipy_stats

from fremdrift.accounts.models import Organisation, User
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import ScaleType
from fremdrift.programmes.models import Programme
from fremdrift.programmes.selectors import profile_items

from . import stats
from .cohort import PROFILE_GROUPS, Filters, cohort_profiles
from .privacy import enough, too_few
from .scores import collect

DIMENSIONS = {
    "programme": _("Programme"),
    "provider": _("Provider"),
    "target_group": _("Target group"),
    "caseworker": _("Responsible caseworker"),
}
# What only a group of enrolments has.
ENROLMENT_DIMENSIONS = ("programme", "provider")


@dataclass
class GroupChange:
    key: int | str
    label: str
    n: int
    change: stats.PairedChange | None
    adjusted: tuple[float, float, float] | None  # difference from the reference, interval
    is_reference: bool = False

    @property
    def suppressed(self) -> bool:
        return too_few(self.n)


@dataclass
class ComparisonReport:
    instrument: object
    by: str
    groups: list[GroupChange]
    cohort_size: int
    # The groups share citizens: an item of the participant profile with several answers.
    overlapping: bool = False


def adjusted_differences(baseline, followup, group, reference) -> dict:
    """OLS of follow-up on baseline and one indicator per group but the reference: each
    group's coefficient is its follow-up difference from the reference at equal baseline,
    with a t-based 95 % interval."""
    x = np.asarray(baseline, dtype=float)
    y = np.asarray(followup, dtype=float)
    keys = [k for k in dict.fromkeys(group) if k != reference]
    design = np.column_stack(
        [np.ones_like(x), x, *[(np.asarray(group) == k).astype(float) for k in keys]]
    )
    n, p = design.shape
    if n <= p:
        return {}
    coef, *_rest = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    s2 = residual @ residual / (n - p)
    cov = s2 * np.linalg.pinv(design.T @ design)
    t = scipy_stats.t.ppf(0.975, n - p)
    out = {}
    for i, k in enumerate(keys, start=2):
        se = float(np.sqrt(cov[i, i]))
        out[k] = (float(coef[i]), float(coef[i] - t * se), float(coef[i] + t * se))
    return out


def comparison_report(
    user, filters: Filters, *, instrument, by: str = "programme", horizon: str = "latest"
) -> ComparisonReport:
    data = collect(user, filters, instrument=instrument, horizon=horizon, answers=False)
    rows = {r[0]: r for r in data.cohort}
    programme_owner = dict(
        Programme.objects.filter(pk__in={r[2] for r in data.cohort}).values_list(
            "pk", "organisation_id"
        )
    )

    profile_item = by.removeprefix(PROFILE_GROUPS) if by.startswith(PROFILE_GROUPS) else ""
    profiles = cohort_profiles(rows, group=filters.group) if profile_item else {}

    def keys_of(row) -> list:
        """The groups of an enrolment: one, or for an item of the participant profile with
        several answers each of its answers (and none without an answer)."""
        if profile_item:
            return profiles.get(row[0], {}).get(profile_item, [])
        if by == "provider":
            key = programme_owner.get(row[2])
        elif by == "target_group":
            key = row[3]
        elif by == "caseworker":
            key = row[4]
        else:
            key = row[2]
        return [] if key is None else [key]

    by_group: dict[int | str, list[tuple[float, float]]] = defaultdict(list)
    paired = data.with_total_pair
    for enrolment_id, before, after in zip(
        data.enrolment_ids[paired].tolist(),
        data.total_baseline[paired].tolist(),
        data.total_followup[paired].tolist(),
        strict=True,
    ):
        for key in keys_of(rows[enrolment_id]):
            by_group[key].append((before, after))
    shown = {k: v for k, v in by_group.items() if enough(len(v))}
    several = any(
        item.code == profile_item and item.scale_type == ScaleType.CHOICES
        for item in (profile_items() if profile_item else [])
    )
    reference = max(shown, key=lambda k: len(shown[k])) if shown and not several else None
    flat = [(k, b, f) for k, pairs in shown.items() for b, f in pairs]
    # Groups that share citizens (several answers each) are no design for one regression.
    adjusted = (
        adjusted_differences(
            [b for _k, b, _f in flat],
            [f for _k, _b, f in flat],
            [k for k, _b, _f in flat],
            reference,
        )
        if len(shown) > 1 and not several
        else {}
    )
    labels = _labels(by, set(by_group))
    groups = [
        GroupChange(
            key=k,
            label=labels.get(k, str(k)),
            n=len(pairs),
            change=stats.paired_change([b for b, _ in pairs], [f for _, f in pairs])
            if enough(len(pairs))
            else None,
            adjusted=adjusted.get(k),
            is_reference=k == reference,
        )
        for k, pairs in sorted(by_group.items(), key=lambda item: -len(item[1]))
    ]
    return ComparisonReport(
        instrument=instrument,
        by=by,
        groups=groups,
        cohort_size=len(data.cohort),
        overlapping=several,
    )


def _labels(by: str, keys: set) -> dict:
    if by.startswith(PROFILE_GROUPS):
        item_code = by.removeprefix(PROFILE_GROUPS)
        item = next((i for i in profile_items() if i.code == item_code), None)
        return {key: item.option_label(key) for key in keys} if item else {}
    if by == "programme":
        return dict(Programme.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "provider":
        return dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "caseworker":
        return {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=keys)}
    return {c.pk: c.label for c in Code.objects.filter(pk__in=keys)}
