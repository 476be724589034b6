"""A query of rows made and compiled by the ORM once, then asked again and again with new
values: for the reads a busy list makes at every request.

Making a queryset of several joins and expressions (its clones, its expressions resolved)
and compiling it took twice as long as PostgreSQL's answer for a page of fifty rows
(measured on a page of results: 3.5 ms of 4.9). A ``Statement`` keeps what the ORM made of a
``values()`` queryset, its SQL, its parameters and its columns' converters, and runs it with
the values of its ``Slot``'s: the rows come back as the queryset's own would.

A value is given with ``Equals``, a list of values with ``AnyOf`` (one parameter whatever its
length): ``Result.objects.filter(AnyOf(F("pk"), Slot("ids")))``.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import NotSupportedError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func, Lookup, QuerySet
from django.db.models.sql.compiler import SQLCompiler


class Slot:
    """A parameter of a ``Statement`` whose value is given at each run, by its name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


class Equals(Lookup):
    """The left side equals a ``Slot``'s value (which the ORM's own ``exact`` would try to
    make a value of the field's type before there is one)."""

    lookup_name = "equals"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = {rhs}", [*lhs_params, *rhs_params]


class AnyOf(Lookup):
    """The left side is one of a list given as one parameter: ``= ANY(%s)`` on PostgreSQL,
    ``IN`` the list's items as JSON on SQLite (``Statement`` writes the list so)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each({rhs}))", [*lhs_params, *rhs_params]
        raise NotSupportedError(f"AnyOf has no SQL for {connection.vendor}")


class InstantText(Func):
    """An instant written by the database as the API writes it (``InstantField``, with DRF's
    own format, ISO 8601): in UTC, ``Z`` for the zone, microseconds only when there are
    any. Reading a page of cases' 250 clocks, making a datetime of each of their 500 instants
    and writing it again was a tenth of the list's time (measured); the text is the same, to
    the byte (tests/cases/test_api_lists.py, tests/portal/test_statements.py)."""

    output_field = CharField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        instant, params = compiler.compile(self.source_expressions[0])
        utc = f"({instant} AT TIME ZONE 'UTC')"
        sql = (
            f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            f" || CASE WHEN date_trunc('second', {instant}) = {instant} THEN ''"
            f" ELSE to_char({utc}, '.US') END || 'Z')"
        )
        return sql, [*params, *params, *params, *params]

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        # Kept as Django writes it: the instant in UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
        instant, params = compiler.compile(self.source_expressions[0])
        return f"(replace({instant}, ' ', 'T') || 'Z')", params


class Statement:
    """``queryset`` (of ``values()``) compiled once; ``rows(**values)`` runs it with a value
    for each ``Slot`` it holds, and answers the queryset's rows, converted as the ORM does."""

    def __init__(self, queryset: QuerySet[Any, Any]) -> None:
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise ValueError("A Statement is made of a values() queryset.")
        self.alias = queryset.db
        compiler = query.get_compiler(self.alias)
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        # The rows' names as the queryset's own rows have them (``ValuesIterable``).
        self.names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        self.converters = sorted(compiler.get_converters(columns).items())
        self.slots = {param.name for param in self.params if isinstance(param, Slot)}

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        """The rows, as the queryset's own: a dict of each row's values by name."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.tuples(**values)]

    def tuples(self, **values: Any) -> list[tuple[Any, ...]]:
        """The rows as tuples of their values, in the order of ``names``."""
        if set(values) != self.slots:
            raise TypeError(f"A value is wanted for each of {sorted(self.slots)}.")
        connection = connections[self.alias]
        params = [
            _written(values[param.name], connection) if isinstance(param, Slot) else param
            for param in self.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched: list[tuple[Any, ...]] = cursor.fetchall()
        if not self.converters:
            return fetched
        converted = []
        for row in fetched:
            values_of_row = list(row)
            for position, (functions, expression) in self.converters:
                value = values_of_row[position]
                for function in functions:
                    value = function(value, expression, connection)
                values_of_row[position] = value
            converted.append(tuple(values_of_row))
        return converted


def _written(value: Any, connection: BaseDatabaseWrapper) -> Any:
    """A slot's value as the database takes it: a list (or any collection of values but text
    and a mapping) is one parameter, an array on PostgreSQL, JSON on SQLite. The values are
    given as the database holds them (keys, codes): nothing converts them on the way."""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        values = list(value)
        return json.dumps(values) if connection.vendor == "sqlite" else values
    return value
