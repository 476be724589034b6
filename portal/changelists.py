"""What keeps every staff list in the admin bounded at an awarding body's size (10,000
centres, millions of results, clocks and notifications).

* ``EstimatedCountPaginator``: a list, filtered or not, is counted up to a thousand rows
  and beyond that, on PostgreSQL, from the planner ("about 10,003 centres"), never by a
  ``count(*)`` over every row it holds.
* ``choices_filter``: a filter whose links come from a short list known without reading
  the table (the service levels' codes, the kinds of notice), where Django's own filter on
  a plain field reads every row to find its distinct values.
* ``indexed_columns``: the columns a list may be sorted by, those an index serves; a click
  on any other column header would sort the whole table.
* ``recent_filter``: a filter by how recent a row is (today, 7 days, 30 days, a year), a
  range an index serves, where a date drill-down finds its years, months and days by
  reading every row.

* ``search_through_indexes``: the search box, where a term that is a centre's number or a
  case's reference is looked up through its unique index, not by reading every row for it.

A filter whose links would grow with the number of centres (a link per centre, per
candidate, per officer) has no place in a list: the centre is found by the search box.
"""

import datetime as dt
import sys
from functools import cached_property

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.expressions import OrderBy
from django.utils import timezone

from portal.counting import bounded_count


class EstimatedCountPaginator(Paginator):
    """A ``Paginator`` whose count reads at most ``exact_up_to`` + 1 rows, whatever the list
    and its filters: exact up to that; beyond it, on PostgreSQL, the planner's estimate of
    the list, never fewer than the rows counted (``bounded_count``, counting first: a
    search's ``LIKE`` has no statistics, and the planner's guess alone could be anything).
    ``estimated`` says which: the list then reads "about 10,003 centres"
    (``templates/admin/pagination.html`` and ``search_form.html``), and a page past the
    estimate is an empty page, never an error. SQLite has no planner to ask: counted
    exactly past the bound.
    """

    exact_up_to = 1_000

    def __init__(self, *args, exact_up_to: int | None = None, keys_first: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if exact_up_to is not None:
            self.exact_up_to = exact_up_to
        self.keys_first = keys_first

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        if getattr(self.object_list, "query", None) is None:
            return super().count, False
        return bounded_count(self.object_list, self.exact_up_to, planner_first=False)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def estimated(self) -> bool:
        return self._counted[1]

    def validate_number(self, number):
        if not self.estimated:
            return super().validate_number(number)
        # The estimate may fall short of the list: a later page is read, not refused.
        return self._validate_number(number, sys.maxsize)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.estimated and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int):
        """The page's rows. With ``keys_first`` (a list of one centre's rows), their keys
        first, read alone, so that an index holding the list's filter and order serves them
        without the table (a centre's results newest first: the planner, which takes a
        centre's rows for spread evenly through the table, would otherwise read back through
        every newer row for them); then the rows of those keys, in the list's order."""
        rows = self.object_list
        if not self.keys_first or getattr(rows, "query", None) is None or rows.query.distinct:
            return rows[bottom:top]
        keys = list(rows.values_list("pk", flat=True)[bottom:top])
        # Limited too: a join the planner expects to stop early is made row by row, not by
        # hashing every centre or candidate.
        return rows.filter(pk__in=keys)[: len(keys)]


def estimated_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
    """``ModelAdmin.get_paginator`` of every list of the staff area counted by
    ``EstimatedCountPaginator``: a list searched by a centre's number (``found_centre``,
    left by ``search_through_indexes``) reads its page's keys first."""
    return self.paginator(
        queryset,
        per_page,
        orphans,
        allow_empty_first_page,
        keys_first=getattr(request, "found_centre", None) is not None,
    )


