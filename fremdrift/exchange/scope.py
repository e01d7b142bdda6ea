"""Which rows an export writes: every row (the exchange package) or one citizen's (the
subject-access export, `rights.subject_access`). Each file's rows reach the citizen by a path
of their own, named where the file is written."""

from django.db.models import Manager, QuerySet


def rows_of(rows: Manager | QuerySet, path: str, citizen_id: int | None) -> QuerySet:
    """All of `rows`, or with `citizen_id` only those whose `path` leads to that citizen."""
    if citizen_id is None:
        return rows.all()
    return rows.filter(**{path: citizen_id})
