"""A series' results page reached by its "Next" or "Previous" link is read from where the page
it came from ends or begins (its place in the results' order, carried by the link), never by
skipping every row before it: the same rows, in the same order, as the pages by number."""

import re
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from results import views
from tests.results.conftest import AFTER, make_result
from tests.signing_in import sign_in

URL = "/results/J27/"


@pytest.fixture
def many(series, centre_gb, centre_pk):
    made = []
    for centre in (centre_gb, centre_pk):
        for number in ("0001", "0002", "0003"):
            for code in ("0580", "0610"):
                made.append(make_result(centre, series, number, code))
    return made


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)


def _rows(response) -> list[int]:
    return [row["id"] for row in response.context["rows"]]


def _link(response, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', response.content.decode())
    return URL + unescape(found.group(1)) if found else None


def _walk(client, url, rel):
    pages = []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        pages.append((url, _rows(response), response.context["page_obj"].number, captured))
        url = _link(response, rel)
    return pages


@pytest.mark.parametrize("who", ["officer", "staff"])
@pytest.mark.parametrize("query", ["", "?grade=A"])
def test_the_links_lead_through_the_pages_by_number(
    client, many, officer_gb, staff_user, who, query
):
    if who == "officer":
        # The officer of both centres: their twelve results on three pages.
        officer_gb.memberships.create(centre=many[-1].centre)
    with time_machine.travel(AFTER, tick=False):
        sign_in(client, officer_gb if who == "officer" else staff_user)
        forward = _walk(client, URL + query, "next")
        by_number = [
            _rows(client.get(f"{URL}{query}{'&' if query else '?'}page={n}"))
            for n in range(1, len(forward) + 1)
        ]
        assert [rows for _, rows, _, _ in forward] == by_number
        assert [number for *_, number, _ in forward] == list(range(1, len(forward) + 1))
        assert sorted(pk for rows in by_number for pk in rows) == sorted(r.pk for r in many)
        assert len(forward) == 3
        for url, _, _, captured in forward[1:]:
            assert "after=" in url
            read = [q["sql"] for q in captured.captured_queries if "results_result" in q["sql"]]
            assert not any("OFFSET" in sql for sql in read), read

        back = _walk(client, forward[-1][0], "prev")
        assert [rows for _, rows, _, _ in back] == by_number[::-1]
        for url, _, _, captured in back[1:]:
            assert "before=" in url
            read = [q["sql"] for q in captured.captured_queries if "results_result" in q["sql"]]
            assert not any("OFFSET" in sql for sql in read), read


def test_a_place_that_is_no_place_finds_the_page_by_its_number(client, many, staff_user):
    with time_machine.travel(AFTER, tick=False):
        sign_in(client, staff_user)
        second = _rows(client.get(f"{URL}?page=2"))
        for place in ("x", "1-2", "1-2-3-4", "-1-2-3", "9" * 30 + "-1-1"):
            assert _rows(client.get(f"{URL}?page=2&after={place}")) == second
            assert _rows(client.get(f"{URL}?page=2&before={place}")) == second
        # A place past the last row: the page by its number.
        assert _rows(client.get(f"{URL}?page=2&after=999999999-1-1")) == second
        # Digits that are no number (a superscript two) are no page: the first.
        assert _rows(client.get(f"{URL}?page=\u00b2&after=1-1-\u00b2")) == _rows(client.get(URL))


def test_a_link_whose_number_is_not_its_place_finds_the_page_by_its_number(
    client, many, staff_user
):
    """The rows after page 1's last cannot be page 999,999 of twelve results (a link made by
    hand, or gone stale): that page by its number, and the count stays the count."""
    with time_machine.travel(AFTER, tick=False):
        sign_in(client, staff_user)
        first = client.get(URL)
        place = first.context["page_obj"].place_after
        response = client.get(f"{URL}?page=999999&after={place}")
        assert response.context["shown_count"] == 12
        assert response.context["page_obj"].number == 3  # the last page, as Django's own
        assert _rows(response) == _rows(client.get(f"{URL}?page=3"))
        back = client.get(f"{URL}?page=3&before={place}")
        assert back.context["shown_count"] == 12
        assert _rows(back) == _rows(client.get(f"{URL}?page=3"))


def test_a_page_too_deep_to_skip_to_says_so_and_its_links_still_lead_on(
    client, many, staff_user, monkeypatch
):
    """A page asked for by its number alone is read by skipping the rows before it; past
    ``MOST_SKIPPED`` of them (a typed ``?page=2000`` of a million results), the page says how
    to get there instead of reading them. Its links, which carry their place, still lead on."""
    from results import queries

    monkeypatch.setattr(queries, "MOST_SKIPPED", 5)  # pages 1 and 2 by number, of 5 rows
    with time_machine.travel(AFTER, tick=False):
        sign_in(client, staff_user)
        second = client.get(f"{URL}?page=2&grade=A")
        assert len(_rows(second)) == 5
        with CaptureQueriesContext(connection) as captured:
            refused = client.get(f"{URL}?page=3&grade=A")
        assert refused.status_code == 200
        assert _rows(refused) == []
        read = [q["sql"] for q in captured.captured_queries if "results_result" in q["sql"]]
        assert not any("OFFSET" in sql for sql in read), read
        text = unescape(refused.content.decode())
        assert "Page 3 is too far into these results to open by its number" in text
        assert 'href="?grade=A&page=2"' in text
        # The second page's "Next" link reads from its place: the third page's rows.
        third = client.get(_link(second, "next"))
        assert third.context["page_obj"].number == 3
        assert _rows(third) and not set(_rows(third)) & set(_rows(second))
