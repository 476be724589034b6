import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.sla.dashboard import Filters, chart, summary
from portal.sla.models import Clock
from portal.spreadsheets import spreadsheet_safe
from tests.sla.conftest import london
from tests.sla.figures import ACK, EAR, HOURS, NOW, clock, known_clocks

pytestmark = pytest.mark.django_db

OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
URL = reverse("sla:dashboard")


@pytest.fixture
def clocks(centre_gb, centre_pk):
    return known_clocks(centre_gb, centre_pk)


def figures_of(rows):
    return {
        (row.code, row.month): (row.started, row.met, row.breached, row.open, row.overdue)
        for row in rows
    }


def test_summary_counts_each_level_and_start_month(clocks):
    rows = summary(Filters(OCT, NOV), now=NOW)
    assert figures_of(rows) == {
        (ACK, OCT): (3, 2, 1, 0, 0),
        (ACK, NOV): (4, 1, 1, 2, 1),
        (EAR, OCT): (1, 1, 0, 0, 0),
    }
    assert [row.median for row in rows] == [30 * HOURS, 4 * HOURS, 48 * HOURS]
    assert [row.median_words for row in rows] == ["30 hours", "4 hours", "2 days"]
    assert [row.on_time_percent for row in rows] == [67, 50, 100]
    assert rows[0].name == "Acknowledge a complaint"


def test_summary_counts_a_swept_breach_the_same(clocks):
    Clock.objects.filter(pk=clocks["d"].pk).update(state="breached", breached_at=clocks["d"].due_at)
    rows = summary(Filters(NOV, NOV, code=ACK), now=NOW)
    assert figures_of(rows) == {(ACK, NOV): (4, 1, 1, 2, 1)}


def test_summary_counts_a_late_clock_met_after_extension_as_breached(clocks):
    Clock.objects.filter(pk=clocks["g"].pk).update(breached_at=NOW - 400 * HOURS)
    rows = summary(Filters(NOV, NOV, code=ACK), now=NOW)
    assert figures_of(rows)[(ACK, NOV)][1:3] == (0, 2)


def test_summary_filters_by_centre_series_and_level(clocks, centre_pk):
    by_centre = summary(Filters(OCT, NOV, centre_id=centre_pk.pk), now=NOW)
    assert figures_of(by_centre) == {(ACK, NOV): (1, 1, 0, 0, 0)}
    by_series = summary(Filters(OCT, NOV, series_id=clocks["a"].series_id), now=NOW)
    assert figures_of(by_series) == {(ACK, OCT): (1, 1, 0, 0, 0)}
    by_level = summary(Filters(OCT, NOV, code=EAR), now=NOW)
    assert figures_of(by_level) == {(EAR, OCT): (1, 1, 0, 0, 0)}


def test_summary_window_follows_london_months(clocks):
    september = summary(Filters(dt.date(2026, 9, 1), dt.date(2026, 9, 1)), now=NOW)
    assert september == []
    october = summary(Filters(OCT, OCT, code=ACK), now=NOW)
    assert october[0].started == 3


def test_chart_sums_levels_and_keeps_empty_months(clocks):
    months = [dt.date(2026, 9, 1), OCT, NOV]
    bars = chart(summary(Filters(months[0], NOV), now=NOW), months)
    assert [(bar.month, bar.met, bar.breached) for bar in bars] == [
        (months[0], 0, 0),
        (OCT, 3, 1),
        (NOV, 1, 1),
    ]
    assert [(bar.met_width, bar.breached_width) for bar in bars] == [(0, 0), (750, 250), (250, 250)]


def test_dashboard_page_shows_table_and_chart(staff_client, clocks):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "From December 2025 to November 2026." in content
    assert '<rect class="bar-met" x="0" y="0" width="750" height="10"/>' in content
    assert "3 met, 1 breached" in content
    assert [figures_of([row]) for row in response.context["rows"]][0] == {
        (ACK, OCT): (3, 2, 1, 0, 0)
    }


def test_dashboard_filters_from_the_query_string(staff_client, clocks, centre_pk):
    query = f"?centre=PK002&service_level={ACK}&series=&start=2026-10&end=2026-11"
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + query)
    assert response.status_code == 200
    assert figures_of(response.context["rows"]) == {(ACK, NOV): (1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?centre=XX999", "No centre has that number."),
        ("?service_level=no.such", "No service level has that code."),
        ("?series=NOPE", "No series has that code."),
        ("?start=2026-13", "&#x27;2026-13&#x27; is not a month."),
        ("?start=last+week", "is not a month. A month as YYYY-MM"),
        ("?start=9999-01&end=9999-12", "&#x27;9999-01&#x27; is not a month."),
        ("?start=2026-11&end=2026-10", "The first month comes after the last one."),
        ("?start=2024-01&end=2026-01", "Choose at most 24 months at a time."),
    ],
)
def test_dashboard_bad_filters_get_a_clear_message(staff_client, query, message):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + query)
    assert response.status_code == 400
    assert "These filters cannot be used" in response.content.decode()
    assert message in response.content.decode()


def test_dashboard_csv_has_the_same_table(staff_client, clocks):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + "?start=2026-10&end=2026-11&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "service-levels-2026-10-to-2026-11.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["service_level", "name", "month", "started", "met_on_time", "breached",
         "on_time_percent", "median_hours", "open_now", "overdue_now"],
        [ACK, "Acknowledge a complaint", "2026-10", "3", "2", "1", "67", "30.0", "0", "0"],
        [ACK, "Acknowledge a complaint", "2026-11", "4", "1", "1", "50", "4.0", "2", "1"],
        [EAR, "Confirm receipt of an enquiry about results", "2026-10", "1", "1", "0", "100",
         "48.0", "0", "0"],
    ]  # fmt: skip


def test_dashboard_csv_escapes_formulas(staff_client, clocks):
    from portal.sla.models import ServiceLevel

    ServiceLevel.objects.filter(code=EAR).update(name='=HYPERLINK("http://evil.example")')
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + f"?service_level={EAR}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_spreadsheet_safe_quotes_formula_starts(cell):
    assert spreadsheet_safe(cell) == "'" + cell


def test_spreadsheet_safe_leaves_plain_cells(db):
    assert [spreadsheet_safe(c) for c in ["GB001", 3, None, 4.5]] == ["GB001", 3, "", 4.5]


def test_dashboard_csv_with_bad_filters_answers_400(staff_client):
    response = staff_client.get(URL + "?centre=XX999&format=csv")
    assert response.status_code == 400
    assert response.content.decode() == "centre: No centre has that number."


def test_dashboard_refuses_officers(client, officer_gb):
    client.force_login(officer_gb)
    response = client.get(URL, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"The review queues are for awarding-body staff only." in response.content


def test_dashboard_sends_staff_without_two_factor_to_it(client, staff_user):
    client.force_login(staff_user)
    response = client.get(URL, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor_setup"))


def test_dashboard_sends_anonymous_to_sign_in(client, db):
    response = client.get(URL, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def _queries_of(client, url) -> int:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_clocks(staff_client, clocks, centre_gb):
    before = _queries_of(staff_client, URL)
    for day in range(1, 20):
        clock(centre_gb, EAR, london(2026, 7, day, 10), london(2026, 7, day, 15))
        clock(centre_gb, "sc.process", london(2026, 8, day, 10))
    assert _queries_of(staff_client, URL) == before
