"""A page of a centre's entries is read from the entries' own index of their centre, in the
order they were made: the rows read for a page stay the same however many entries the
centre and the others hold (counted by EXPLAIN ANALYZE of the page's query, never timed)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from entries.models import Candidate, Entry, Syllabus
from portal.centres.models import Centre
from portal.observability.rows_read import counting_reads, rows_read_by
from tests.factories import OfficerFactory, SeriesFactory
from tests.signing_in import api_as

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SYLLABUSES = 4


@pytest.fixture
def world(db):
    series = SeriesFactory(code="J27")
    syllabuses = [
        Syllabus.objects.create(code=f"{n:04d}", title=f"Subject {n}", qualification="IGCSE")
        for n in range(580, 580 + SYLLABUSES)
    ]
    home = Centre.objects.create(number="GB001", name="School GB001", country="GB")
    officer = OfficerFactory(membership__centre=home)
    others: list[Centre] = []

    def grow(candidates: int, centres: int) -> None:
        """``candidates`` more for the officer's centre and for each of ``centres`` others,
        entered in turn, so that no centre's entries lie together in the table."""
        while len(others) < centres:
            number = f"ZZ{len(others):03d}"
            others.append(Centre.objects.create(number=number, name=number, country="GB"))
        start = Candidate.objects.filter(centre=home).count()
        for n in range(start, start + candidates):
            made = Candidate.objects.bulk_create(
                Candidate(
                    centre=centre, series=series, candidate_number=f"{n:04d}",
                    surname=f"Surname{n}", forenames="Sam", date_of_birth=dt.date(2010, 1, 1),
                )
                for centre in [home, *others[:centres]]
            )  # fmt: skip
            Entry.objects.bulk_create(
                Entry(candidate=c, centre_id=c.centre_id, syllabus=s, option_code="42")
                for c in made
                for s in syllabuses
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # A few thousand rows are cheaper to scan whole than through an index: what a
            # page reads at a real size is what it reads where an index serves it.
            cursor.execute("SET enable_seqscan = off")
            # Nor is a few thousand rows' index much dearer than walking the primary key:
            # as on the solid-state disks of a real database, where the page of a centre
            # of a million entries reads its index (bench/README.md).
            cursor.execute("SET random_page_cost = 1.1")

    return {"officer": officer, "grow": grow}


@pytest.fixture
def staff(staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_candidate"))
    return api_as(staff_user)


def _page_reads(client, url, table="entries_entry") -> int:
    """The rows read by the query of the page itself (the count is bounded on its own)."""
    with counting_reads() as reads:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    page = [s for s in reads.selects if "COUNT(" not in s and f'FROM "{table}"' in s]
    assert page
    return sum(rows_read_by(sql) for sql in page)


def test_a_page_of_a_centres_entries_reads_the_page_not_the_centre(world):
    client, url = api_as(world["officer"]), "/api/v1/entries/?page_size=10"
    # The centre holds 2% of the entries, as the largest centre does at full size.
    world["grow"](candidates=10, centres=49)  # the centre: 40 entries; 2,000 in all
    small = _page_reads(client, url)
    world["grow"](candidates=240, centres=49)  # the centre: 1,000 entries; 50,000 in all
    first = client.get(url).json()
    assert len(first["results"]) == 10
    large = _page_reads(client, url)
    later = _page_reads(client, first["next"])

    # A page of 10 and the rows it joins (its candidate, centre, series and syllabus),
    # never the centre's 1,000 entries.
    assert large <= small * 1.3, (small, large)
    assert later <= small * 1.3, (small, later)
    assert max(large, later) < 100, (large, later)


@pytest.mark.parametrize("url", ["/api/v1/candidates/", "/api/v1/candidates/?series=J27"])
@pytest.mark.parametrize("who", ["officer", "staff"])
def test_a_page_of_candidates_is_read_in_the_order_of_their_index(world, staff, who, url):
    """By the centre's and the series' ids and the number: the order of the index of the
    centre's numbers per series, so a page is read from it, never sorted from them all."""
    client = staff if who == "staff" else api_as(world["officer"])
    world["grow"](candidates=60, centres=3)  # the centre: 60 candidates; 240 in all
    small = _page_reads(client, url, "entries_candidate")
    world["grow"](candidates=940, centres=3)  # the centre: 1,000 candidates; 4,000 in all
    large = _page_reads(client, url, "entries_candidate")
    assert large <= small * 1.3, (small, large)
    assert large < 200, large  # a page of 50 and the centre and series it joins
