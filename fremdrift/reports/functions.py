"""Database functions the reports compute in SQL, where moving half a million values through
Python costs more than the query."""

import contextvars
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, DateField, FloatField, Func, IntegerField


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


def read_side_by_side(*reads: Callable[[], Any], using: str = "default") -> list[Any]:
    """The results of independent reads, run at the same time: the first in this thread,
    each other one in a thread on a database connection of its own, closed when it is
    done. A report's statements mostly wait on the database, which has a core of its own.
    Inside a transaction they run one after the other on its connection, since another
    connection would not see its uncommitted rows. Each thread runs in a copy of the
    caller's context, so a read the caller sends to the replica goes there too."""
    if len(reads) < 2 or connections[using].in_atomic_block:
        return [read() for read in reads]
    with ThreadPoolExecutor(max_workers=len(reads) - 1) as pool:
        others = [
            pool.submit(contextvars.copy_context().run, _on_own_connection, read)
            for read in reads[1:]
        ]
        first = reads[0]()
        return [first, *(other.result() for other in others)]


def _on_own_connection(read: Callable[[], Any]) -> Any:
    try:
        return read()
    finally:
        connections.close_all()  # this thread's connections only


def cursor_rows(queryset) -> list[tuple]:
    """The rows of a `values_list` queryset straight from the database cursor, without the
    ORM's per-value converters, which on half a million rows cost more than the query itself.
    For numbers and text only: dates and JSON come as the database gives them."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter on an empty list: no rows, and no statement to run
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class AddDays(Func):
    """A date `days` days later."""

    def __init__(self, expression, days: int, **extra):
        self.days = int(days)
        super().__init__(expression, output_field=DateField(), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = f"date(%(expressions)s, '{self.days:+d} days')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = f"(%(expressions)s + {self.days:d})"
        return self.as_sql(compiler, connection, template=template, **extra)


def months_since_sql(vendor: str, day: str, start: str) -> str:
    """SQL for the whole months of 30.4375 days (a year's twelfth) from the date column
    `start` to the date column `day`, for days on or after `start`: the trajectory's month
    since enrolment."""
    if vendor == "sqlite":
        return f"CAST((julianday({day}) - julianday({start})) / 30.4375 AS INTEGER)"
    # In double precision, not numeric (twice as fast): 30.4375 is exact in binary, and a
    # quotient of whole days lies at least 1/487 from any integer it is not, so the floor
    # is the same.
    return f"FLOOR(({day} - {start}) / 30.4375::float8)::integer"


class AgeOn(Func):
    """Age in whole years on a day, as `core.cpr.age_on` computes it: the difference of
    the years, less one before the birthday (by month and day) of that year."""

    output_field = IntegerField()

    def __init__(self, birth_date, day, **extra):
        super().__init__(birth_date, day, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        birth, day = (compiler.compile(e) for e in self.get_source_expressions())
        sql = (
            f"(CAST(strftime('%%Y', {day[0]}) AS INTEGER)"
            f" - CAST(strftime('%%Y', {birth[0]}) AS INTEGER)"
            f" - (strftime('%%m-%%d', {day[0]}) < strftime('%%m-%%d', {birth[0]})))"
        )
        return sql, (*day[1], *birth[1], *day[1], *birth[1])

    def as_postgresql(self, compiler, connection, **extra):
        birth, day = (compiler.compile(e) for e in self.get_source_expressions())
        sql = (
            f"(EXTRACT(YEAR FROM {day[0]})::integer - EXTRACT(YEAR FROM {birth[0]})::integer"
            f" - CASE WHEN to_char({day[0]}, 'MM-DD') < to_char({birth[0]}, 'MM-DD')"
            " THEN 1 ELSE 0 END)"
        )
        return sql, (*day[1], *birth[1], *day[1], *birth[1])


class InIds(Func):
    """`expression IN ids` with the ids bound as one parameter (a JSON array on SQLite, an
    array on PostgreSQL): tens of thousands of ids need neither chunks nor the ORM's work
    per value."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, expression, ids, **extra):
        self.ids = [int(i) for i in ids]
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "%(expressions)s IN (SELECT value FROM json_each(%%s))"
        sql, params = self.as_sql(compiler, connection, template=template, **extra)
        return sql, (*params, json.dumps(self.ids))

    def as_postgresql(self, compiler, connection, **extra):
        # As an array literal: psycopg adapts a list of 60,000 numbers one by one.
        template = "%(expressions)s = ANY(%%s::bigint[])"
        sql, params = self.as_sql(compiler, connection, template=template)
        return sql, (*params, "{" + ",".join(map(str, self.ids)) + "}")


class ItemValue(Func):
    """An assessment's value for one item code from its `item_values`, as a number; NULL
    where the item was not answered. The code is bound as a parameter."""

    output_field = FloatField()

    def __init__(self, expression, code: str, **extra):
        self.code = str(code)
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = self.as_sql(compiler, connection, template="%(expressions)s", **extra)
        # Item codes are slugs, so the quoted path needs no escaping.
        return f"json_extract({sql}, %s)", (*params, f'$."{self.code}"')

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = self.as_sql(compiler, connection, template="%(expressions)s", **extra)
        return f"(({sql}) ->> %s)::float8", (*params, self.code)
