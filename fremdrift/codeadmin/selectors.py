"""Reads of the administrators' code-list pages that need the change history."""

from fremdrift.audit.models import ChangeRecord
from fremdrift.codelists.models import Code


def code_history(*, codes) -> dict[int, list[ChangeRecord]]:
    """The change records of each code, newest first, by the code's id."""
    ids = [str(code.pk) for code in codes]
    history: dict[int, list[ChangeRecord]] = {code.pk: [] for code in codes}
    for record in ChangeRecord.objects.filter(model=Code._meta.label, object_id__in=ids).order_by(
        "-at", "-id"
    ):
        history[int(record.object_id)].append(record)
    return history
