"""A page of candidates is read in the order of their index (each centre's numbers per
series): the rows read for a page stay the same however many candidates the centre and the
others hold (counted by EXPLAIN ANALYZE of the page's query, never timed).

Committed and emptied after each test (``transaction=True``), so that the thousands of rows
made here leave no dead rows in the tables that would change the plans of the PostgreSQL
tests after them."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from entries.models import Candidate
from portal.centres.models import Centre
from portal.observability.rows_read import counting_reads, rows_read_by
from tests.factories import OfficerFactory, SeriesFactory
from tests.signing_in import api_as

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture
def world(db):
    series = SeriesFactory(code="J27")
    home = Centre.objects.create(number="GB001", name="School GB001", country="GB")
    officer = OfficerFactory(membership__centre=home)
    others = [
        Centre.objects.create(number=f"ZZ{n:03d}", name=f"ZZ{n:03d}", country="GB")
        for n in range(3)
    ]

    def grow(candidates: int) -> None:
        """``candidates`` more for the officer's centre and for each of the others, made in
        turn, so that no centre's candidates lie together in the table."""
        start = Candidate.objects.filter(centre=home).count()
        for n in range(start, start + candidates):
            Candidate.objects.bulk_create(
                Candidate(
                    centre=centre, series=series, candidate_number=f"{n:04d}",
                    surname=f"Surname{n}", forenames="Sam", date_of_birth=dt.date(2010, 1, 1),
                )
                for centre in [home, *others]
            )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # A few thousand rows are cheaper to scan whole than through an index: what a
            # page reads at a real size is what it reads where an index serves it.
            cursor.execute("SET enable_seqscan = off")

    yield {"officer": officer, "grow": grow}
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


@pytest.fixture
def staff(staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_candidate"))
    return api_as(staff_user)


def _page_reads(client, url) -> int:
    """The rows read by the query of the page itself (the count is bounded on its own)."""
    with counting_reads() as reads:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    page = [
        sql for sql in reads.selects if "COUNT(" not in sql and 'FROM "entries_candidate"' in sql
    ]
    assert page
    return sum(rows_read_by(sql) for sql in page)


@pytest.mark.parametrize("url", ["/api/v1/candidates/", "/api/v1/candidates/?series=J27"])
@pytest.mark.parametrize("who", ["officer", "staff"])
def test_a_page_of_candidates_is_read_in_the_order_of_their_index(world, staff, who, url):
    """By the centre's and the series' ids and the number: the order of the index of the
    centre's numbers per series, so a page is read from it, never sorted from them all."""
    client = staff if who == "staff" else api_as(world["officer"])
    world["grow"](60)  # the centre: 60 candidates; 240 in all
    small = _page_reads(client, url)
    world["grow"](940)  # the centre: 1,000 candidates; 4,000 in all
    large = _page_reads(client, url)
    assert large <= small * 1.3, (small, large)
    assert large < 200, large  # a page of 50 and the centre and series it joins
