"""Database functions the reports compute in SQL, where moving half a million values through
Python costs more than the query."""

from django.db import connections
from django.db.models import Func, IntegerField


class DayNumber(Func):
    """A date as its proleptic Gregorian ordinal (`date.toordinal()`): 1 January of year 1 is
    day 1."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # julianday() counts from noon, 24 November 4714 BC: day 1 begins at 1721425.5.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 1721424.5 AS INTEGER)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '0001-01-01' + 1)", **extra
        )


def number_rows(queryset) -> list[tuple]:
    """The rows of a `values_list` queryset of numbers straight from the database cursor,
    without the ORM's per-value converters, which on half a million rows cost more than the
    query itself."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
