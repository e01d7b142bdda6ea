"""The programmes' own files of an exchange package (the instruments a programme's citizens
follow, the milestones it pays for) and the referrals to providers' programmes, with their
focus items. `ProgrammeFilesCheck` is the first pass for them and `ProgrammeFilesWrite` the
second; each is mixed into the package's check and write."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fremdrift.assessments.models import Assessment
from fremdrift.citizens.models import Citizen
from fremdrift.core.validation import interval_errors
from fremdrift.instruments.models import Instrument
from fremdrift.programmes.models import Milestone, MilestoneRule, Programme, ProgrammeInstrument
from fremdrift.referrals import services as referral_services
from fremdrift.referrals.models import Referral

from . import format as fmt
from .models import Entity, SourceKey
from .scope import rows_of

STATUSES = ("active", "ended", "withdrawn")


class ProgrammeFilesCheck:
    """Mixed into check.PackageCheck, which provides `error`, `read`, `parsed`, `key`,
    `reference`, `keys`, `seen` and `lookups`."""

    def programme_parts(self) -> None:
        """programme_instruments.csv and milestones.csv, read after programmes.csv."""
        self.instruments_of: dict[str, set[str]] = defaultdict(set)
        instrument_codes = {code for code, _number in self.lookups.versions}
        for row in self.read(fmt.PROGRAMME_INSTRUMENTS):
            spec = fmt.PROGRAMME_INSTRUMENTS
            values = row.values
            self.reference(spec, row, "programme", Entity.PROGRAMME)
            if values["instrument"] not in instrument_codes:
                self.error(spec, row.line, "instrument", _("No instrument with this code."))
            elif values["instrument"] in self.instruments_of[values["programme"]]:
                self.error(spec, row.line, "instrument", _("The programme has it twice."))
            self.instruments_of[values["programme"]].add(values["instrument"])
            days = self.parsed(spec, row, "interval_days", fmt.parse_int)
            self.report(spec, row, interval_errors(days))
        shares: dict[str, Decimal] = defaultdict(Decimal)
        codes: dict[str, set[str]] = defaultdict(set)
        for row in self.read(fmt.MILESTONES):
            spec = fmt.MILESTONES
            values = row.values
            self.reference(spec, row, "programme", Entity.PROGRAMME)
            if values["code"] in codes[values["programme"]]:
                self.error(spec, row.line, "code", _("The programme has this milestone twice."))
            codes[values["programme"]].add(values["code"])
            self.text(spec, row, "code", 60)
            self.text(spec, row, "label", 200)
            share = self.parsed(spec, row, "share", fmt.parse_decimal)
            if share is not None and not 0 < share <= 100:
                self.error(spec, row.line, "share", _("A share is above 0 and at most 100 %."))
            elif share is not None:
                shares[values["programme"]] += share
                if shares[values["programme"]] > 100:
                    self.error(
                        spec, row.line, "share", _("The programme's shares add up to over 100 %.")
                    )
            if values["rule"] and values["rule"] not in MilestoneRule.values:
                self.error(spec, row.line, "rule", _("Unknown rule."))

    def referrals(self) -> None:
        spec = fmt.REFERRALS
        for row in self.read(spec):
            values = row.values
            self.key(spec, row, Entity.REFERRAL)
            self.reference(spec, row, "citizen", Entity.CITIZEN)
            if values["programme"]:
                self.reference(spec, row, "programme", Entity.PROGRAMME)
                followed = self.programme_instruments(values["programme"])
                if values["instrument"] not in followed:
                    self.error(
                        spec,
                        row.line,
                        "instrument",
                        _("Choose one of the programme's instruments."),
                    )
                if not fmt.split_list(values["focus_items"]):
                    self.error(spec, row.line, "focus_items", _("Choose at least one focus item."))
                if not values["starting_assessment"]:
                    self.error(
                        spec,
                        row.line,
                        "starting_assessment",
                        _("Name the assessment that holds the starting scores."),
                    )
                elif values["starting_assessment"] not in self.assessment_ids:
                    self.error(
                        spec,
                        row.line,
                        "starting_assessment",
                        _("No assessment with this id in assessments.csv."),
                    )
            elif values["provider"] not in self.lookups.organisations:
                self.error(spec, row.line, "provider", _("Name the programme or the provider."))
            start = self.parsed(spec, row, "start_date", fmt.parse_date)
            end = self.parsed(spec, row, "end_date", fmt.parse_date)
            days = self.parsed(spec, row, "interval_days", fmt.parse_int)
            self.report(
                spec,
                row,
                referral_services.referral_errors(
                    start_date=start, end_date=end, interval_days=days
                ),
            )
            status = values["status"] or "active"
            if status not in STATUSES:
                self.error(spec, row.line, "status", _("Unknown status."))
            elif status != "active" and not values["end_date"]:
                self.error(spec, row.line, "end_date", _("An ended referral needs its end date."))

    def programme_instruments(self, programme_id: str) -> set[str]:
        if programme_id in self.instruments_of or programme_id in self.seen[Entity.PROGRAMME]:
            return self.instruments_of.get(programme_id, set())
        pk = self.keys[Entity.PROGRAMME].get(programme_id)
        return set(
            ProgrammeInstrument.objects.filter(programme_id=pk).values_list(
                "instrument__code", flat=True
            )
        )


class ProgrammeFilesWrite:
    """Mixed into services._PackageWrite, which provides `actor`, `keys`, `counts`, `rows`,
    `remember`, `write_rows` and `lookups`."""

    def programme_parts(self) -> None:
        self.instruments = {i.code: i for i in Instrument.objects.all()}
        self.parts: dict[str, dict[str, list]] = defaultdict(lambda: {"i": [], "m": []})
        self.parts_given = self.package.exists(fmt.PROGRAMME_INSTRUMENTS.name) or (
            self.package.exists(fmt.MILESTONES.name)
        )
        for row in self.rows(fmt.PROGRAMME_INSTRUMENTS):
            values = row.values
            self.parts[values["programme"]]["i"].append(
                (self.instruments[values["instrument"]], fmt.parse_int(values["interval_days"]))
            )
        for row in self.rows(fmt.MILESTONES):
            values = row.values
            self.parts[values["programme"]]["m"].append(
                {
                    "code": values["code"],
                    "label": values["label"],
                    "share": fmt.parse_decimal(values["share"]),
                    "rule": values["rule"] or MilestoneRule.MANUAL,
                }
            )

    def programme_parts_unchanged(self, programme: Programme, source_id: str) -> bool:
        if not self.parts_given:
            return True
        parts = self.parts.get(source_id, {"i": [], "m": []})
        instruments = [
            (p.instrument_id, p.interval_days)
            for p in programme.programme_instruments.order_by("pk")
        ]
        milestones = [
            (m.code, m.label, m.share, m.rule)
            for m in Milestone.objects.filter(programme=programme).order_by("position", "pk")
        ]
        return instruments == [(i.pk, days) for i, days in parts["i"]] and milestones == [
            (m["code"], m["label"], m["share"], m["rule"]) for m in parts["m"]
        ]

    def referral_row(self, row: fmt.Row) -> None:
        values = row.values
        status = values["status"] or "active"
        end = fmt.parse_date(values["end_date"]) if values["end_date"] else None
        focus = fmt.split_list(values["focus_items"])
        programme = (
            Programme.objects.get(pk=self.keys[Entity.PROGRAMME][values["programme"]])
            if values["programme"]
            else None
        )
        starting = None
        if values["starting_assessment"]:
            starting = self.assessment_of(values["starting_assessment"])
        fields = {
            "start_date": fmt.parse_date(values["start_date"]),
            "interval_days": (
                fmt.parse_int(values["interval_days"]) if values["interval_days"] else None
            ),
        }
        pk = self.keys[Entity.REFERRAL].get(values["id"])
        if pk is None:
            referral = referral_services.referral_create(
                actor=self.actor,
                citizen=Citizen.objects.get(pk=self.keys[Entity.CITIZEN][values["citizen"]]),
                programme=programme,
                provider=self.lookups.organisations.get(values["provider"])
                if programme is None
                else None,
                instrument=self.instruments.get(values["instrument"]),
                end_date=end if status == "active" else None,
                starting_scores=dict.fromkeys(focus),
                starting_assessment=starting,
                enrol=False,
                **fields,
            )
            if status != "active":
                referral_services.referral_end(
                    actor=self.actor,
                    referral=referral,
                    end_date=end,
                    withdrawn=status == "withdrawn",
                )
            self.remember(Entity.REFERRAL, values["id"], referral.pk)
            self.counts[Entity.REFERRAL]["created"] += 1
            return
        referral = Referral.objects.get(pk=pk)
        same_start = (
            referral.start_date == fields["start_date"]
            and referral.interval_days == fields["interval_days"]
            and referral.programme_id == (programme.pk if programme else None)
            and referral.starting_assessment_id == (starting.pk if starting else None)
            and list(referral.focus_items.values_list("item_code", flat=True)) == focus
        )
        if same_start and (referral.status, referral.end_date) == (status, end):
            self.counts[Entity.REFERRAL]["unchanged"] += 1
            return
        if same_start and referral.status == "active" and status != "active":
            referral_services.referral_end(
                actor=self.actor, referral=referral, end_date=end, withdrawn=status == "withdrawn"
            )
            self.counts[Entity.REFERRAL]["updated"] += 1
            return
        raise ValidationError(
            {"status": _("An imported referral can only be ended or withdrawn by a package.")}
        )

    def assessment_of(self, source_id: str) -> Assessment:
        pk = (
            SourceKey.objects.filter(
                source_system=self.source_system, entity=Entity.ASSESSMENT, source_id=source_id
            )
            .values_list("object_id", flat=True)
            .get()
        )
        return Assessment.objects.select_related("version").get(pk=pk)


def export_programme_parts(writer_of, key) -> None:
    """Writes programme_instruments.csv and milestones.csv."""
    writer_of(
        fmt.PROGRAMME_INSTRUMENTS,
        (
            {
                "programme": key(Entity.PROGRAMME, p.programme_id),
                "instrument": p.instrument.code,
                "interval_days": p.interval_days,
            }
            for p in ProgrammeInstrument.objects.select_related("instrument").order_by(
                "programme_id", "pk"
            )
        ),
    )
    writer_of(
        fmt.MILESTONES,
        (
            {
                "programme": key(Entity.PROGRAMME, m.programme_id),
                "code": m.code,
                "label": m.label,
                "share": m.share,
                "rule": m.rule,
            }
            for m in Milestone.objects.order_by("programme_id", "position", "pk")
        ),
    )


def export_referrals(writer_of, key, *, citizen_id: int | None = None) -> None:
    """Writes referrals.csv (with `citizen_id`, only that citizen's referrals)."""
    referrals = (
        rows_of(Referral.objects, "citizen", citizen_id)
        .select_related("provider", "instrument")
        .prefetch_related("focus_items")
    )
    writer_of(
        fmt.REFERRALS,
        (
            {
                "id": key(Entity.REFERRAL, r.pk),
                "citizen": key(Entity.CITIZEN, r.citizen_id),
                "provider": r.provider.name if r.programme_id is None else "",
                "programme": key(Entity.PROGRAMME, r.programme_id),
                "instrument": r.instrument.code if r.instrument_id else "",
                "start_date": r.start_date,
                "end_date": r.end_date,
                "interval_days": r.interval_days,
                "status": r.status,
                "starting_assessment": key(Entity.ASSESSMENT, r.starting_assessment_id),
                "focus_items": fmt.LIST_SEPARATOR.join(
                    f.item_code for f in sorted(r.focus_items.all(), key=lambda f: f.position)
                ),
            }
            for r in referrals.order_by("pk").iterator(chunk_size=2000)
        ),
    )
