import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's estimate of how many rows ``queryset`` answers (no row is read), or None
    on a database that gives none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedCountPaginator(Paginator):
    """Counts a list exactly up to ``EXACT_UP_TO`` rows (every centre's, the largest
    included); beyond, the planner's estimate, never fewer than that. A list the planner
    expects to be several times longer is not counted at all. Counting a million results
    costs as much as reading them; a list that long is browsed by its filters."""

    EXACT_UP_TO = 25_000

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by().values("pk")
        expected = planner_estimate(counted)
        if expected is not None and expected > 4 * self.EXACT_UP_TO:
            return expected
        exact = counted[: self.EXACT_UP_TO + 1].count()
        if exact <= self.EXACT_UP_TO:
            return exact
        return max(planner_estimate(counted) or 0, exact)


class PortalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class BoundedCountPagination(PortalPagination):
    """The portal's pagination over a table of millions: ``count`` exact up to
    ``BoundedCountPaginator.EXACT_UP_TO``, estimated beyond."""

    django_paginator_class = BoundedCountPaginator
