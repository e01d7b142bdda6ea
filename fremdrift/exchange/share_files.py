"""The shares of a case with another authority (`citizens.CaseShare`) in an exchange package:
`case_shares.csv`, read last. The home organisation's shares of its citizens' cases are
exported; an import records them through `citizens.services.case_share_create` (and ends
those the package ended through `case_share_end`), so the service's rules apply: never with
the citizen's own organisation, never with a provider, no overlap with another share with the
same authority. The authority shared with is named; it must be set up in Fremdrift.

An ended share is ended on the day of the import (`ended_at`); its end date stays if it was
earlier."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fremdrift.accounts.models import Organisation
from fremdrift.citizens import services as citizen_services
from fremdrift.citizens.models import CaseShare, Citizen

from . import format as fmt
from .models import Entity

PURPOSE_MAX = 5000


class ShareFilesCheck:
    """Mixed into check.PackageCheck: `error`, `read`, `parsed`, `key`, `reference` and
    `text` come from there."""

    def share_files(self) -> None:
        spec = fmt.CASE_SHARES
        names = set(Organisation.objects.values_list("name", flat=True))
        for row in self.read(spec):
            self.key(spec, row, Entity.CASE_SHARE)
            self.reference(spec, row, "citizen", Entity.CITIZEN)
            if row.values["shared_with"] not in names:
                self.error(spec, row.line, "shared_with", _("No organisation by this name."))
            self.text(spec, row, "purpose", PURPOSE_MAX)
            for column in ("start_date", "end_date", "ended_at"):
                self.parsed(spec, row, column, fmt.parse_date)


class ShareFilesWrite:
    """Mixed into services._PackageWrite: `actor`, `keys`, `counts`, `write_rows` and
    `remember` come from there."""

    def share_files(self) -> None:
        self.organisations_by_name = {o.name: o for o in Organisation.objects.all()}
        self.write_rows(fmt.CASE_SHARES, self.case_share_row)

    def case_share_row(self, row: fmt.Row) -> None:
        values = row.values
        fields = {
            "shared_with": self.organisations_by_name[values["shared_with"]],
            "purpose": values["purpose"],
            "start_date": fmt.parse_date(values["start_date"]),
            "end_date": fmt.parse_date(values["end_date"]) if values["end_date"] else None,
        }
        ended = bool(values["ended_at"])
        pk = self.keys[Entity.CASE_SHARE].get(values["id"])
        try:
            if pk is None:
                citizen = Citizen.objects.get(pk=self.keys[Entity.CITIZEN][values["citizen"]])
                share = citizen_services.case_share_create(
                    actor=self.actor, citizen=citizen, imported=True, **fields
                )
                self.remember(Entity.CASE_SHARE, values["id"], share.pk)
                self.counts[Entity.CASE_SHARE]["created"] += 1
            else:
                share = CaseShare.objects.select_related("citizen").get(pk=pk)
                same = (
                    share.citizen_id == self.keys[Entity.CITIZEN][values["citizen"]]
                    and share.shared_with_id == fields["shared_with"].pk
                    and share.purpose == fields["purpose"].strip()
                    and share.start_date == fields["start_date"]
                    and (share.ended_at is not None or share.end_date == fields["end_date"])
                )
                if not same or (share.ended_at is not None and not ended):
                    raise ValidationError(
                        {
                            "purpose": _(
                                "An imported shared case cannot change; end it and share the "
                                "case again in Fremdrift."
                            )
                        }
                    )
                changed = ended and share.ended_at is None
                self.counts[Entity.CASE_SHARE]["updated" if changed else "unchanged"] += 1
            if ended and share.ended_at is None:
                citizen_services.case_share_end(actor=self.actor, share=share, imported=True)
        except PermissionDenied:
            raise ValidationError(
                {
                    "citizen": _(
                        "Shared cases are imported by an administrator of the citizen's "
                        "organisation."
                    )
                }
            ) from None


def export_case_shares(write, key) -> None:
    """Writes every share of a case by the citizen's home organisation."""
    write(
        fmt.CASE_SHARES,
        (
            {
                "id": key(Entity.CASE_SHARE, share.pk),
                "citizen": key(Entity.CITIZEN, share.citizen_id),
                "shared_with": share.shared_with.name,
                "purpose": share.purpose,
                "start_date": share.start_date,
                "end_date": share.end_date,
                "ended_at": timezone.localdate(share.ended_at) if share.ended_at else None,
            }
            for share in CaseShare.objects.select_related("shared_with").order_by("pk")
        ),
    )
