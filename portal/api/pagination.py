import sys
from functools import partial

from django.core.paginator import EmptyPage, Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response

from portal.counting import bounded_count


class PageFirstPaginator(Paginator):
    """Reads the page asked for before counting: a page with no row after it is the list's
    last, so its count is known from the page itself (a list of one page, most of a centre's
    lists, costs one query, not a count and a read). A page with more after it is counted as
    ``count`` says."""

    def validate_number(self, number):
        if "count" in self.__dict__:
            return super().validate_number(number)
        return self._validate_number(number, sys.maxsize)  # its end is not known yet

    def page(self, number):
        if "count" in self.__dict__ or self.orphans:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if len(rows) <= self.per_page and (rows or number == 1):
            self._known(bottom + len(rows))  # the last page: nothing after it
            return self._get_page(rows, number, self)
        if not rows:
            self._known(self.count)  # past the end: counted, so that it is not found
            return self.page(number)
        return self._counted_page(rows, number)

    def get_page(self, number):
        try:
            return super().get_page(number)
        except EmptyPage:
            return self._last_page()  # past the end

    def _last_page(self):
        return super().get_page(self.num_pages)

    def _counted_page(self, rows: list, number: int):
        """The page ``number`` from its ``rows`` (one more than it shows), once counted."""
        if number > self.num_pages:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows[: self.per_page], number, self)

    def _known(self, count: int) -> None:
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        self.__dict__.pop("page_range", None)


class BoundedCountPaginator(PageFirstPaginator):
    """Counts a list exactly up to ``EXACT_UP_TO`` rows (every centre's, the largest
    included); beyond, the planner's estimate, never fewer than that. A list the planner
    expects to be several times longer is not counted at all. Counting a million results
    costs as much as reading them; a list that long is browsed by its filters.

    An estimate never decides where the list ends: a page of an estimated list reads one
    row more than it shows, and has a next page exactly when that row exists; the last page
    (one with no row after it) makes the count exact. A page asked for past the estimate is
    read like any other, and one past the real end is not found. A list that fits on the
    page asked for is not counted at all (``PageFirstPaginator``)."""

    EXACT_UP_TO = 25_000
    estimated = False

    def __init__(
        self, object_list, per_page, *args, count=None, estimated=False, count_of=None, **kwargs
    ):
        """``count`` (and whether it is ``estimated``), when known already: not counted
        again. ``count_of(object_list, exact_up_to)``: where the count is kept, answering as
        ``bounded_count`` does."""
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_of = count_of or bounded_count
        if count is not None:
            self._known(count)
            self.estimated = estimated

    @cached_property
    def count(self) -> int:
        count, self.estimated = self.count_of(self.object_list, self.EXACT_UP_TO)
        return count

    def validate_number(self, number):
        if "count" in self.__dict__ and self.count and self.estimated:
            return self._validate_number(number, sys.maxsize)  # the estimate is no end
        return super().validate_number(number)

    def page(self, number):
        if "count" not in self.__dict__ or not (self.count and self.estimated):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return self._estimated_page(rows, number)

    def _counted_page(self, rows: list, number: int):
        if self.count and self.estimated:
            return self._estimated_page(rows, number)
        return super()._counted_page(rows, number)

    def _estimated_page(self, rows: list, number: int):
        bottom = (number - 1) * self.per_page
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if len(rows) > self.per_page:
            # Another page follows, whatever the estimate said.
            self._known(max(self.count, bottom + len(rows)))
        else:
            self._known(bottom + len(rows))  # the end: the count is exact
        return self._get_page(rows[: self.per_page], number, self)

    def page_of(self, rows: list, number: int, *, more: bool = False):
        """Page ``number`` from ``rows`` read from where the page before it ended (one more
        than it shows: whether another follows) or, with ``more``, from where the page after
        it begins (another follows), or None when they cannot be that page of a list whose
        count is exact. Only an estimated count (or none) is moved by them: no row before
        the page is read or counted."""
        bottom = (number - 1) * self.per_page
        follows = more or len(rows) > self.per_page
        known = self.__dict__.get("count")
        if known is not None and not self.estimated:
            ends_here = known == bottom + min(len(rows), self.per_page)
            if not (known > bottom + self.per_page if follows else ends_here):
                return None
        elif follows:
            self._known(max(known or 0, bottom + self.per_page + 1))
        else:
            self._known(bottom + len(rows))  # the end: the count is exact
        return self._get_page(rows[: self.per_page], number, self)

    def _last_page(self):
        if self.estimated:
            # Past the real end of an estimated list: its last page, counted exactly.
            self._known(self.object_list.order_by().count())
            self.estimated = False
        return super()._last_page()


