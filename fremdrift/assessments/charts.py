"""From assessment data to the SVG charts a citizen and caseworker look at."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fremdrift.core.svg import WheelItem, WheelSeries, render_item_history, render_wheel

from .models import Assessment
from .selectors import WheelData


def wheel_items(data: WheelData) -> list[WheelItem]:
    return [
        WheelItem(code=i.code, label=i.label, scale_min=i.scale_min, scale_max=i.scale_max)
        for i in data.items
    ]


def _series_label(kind: str, day) -> str:
    when = date_format(day, "SHORT_DATE_FORMAT")
    return {
        "first": _("First time, %(date)s"),
        "previous": _("Previous, %(date)s"),
        "newest": _("Newest, %(date)s"),
        "starting": _("Starting scores at referral, %(date)s"),
    }[kind] % {"date": when}


def wheel_caption(data: WheelData, *, today) -> str:
    """What the wheel compares, for the citizen, in words with the dates: "today" only for a
    reading made today."""
    readings = [a for a in data.chosen if a.kind != Assessment.Kind.STARTING_SCORES]
    if not readings:
        return ""

    def when(day) -> str:
        return _("today") if day == today else _("on %(date)s") % {"date": date_format(day)}

    dates = {"newest": when(readings[-1].date)}
    if len(readings) == 1:
        text = _("The wheel shows your answers %(newest)s.")
    elif len(readings) == 2:
        text = _("The wheel shows your answers %(newest)s and the first time, %(first)s.")
    else:
        text = _(
            "The wheel shows your answers %(newest)s, the time before, %(previous)s, "
            "and the first time, %(first)s."
        )
        dates["previous"] = date_format(readings[-2].date)
    if len(readings) > 1:
        dates["first"] = date_format(readings[0].date)
    return " ".join([text % dates, _("The further out, the better.")])


def partial_label(assessment) -> str:
    """How a referral's starting scores are named on the wheel."""
    return _series_label("starting", assessment.date)


def _respondent_label(assessment) -> str:
    who = (
        _("The citizen themself")
        if assessment.entered_by_citizen
        else assessment.get_respondent_display()
    )
    return _("%(who)s, %(date)s") % {
        "who": who,
        "date": date_format(assessment.date, "SHORT_DATE_FORMAT"),
    }


def wheel_series(data: WheelData, *, draft_scores: dict | None = None) -> list[WheelSeries]:
    """The series to draw, oldest first. Without a draft: the chosen assessments, the oldest
    as 'first', the newest as 'newest', one between as 'previous' (readings, not a referral's
    starting scores), and newer starting scores marked as such ('partial'). With a draft
    being filled in: the first time, the last time (readings), and the draft as the newest."""
    chosen = list(data.chosen)
    if draft_scores is not None:
        readings = data.readings
        chosen = [readings[0], readings[-1]] if len(readings) > 1 else readings[:1]
    keys = ["other"] * len(chosen)
    if chosen:
        keys[-1] = "newest" if draft_scores is None else "previous"
    if len(chosen) > 1:
        keys[0] = "first"
        if draft_scores is None and len(chosen) > 2:
            keys[-2] = "previous"
    labels = {"first": "first", "previous": "previous", "newest": "newest", "other": "previous"}
    # Two respondents side by side (the citizen's own answers and the caseworker's) are named
    # by who answered, not by when.
    by_respondent = draft_scores is None and len({a.respondent for a in chosen}) > 1
    series = [
        WheelSeries(
            key=key,
            label=_respondent_label(assessment)
            if by_respondent
            else partial_label(assessment)
            if assessment.kind == Assessment.Kind.STARTING_SCORES
            else _series_label(labels[key], assessment.date),
            scores=data.scores.get(assessment.pk, {}),
        )
        for key, assessment in zip(keys, chosen, strict=True)
    ]
    if draft_scores is None and data.partial is not None:
        series.append(
            WheelSeries(
                key="partial",
                label=partial_label(data.partial),
                scores=data.scores.get(data.partial.pk, {}),
            )
        )
    if draft_scores is not None:
        series.append(WheelSeries(key="newest", label=_("Today (not saved)"), scores=draft_scores))
    if data.targets:
        series.append(WheelSeries(key="target", label=_("My target"), scores=data.targets))
    return series


def wheel_svg(
    data: WheelData, *, citizen_name: str, draft_scores: dict | None = None, id_prefix="wheel"
) -> str:
    series = wheel_series(data, draft_scores=draft_scores)
    described = "; ".join(s.label for s in series) or _("No assessments yet")
    return render_wheel(
        items=wheel_items(data),
        series=series,
        title=_("Movement wheel: %(instrument)s, %(name)s")
        % {"instrument": data.instrument.name, "name": citizen_name},
        description=described,
        id_prefix=id_prefix,
    )


def history_svgs(data: WheelData) -> list[tuple[object, str]]:
    return [
        (
            item,
            render_item_history(
                points=data.history.get(item.code, []),
                scale_min=item.scale_min,
                scale_max=item.scale_max,
                title=_("%(item)s over time") % {"item": item.label},
            ),
        )
        for item in data.items
    ]
