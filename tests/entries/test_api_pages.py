"""The entries list at a million rows: pages read through the primary key's index from
where the last page ended (never sorted, never skipped), a count that reads a bounded
number of rows, and the contract's page shape kept."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entries.models import Entry, Syllabus
from portal.api.pagination import KeysetPagination
from portal.counting import bounded_count
from tests.factories import CandidateFactory, CentreFactory, EntryFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/entries/"


@pytest.fixture
def entries(centre_gb, series):
    other = CentreFactory(number="GB002", name="Other school")
    maths = Syllabus.objects.get(code="0580")
    made = []
    for number in range(7):
        centre = centre_gb if number % 2 == 0 else other
        candidate = CandidateFactory(centre=centre, series=series, candidate_number=f"{number:04d}")
        made.append(EntryFactory(candidate=candidate, syllabus=maths))
    return made


def _walk(api, url):
    pages = []
    while url:
        body = api.get(url).json()
        pages.append(body)
        url = body["next"]
    return pages


def test_staff_pages_follow_the_cursor_through_every_entry_once(staff_api, entries):
    pages = _walk(staff_api, f"{URL}?page_size=3")
    assert [len(p["results"]) for p in pages] == [3, 3, 1]
    assert {p["count"] for p in pages} == {7}
    listed = [row["candidate_number"] for p in pages for row in p["results"]]
    assert listed == [e.candidate.candidate_number for e in sorted(entries, key=lambda e: e.pk)]
    assert pages[0]["previous"] is None and pages[1]["previous"] is not None
    back = staff_api.get(pages[2]["previous"]).json()
    assert back["results"] == pages[1]["results"]


def test_officer_pages_keep_to_their_centre(officer_api, entries):
    pages = _walk(officer_api, f"{URL}?page_size=2")
    assert {p["count"] for p in pages} == {4}
    assert sum(len(p["results"]) for p in pages) == 4


def test_later_page_starts_where_the_last_ended_not_by_skipping(staff_api, entries):
    second = staff_api.get(f"{URL}?page_size=3").json()["next"]
    with CaptureQueriesContext(connection) as queries:
        assert staff_api.get(second).status_code == 200
    # What the planner expects (EXPLAIN, for the count of a long list) reads no row.
    read = [
        q["sql"]
        for q in queries.captured_queries
        if "entries_entry" in q["sql"] and not q["sql"].startswith("EXPLAIN")
    ]
    assert read and all("LIMIT" in sql for sql in read), read
    assert not any("OFFSET" in sql for sql in read), read
    page = next(sql for sql in read if "ORDER BY" in sql)
    assert re.search(r'"entries_entry"\."id" > ', page), page


def test_bad_cursor_is_refused(staff_api, entries):
    response = staff_api.get(f"{URL}?cursor=not-a-cursor")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_count_reads_a_bounded_number_of_rows(entries):
    with CaptureQueriesContext(connection) as queries:
        counted, estimated = bounded_count(Entry.objects.all(), 3)
    if connection.vendor != "postgresql":
        assert (counted, estimated) == (7, False)  # no planner to ask: counted exactly
        return
    assert estimated and counted >= 4
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert all("LIMIT 4" in sql for sql in counts), counts


@pytest.mark.postgres
def test_staff_page_read_in_primary_key_order_without_a_sort(staff_user, entries):
    from entries import queries

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = queries.entries_of(staff_user).order_by("pk")[:50].explain()
    assert "entries_entry_pkey" in plan, plan
    assert not re.search(r"(?<!Incremental )Sort  \(cost", plan), plan


def test_an_officers_count_is_kept_until_their_entries_change(
    monkeypatch, officer_api, entries, series
):
    """Past the exact count's bound, an officer's count is counted once after each change
    of their entries, not at every page; any write of them has it counted again."""
    monkeypatch.setattr(KeysetPagination, "exact_count_up_to", 2)
    first = officer_api.get(f"{URL}?page_size=1").json()
    assert first["count"] >= 3
    with CaptureQueriesContext(connection) as queries:
        again = officer_api.get(f"{URL}?page_size=1").json()
    assert again["count"] == first["count"]
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]

    maths = Syllabus.objects.get(code="0580")
    candidate = CandidateFactory(centre=entries[0].candidate.centre, series=series)
    EntryFactory(candidate=candidate, syllabus=maths)
    with CaptureQueriesContext(connection) as queries:
        officer_api.get(f"{URL}?page_size=1")
    assert [q for q in queries.captured_queries if "COUNT(" in q["sql"]]
    for kept in (f"{URL}?page_size=1", f"{URL}?page_size=1&series={series.code}"):
        assert officer_api.get(kept).json()["count"] >= 3
