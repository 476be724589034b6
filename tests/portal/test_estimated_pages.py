"""A list too long to count is paged by its rows, never by the estimate of its length: the
next page exists exactly when a row follows, the last page makes the count exact, and a page
past the end is not found (or, for pages that pick a page anyway, is the last one)."""

import pytest
from django.core.paginator import EmptyPage

from portal import counting
from portal.accounts.models import User
from portal.api.pagination import BoundedCountPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty(monkeypatch):
    """30 people, counted exactly only up to 5: the planner's estimate says the rest."""
    monkeypatch.setattr(BoundedCountPaginator, "EXACT_UP_TO", 5)
    User.objects.bulk_create(User(username=f"person{n:02d}", password="!") for n in range(30))

    def paged(estimate: int) -> BoundedCountPaginator:
        monkeypatch.setattr(counting, "planner_estimate", lambda queryset: estimate)
        return BoundedCountPaginator(User.objects.order_by("username"), 10)

    return paged


def _names(page) -> list[str]:
    return [person.username for person in page]


@pytest.mark.parametrize("estimate", [12, 1_000])
def test_every_row_is_reached_by_next_pages_whatever_the_estimate(thirty, estimate):
    seen, number = [], 1
    while True:
        page = thirty(estimate).page(number)
        seen += _names(page)
        if not page.has_next():
            break
        number += 1
    assert seen == [f"person{n:02d}" for n in range(30)] and number == 3


@pytest.mark.parametrize("estimate", [12, 1_000])
def test_the_last_page_counts_exactly_and_none_follows_it(thirty, estimate):
    paginator = thirty(estimate)
    last = paginator.page(3)
    assert (paginator.count, paginator.num_pages, last.has_next()) == (30, 3, False)
    with pytest.raises(EmptyPage):
        thirty(estimate).page(4)


@pytest.mark.parametrize("estimate", [12, 1_000])
def test_a_page_past_the_end_shows_the_last_one_where_a_page_is_always_shown(thirty, estimate):
    page = thirty(estimate).get_page(40)
    assert (page.number, _names(page)[-1], page.paginator.count) == (3, "person29", 30)


def test_a_page_before_the_end_says_another_follows_even_past_a_low_estimate(thirty):
    page = thirty(12).page(2)
    assert page.has_next() and page.paginator.count >= 21