def search_through_indexes(self, request, queryset, search_term):
    """``ModelAdmin.get_search_results`` for every list of the staff area (``self`` is the
    model admin). A term that is a centre's number, where the list searches by centre
    number, lists that centre's rows; one that is a reference of the list's own cases (an
    indexed reference) lists that case: each through an index, where Django's search reads
    every row of the table (a million results or clocks) for the few that match. Any other
    term is searched as Django searches it. The centre found is left on the request
    (``found_centre``): the list's page is then read by its keys first."""
    from portal.centres.models import Centre

    term = search_term.strip().upper()
    if not term or any(space.isspace() for space in term):
        return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)
    paths = [path.lstrip("^=@") for path in self.get_search_fields(request)]
    by_reference = "reference" in paths and "reference" in _leading_columns(self.model)
    if by_reference and queryset.filter(reference=term).exists():
        return queryset.filter(reference=term), False
    centre = None
    for path in paths:
        if path == "number" and self.model is Centre and queryset.filter(number=term).exists():
            return queryset.filter(number=term), False
        if path.endswith("centre__number"):
            centre = centre or Centre.objects.filter(number=term).first()
            if centre is not None:
                request.found_centre = centre
                return queryset.filter(**{path.removesuffix("__number"): centre}), False
    return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)


def choices_filter(field: str, *, title: str, choices):
    """A list filter on ``field`` whose links are ``choices()`` (value, label pairs), read
    from somewhere small, never from the list's own table."""

    class ChoicesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            return list(choices())

        def queryset(self, request, queryset):
            if self.value() is None:
                return queryset
            return queryset.filter(**{field: self.value()})

    ChoicesFilter.title = title
    ChoicesFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return ChoicesFilter


RECENT = {"today": ("Today", 0), "7": ("Past 7 days", 7), "30": ("Past 30 days", 30),
          "365": ("Past year", 365)}  # fmt: skip


def recent_filter(field: str, *, title: str):
    """A list filter by how recent ``field`` is; pair it with an index on ``field``."""

    class RecentFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_within"

        def lookups(self, request, model_admin):
            return [(key, label) for key, (label, _) in RECENT.items()]

        def queryset(self, request, queryset):
            if self.value() not in RECENT:
                return queryset
            days = RECENT[self.value()][1]
            now = timezone.localtime()
            since = now.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days)
            return queryset.filter(**{f"{field}__gte": since})

    RecentFilter.title = title
    RecentFilter.__name__ = f"{field.title().replace('_', '')}RecentFilter"
    return RecentFilter


def _leading_columns(model) -> set[str]:
    """The fields of ``model`` an index finds a row by: the primary key, a unique or
    indexed field, the first field of an index or unique constraint (without a condition)."""
    leading = {f.name for f in model._meta.fields if f.primary_key or f.unique or f.db_index}
    for index in model._meta.indexes:
        if index.fields and not index.condition:
            leading.add(index.fields[0].lstrip("-"))
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if fields and getattr(constraint, "condition", None) is None:
            leading.add(fields[0])
    for fields in model._meta.unique_together:
        leading.add(fields[0])
    return leading


def indexed_columns(model, model_admin) -> list[str]:
    """The names in ``model_admin.list_display`` whose order an index of ``model`` serves:
    the primary key, a unique or indexed field, the first field of an index or unique
    constraint, or a foreign key to a model without an order of its own (a foreign key to
    an ordered model sorts by that model's columns, through a join)."""
    leading = _leading_columns(model)
    sortable = []
    for name in model_admin.list_display:
        column = _ordering_of(model, model_admin, name)
        if column is None:
            continue
        column = column.lstrip("-")
        try:
            field = model._meta.get_field(column)
        except FieldDoesNotExist:
            continue
        if field.is_relation and field.related_model._meta.ordering:
            continue
        if field.name in leading or (field.is_relation and field.many_to_one):
            sortable.append(name)
    return sortable


def _ordering_of(model, model_admin, name) -> str | None:
    """What sorting by the column ``name`` orders by: the field itself, or the ordering a
    display method declares (``@admin.display(ordering=...)``)."""
    if not callable(name):
        try:
            model._meta.get_field(name)
            return name
        except FieldDoesNotExist:
            pass
    method = name if callable(name) else getattr(model_admin, name, getattr(model, name, None))
    ordering = getattr(method, "admin_order_field", None)
    if isinstance(ordering, OrderBy):
        ordering = ordering.expression
    if isinstance(ordering, F):
        ordering = ordering.name
    return ordering if isinstance(ordering, str) else None
