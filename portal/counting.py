"""How long a list is, read without reading it all: exact up to a bound, beyond it the
PostgreSQL planner's estimate. Shared by the API's pagination, the portal's pages and the
admin's lists."""

import json
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def planner_estimate(queryset: QuerySet[Any, Any]) -> int | None:
    """PostgreSQL's estimate of how many rows ``queryset`` answers (no row is read), or None
    on a database that gives none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0  # a filter that can match nothing (an empty list of ids): no query at all
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(
    queryset: QuerySet[Any, Any], exact_up_to: int, *, planner_first: bool = True
) -> tuple[int, bool]:
    """How many rows ``queryset`` answers, and whether that is an estimate: exact up to
    ``exact_up_to`` rows (a count that reads at most one more); beyond, the planner's
    estimate, never fewer than the rows counted. With ``planner_first``, a list the planner
    expects to be several times longer is not counted at all (counting a million rows costs
    as much as reading them); without it, the bounded count is made first, for lists whose
    filters the planner can only guess at (a search's ``LIKE``). With no planner to ask
    (SQLite, the embedded default), counted exactly past the bound."""
    counted = queryset.order_by().values("pk")
    expected = planner_estimate(counted) if planner_first else None
    if expected is not None and expected > 4 * exact_up_to:
        return expected, True
    exact = counted[: exact_up_to + 1].count()
    if exact <= exact_up_to:
        return exact, False
    if not planner_first:
        expected = planner_estimate(counted)
    if expected is None:
        return counted.count(), False
    return max(expected, exact), True
