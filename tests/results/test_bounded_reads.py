"""The results pages and lists read what they show, not the table: the rows the database
reads for a page stay the same whether the other centres hold a few hundred results or ten
times as many (counted by EXPLAIN ANALYZE of every query the page ran, never timed)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from entries.models import Candidate, Syllabus
from portal.api.pagination import BoundedCountPaginator
from portal.centres.models import Centre
from portal.observability.rows_read import counting_reads, rows_read_by
from results.models import Result
from tests.factories import OfficerFactory, SeriesFactory
from tests.signing_in import api_as, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

GRADES = ["A", "B", "C", "D"]


def _add_centre(number: str, series, syllabuses, candidates: int) -> Centre:
    centre = Centre.objects.create(number=number, name=f"School {number}", country="GB")
    made = Candidate.objects.bulk_create(
        Candidate(
            centre=centre, series=series, candidate_number=f"{n:04d}", surname=f"Surname{n}",
            forenames="Sam", date_of_birth=dt.date(2010, 1, 1),
        )
        for n in range(1, candidates + 1)
    )  # fmt: skip
    Result.objects.bulk_create(
        Result(
            series=series, centre=centre, candidate=candidate, syllabus=syllabus,
            status="issued", grade=GRADES[(candidate.pk + syllabus.pk) % len(GRADES)],
        )
        for candidate in made
        for syllabus in syllabuses
    )  # fmt: skip
    return centre


@pytest.fixture
def world(db, staff_user, monkeypatch):
    # Counted exactly up to 300 rows here (25,000 in the portal): the lists below are longer.
    monkeypatch.setattr(BoundedCountPaginator, "EXACT_UP_TO", 300)
    series = SeriesFactory(
        code="J27", results_release_at=dt.datetime(2026, 8, 10, 5, 0, tzinfo=dt.UTC)
    )
    syllabuses = [
        Syllabus.objects.create(code=f"{n:04d}", title=f"Subject {n}", qualification="IGCSE")
        for n in range(580, 584)
    ]
    centre = _add_centre("GB001", series, syllabuses, candidates=100)  # 400 results
    officer = OfficerFactory(membership__centre=centre)

    def grow(centres: int) -> None:
        """Other centres of 400 results each (the table grows, GB001 does not)."""
        start = Centre.objects.count()
        for n in range(start, start + centres):
            _add_centre(f"ZZ{n:03d}", series, syllabuses, candidates=100)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # A few thousand rows are cheaper to scan whole than through an index: what
            # a page reads at a real size is what it reads where an index serves it.
            cursor.execute("SET enable_seqscan = off")

    return {"officer": officer, "staff": staff_user, "grow": grow}


def _page(client, url):
    """The reads of a page asked with nothing cached (after one ask that warms the rest)."""
    client.get(url)
    cache.clear()
    with counting_reads() as reads:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body[:500]
    return reads, len(body)


PAGES = [
    ("officer", "api", "/api/v1/results/?series=J27"),
    ("officer", "api", "/api/v1/results/?series=J27&grade=A&page=2"),
    ("officer", "page", "/results/J27/"),
    ("officer", "page", "/results/J27/?page=3&syllabus=0581"),
    ("staff", "api", "/api/v1/results/?series=J27"),
    ("staff", "api", "/api/v1/results/?series=J27&page=3"),
    ("staff", "api", "/api/v1/results/?series=J27&centre=GB001&grade=B"),
    ("staff", "page", "/results/J27/"),
    ("staff", "page", "/results/J27/?centre=GB001"),
    ("staff", "page", "/results/J27/?status=issued&page=2"),
    # The staff's list of results in the admin, searched by a centre's number: its page's
    # keys are read from the centre's own results, newest first (``result_centre_newest``),
    # not back through every other centre's newer ones.
    ("staff", "page", "/admin/results/result/?q=GB001"),
]


@pytest.mark.parametrize(("who", "kind", "url"), PAGES)
def test_a_page_reads_the_same_rows_however_large_the_table(world, who, kind, url):
    user = world[who]
    client = api_as(user) if kind == "api" else sign_in(Client(), user)
    world["grow"](2)  # 1,200 results in all
    small, small_bytes = _page(client, url)
    world["grow"](20)  # 9,200
    large, large_bytes = _page(client, url)

    assert large.queries <= small.queries  # a long list is estimated, not counted
    assert large.rows <= small.rows * 1.1, (small.rows, large.rows)
    assert large_bytes <= small_bytes * 1.1


def test_the_csv_asks_the_same_queries_however_many_rows_it_streams(world):
    client = sign_in(Client(), world["staff"])
    world["grow"](2)
    small, small_bytes = _page(client, "/results/J27/results.csv")
    world["grow"](20)
    large, large_bytes = _page(client, "/results/J27/results.csv")

    assert large.queries == small.queries
    assert large_bytes > 5 * small_bytes  # every row, streamed


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("officer", "/results/J27/"),
        ("officer", "/results/J27/?grade=A"),
        ("staff", "/results/J27/?centre=GB001"),
    ],
)
def test_a_centres_page_asked_again_does_not_count_the_centre_again(world, who, url):
    """Its counts and totals by grade are remembered (tests/results/test_page_counts.py):
    asked again, the page of a centre of 400 results does not read them all once more to
    count them."""
    client = sign_in(Client(), world[who])
    world["grow"](2)
    first, _ = _page(client, url)  # counted, and remembered
    with counting_reads() as again:
        assert client.get(url).status_code == 200
    assert first.rows - again.rows >= 400, (first.rows, again.rows)


@pytest.mark.parametrize("url", ["/results/", "/"])
def test_the_series_of_a_centre_are_looked_up_not_read_from_its_candidates(world, url):
    """The officer's list of series and the home page's next and latest release look each
    series up in the candidates' and results' indexes, never join the centre's 100
    candidates and 400 results and make them distinct."""
    client = sign_in(Client(), world["officer"])
    world["grow"](2)
    reads, _ = _page(client, url)
    series_reads = [sql for sql in reads.selects if 'FROM "entries_series"' in sql]
    assert series_reads
    assert sum(rows_read_by(sql) for sql in series_reads) < 100