def _positive_integer(request, name: str, *, most: int | None = None) -> int | None:
    """The query parameter ``name`` as a whole number from 1 (to ``most``), None when it is
    not given; anything else is refused with 400 naming the parameter, as every error of
    the API is."""
    given = request.query_params.get(name)
    if given is None:
        return None
    if not given.isdigit() or int(given) < 1 or (most is not None and int(given) > most):
        limit = f"1 to {most}" if most is not None else "from 1"
        raise ValidationError({name: [f"Give a whole number {limit}."]})
    return int(given)


class ValidatedPageSize:
    """``page_size`` is a whole number from 1 (more than ``max_page_size`` gives that many)
    or refused (400), never silently replaced by the default."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        chosen = _positive_integer(request, self.page_size_query_param)
        # More than the most a page holds is the most (a client asking for "everything").
        return min(chosen, self.max_page_size) if chosen is not None else self.page_size


class PortalPagination(ValidatedPageSize, PageNumberPagination):
    page_size = 50
    django_paginator_class = PageFirstPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # A page that is not a number is a mistake in the request (400); a page past the
        # last one stays "not found" (404).
        _positive_integer(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)


class KeysetPagination(ValidatedPageSize, CursorPagination):
    """The contract's page, ``{"count", "next", "previous", "results"}``, for lists that
    reach a million rows: each page is read through an index from where the last one
    ended (the opaque ``cursor`` in ``next`` and ``previous``), never by skipping the rows
    before it, so a later page costs what the first does.

    ``count`` is exact up to ``exact_count_up_to`` rows, read through a bounded count;
    beyond that, on PostgreSQL, it is the planner's estimate of the filtered list (a
    figure to show, not to reconcile), which alone is asked when it is several times
    larger (``bounded_count``). A view that keeps the figure answers it itself
    (``count_of(queryset, exact_up_to)``, answering as ``bounded_count`` does).
    """

    page_size = PortalPagination.page_size
    page_size_query_param = PortalPagination.page_size_query_param
    max_page_size = PortalPagination.max_page_size
    # The primary key: unique, so that a cursor is a single position in its index.
    ordering = "pk"
    exact_count_up_to = 10_000

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        if page is not None and self.cursor is None and not self.has_next:
            self.count = len(page)  # the whole list on its first page: nothing to count
        elif page is not None:
            count_of = getattr(view, "count_of", bounded_count)
            self.count, _ = count_of(queryset, self.exact_count_up_to)
        return page

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"] = {
            "count": {"type": "integer", "example": 123},
            **answer["properties"],
        }
        answer["required"] = ["count", *answer.get("required", [])]
        return answer


class BoundedCountPagination(PortalPagination):
    """The portal's pagination over a table of millions: ``count`` exact up to
    ``BoundedCountPaginator.EXACT_UP_TO``, estimated beyond."""

    django_paginator_class = BoundedCountPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # A view that keeps its list's count answers it (``count_of``, as KeysetPagination).
        count_of = getattr(view, "count_of", None)
        if count_of is not None:
            self.django_paginator_class = partial(BoundedCountPaginator, count_of=count_of)
        return super().paginate_queryset(queryset, request, view)
