"""A list is read before it is counted: a page with nothing after it is the list's last, so
a list that fits on the page asked for (most of a centre's lists) costs one query and no
count; a page with more after it is counted; a page past the end is not found (or, where
a page is always shown, is the last one)."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import User
from portal.api.pagination import BoundedCountPaginator, PageFirstPaginator
from tests.factories import CandidateFactory, EntryFactory, SeriesFactory

pytestmark = pytest.mark.django_db

PAGINATORS = [PageFirstPaginator, BoundedCountPaginator]


def people(n: int):
    User.objects.bulk_create(User(username=f"person{i:02d}", password="!") for i in range(n))
    return User.objects.filter(username__startswith="person").order_by("username")


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize("paginator", PAGINATORS)
@pytest.mark.parametrize("size", [0, 1, 7, 10])
def test_a_list_that_fits_on_its_page_is_read_once_and_not_counted(paginator, size):
    listed = people(size)
    with CaptureQueriesContext(connection) as queries:
        page = paginator(listed, 10).page(1)
        shown = [person.username for person in page]
        figures = (page.paginator.count, page.paginator.num_pages, page.has_next())
    assert shown == [f"person{i:02d}" for i in range(size)]
    assert figures == (size, 1, False)
    assert len(queries) == 1 and not _counts(queries)


@pytest.mark.parametrize("paginator", PAGINATORS)
def test_the_last_of_several_pages_is_read_once_and_counts_the_list(paginator):
    listed = people(23)
    with CaptureQueriesContext(connection) as queries:
        page = paginator(listed, 10).get_page("3")
        figures = (page.paginator.count, page.has_previous(), page.has_next(), len(page))
    assert figures == (23, True, False, 3)
    assert len(queries) == 1 and not _counts(queries)


@pytest.mark.parametrize("paginator", PAGINATORS)
def test_a_page_with_more_after_it_is_counted(paginator):
    listed = people(23)
    with CaptureQueriesContext(connection) as queries:
        page = paginator(listed, 10).page(2)
        figures = (page.paginator.count, page.paginator.num_pages, page.has_next())
    assert figures == (23, 3, True)
    assert [person.username for person in page][0] == "person10"
    assert _counts(queries)


@pytest.mark.parametrize("paginator", PAGINATORS)
def test_a_page_past_the_end_is_not_found_or_is_the_last_where_one_is_always_shown(paginator):
    listed = people(23)
    with pytest.raises(EmptyPage):
        paginator(listed, 10).page(4)
    with pytest.raises(EmptyPage):
        paginator(listed, 10).page(0)
    with pytest.raises(PageNotAnInteger):
        paginator(listed, 10).page("two")
    last = paginator(listed, 10).get_page(9)
    assert (last.number, len(last), last.paginator.count) == (3, 3, 23)
    assert paginator(listed, 10).get_page("two").number == 1
    empty = paginator(people(0).none(), 10).get_page(5)
    assert (empty.number, len(empty), empty.paginator.count) == (1, 0, 0)


def test_an_api_list_that_fits_on_one_page_is_not_counted(officer_api, centre_gb):
    series = SeriesFactory()
    for _ in range(3):
        EntryFactory(candidate=CandidateFactory(centre=centre_gb, series=series))
    for url in ["/api/v1/entries/", "/api/v1/complaints/", "/api/v1/candidates/"]:
        with CaptureQueriesContext(connection) as queries:
            answer = officer_api.get(url)
        assert answer.status_code == 200, url
        assert answer.json()["count"] == len(answer.json()["results"]), url
        assert not _counts(queries), url
    listed = officer_api.get("/api/v1/entries/?page_size=2").json()
    assert (listed["count"], len(listed["results"])) == (3, 2)
