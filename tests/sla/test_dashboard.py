import csv
import datetime as dt
import importlib
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from portal.calendar import LONDON, WorkingCalendar
from portal.sla import dashboard
from portal.sla.dashboard import Filters, bar_chart, chart, summary, time_taken
from portal.sla.models import Clock, ServiceLevel
from portal.sla.services import cancel_clocks
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
    """Started, then met on time, finished late, still open (overdue among them) and
    withdrawn."""
    return {
        (row.code, row.month): (
            row.started, row.met, row.late, row.open, row.overdue, row.withdrawn
        )
        for row in rows
    }  # fmt: skip


def test_summary_counts_each_level_and_start_month(clocks):
    rows = summary(Filters(OCT, NOV), now=NOW)
    assert figures_of(rows) == {
        (ACK, OCT): (3, 2, 1, 0, 0, 0),
        (ACK, NOV): (4, 1, 0, 2, 1, 1),
        (EAR, OCT): (1, 1, 0, 0, 0, 0),
    }
    assert [row.on_time_percent for row in rows] == [67, 50, 100]
    assert [row.judged for row in rows] == [3, 2, 1]
    assert rows[0].name == "Acknowledge a complaint"


def test_summary_counts_each_clock_once(clocks):
    rows = summary(Filters(OCT, NOV), now=NOW)
    assert [row.met + row.late + row.open + row.withdrawn for row in rows] == [
        row.started for row in rows
    ]


def test_summary_medians_are_in_the_rules_unit(clocks):
    rows = summary(Filters(OCT, NOV), now=NOW)
    # Working days after the start day: 1, 1 and 3 (Thu 1 to Tue 6 October); the same day;
    # two calendar days of a one-week rule.
    assert [str(row.median) for row in rows] == ["1 working day", "same working day", "0.3 weeks"]
    assert [row.median_hours for row in rows] == [30, 4, 48]


def test_summary_counts_a_swept_breach_the_same(clocks):
    Clock.objects.filter(pk=clocks["d"].pk).update(state="breached", breached_at=clocks["d"].due_at)
    rows = summary(Filters(NOV, NOV, code=ACK), now=NOW)
    assert figures_of(rows) == {(ACK, NOV): (4, 1, 0, 2, 1, 1)}


def test_summary_counts_a_late_clock_met_after_extension_as_late(clocks):
    Clock.objects.filter(pk=clocks["g"].pk).update(breached_at=NOW - 400 * HOURS)
    rows = summary(Filters(NOV, NOV, code=ACK), now=NOW)
    assert figures_of(rows)[(ACK, NOV)][1:3] == (0, 1)
    assert rows[0].on_time_percent == 0


def test_summary_counts_a_clock_withdrawn_after_its_deadline_as_late(clocks):
    Clock.objects.filter(pk=clocks["d"].pk).update(
        state="breached", breached_at=NOW - 400 * HOURS, stopped_at=NOW - HOURS
    )
    rows = summary(Filters(NOV, NOV, code=ACK), now=NOW)
    assert figures_of(rows) == {(ACK, NOV): (4, 1, 1, 1, 0, 1)}


def test_summary_names_a_rule_whose_code_changed(clocks):
    ServiceLevel.objects.filter(code=EAR).update(code="ear.receipt")
    rows = summary(Filters(OCT, OCT, code=EAR), now=NOW)
    assert [(row.code, row.name) for row in rows] == [
        (EAR, "Confirm receipt of an enquiry about results")
    ]


def test_summary_filters_by_centre_series_and_level(clocks, centre_pk):
    by_centre = summary(Filters(OCT, NOV, centre_id=centre_pk.pk), now=NOW)
    assert figures_of(by_centre) == {(ACK, NOV): (1, 1, 0, 0, 0, 0)}
    by_series = summary(Filters(OCT, NOV, series_id=clocks["a"].series_id), now=NOW)
    assert figures_of(by_series) == {(ACK, OCT): (1, 1, 0, 0, 0, 0)}
    by_level = summary(Filters(OCT, NOV, code=EAR), now=NOW)
    assert figures_of(by_level) == {(EAR, OCT): (1, 1, 0, 0, 0, 0)}


def test_summary_window_follows_london_months(clocks):
    september = summary(Filters(dt.date(2026, 9, 1), dt.date(2026, 9, 1)), now=NOW)
    assert september == []
    october = summary(Filters(OCT, OCT, code=ACK), now=NOW)
    assert october[0].started == 3


def test_chart_sums_levels_and_keeps_empty_months(clocks):
    months = [dt.date(2026, 9, 1), OCT, NOV]
    bars = chart(summary(Filters(months[0], NOV), now=NOW), months)
    assert [(bar.month, bar.met, bar.late, bar.overdue) for bar in bars] == [
        (months[0], 0, 0, 0),
        (OCT, 3, 1, 0),
        (NOV, 1, 0, 1),
    ]
    drawn = bar_chart(bars)
    assert drawn.rows == (("Sep 2026", (0, 0, 0)), ("Oct 2026", (3, 1, 0)), ("Nov 2026", (1, 0, 1)))


def test_dashboard_page_shows_table_and_chart(staff_client, clocks):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "From December 2025 to November 2026." in content
    assert '<rect class="tone-ok" x="0" y="0" width="750" height="10"/>' in content
    assert '<rect class="tone-error" x="750" y="0" width="250" height="10"/>' in content
    assert [figures_of([row]) for row in response.context["rows"]][0] == {
        (ACK, OCT): (3, 2, 1, 0, 0, 0)
    }


def test_dashboard_table_gives_each_figure_its_label(staff_client, clocks, centre_gb):
    # A rule whose only clock of November was withdrawn: nothing judged, no time taken.
    withdrawn = clock(centre_gb, EAR, london(2026, 11, 5, 10))
    cancel_clocks(withdrawn.case, at=london(2026, 11, 5, 11))
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL)
    table = response.content.decode().split('<table class="figures stacked">')[1]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert len(rows) == len(response.context["rows"])
    first = rows[0]
    assert first.startswith('<th scope="row">Acknowledge a complaint<br><span class="hint">')
    median = str(response.context["rows"][0].median)
    assert re.findall(r'<td(?: class="[a-z]+")? data-label="([^"]+)">(.*?)</td>', first) == [
        ("Month", "Oct 2026"),
        ("Started", "3"),
        ("Met on time", "2"),
        ("Finished late", "1"),
        ("Still open", "0"),
        ("Of which overdue", "0"),
        ("Withdrawn", "0"),
        ("On time", '67%<br><span class="hint">of 3</span>'),
        ("Median time taken", median),
    ]
    # A row with nothing finished or past due yet: no share on time and no median.
    unjudged = [
        html for html, row in zip(rows, response.context["rows"], strict=True) if not row.judged
    ]
    assert unjudged
    for html in unjudged:
        assert '<td class="number" data-label="On time">–</td>' in html
        assert '<td data-label="Median time taken">–</td>' in html
    overdue = [row for row in rows if '<strong class="overdue">' in row]
    assert overdue and all('data-label="Of which overdue"><strong' in row for row in overdue)


def test_dashboard_filters_from_the_query_string(staff_client, clocks, centre_pk):
    query = f"?centre=PK002&service_level={ACK}&series=&start=2026-10&end=2026-11"
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + query)
    assert response.status_code == 200
    assert figures_of(response.context["rows"]) == {(ACK, NOV): (1, 1, 0, 0, 0, 0)}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?centre=XX999", "centre", "No centre has that number."),
        ("?service_level=no.such", "service_level", "Choose a service level from the list."),
        ("?series=NOPE", "series", "No series has that code."),
        ("?start=2026-13", "start", "From month must be a month written as YYYY-MM; "
         "&#x27;2026-13&#x27; is not."),
        ("?end=last+week", "end", "To month must be a month written as YYYY-MM; "
         "&#x27;last week&#x27; is not."),
        ("?start=9999-01&end=9999-12", "start", "From month must be between 2000 and 2100."),
        ("?start=2026-11&end=2026-10", "start", "From month must not come after To month."),
        ("?start=2027-01", "start", "From month must not come after To month, which is this "
         "month when left empty."),
        ("?start=2024-01&end=2026-01", "start", "Choose at most 24 months at a time."),
    ],
)  # fmt: skip
def test_dashboard_bad_filters_get_a_clear_message(staff_client, query, field, message):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + query)
    assert response.status_code == 400
    content = response.content.decode()
    assert "<title>Error: Service levels" in content
    assert "These filters cannot be used" in content
    assert f'<li><a href="#id_{field}">{message}</a></li>' in content
    assert f'<p class="error-message" id="id_{field}_error">' in content


@pytest.mark.parametrize("query", ["?start=2026-13", "?start=2026-11&end=2026-10"])
def test_dashboard_states_an_error_once_in_the_summary_and_once_by_its_field(staff_client, query):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + query)
    content = response.content.decode()
    (message,) = response.context["form"].errors["start"]
    assert content.count("error-summary") == 1
    assert content.count(escape(message)) == 2
    assert "There is a problem" not in content


def test_dashboard_csv_has_the_same_table(staff_client, clocks):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + "?start=2026-10&end=2026-11&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "service-levels-2026-10-to-2026-11.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["service_level", "name", "limit", "month", "started", "met_on_time", "finished_late",
         "open_now", "overdue_now", "withdrawn", "on_time_percent", "median_hours"],
        [ACK, "Acknowledge a complaint", "2 working days", "2026-10", "3", "2", "1", "0", "0",
         "0", "67", "30.0"],
        [ACK, "Acknowledge a complaint", "2 working days", "2026-11", "4", "1", "0", "2", "1",
         "1", "50", "4.0"],
        [EAR, "Confirm receipt of an enquiry about results", "1 week", "2026-10", "1", "1", "0",
         "0", "0", "0", "100", "48.0"],
    ]  # fmt: skip


def test_dashboard_csv_escapes_formulas(staff_client, clocks):

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
    cache.clear()  # every month counted again, as on the first ask
    assert _queries_of(staff_client, URL) == before


@pytest.mark.parametrize(
    ("start", "stop", "paused", "unit", "words"),
    [
        # The worked example of the charter: 25 and 28 December are bank holidays.
        (dt.date(2026, 12, 24), dt.date(2026, 12, 30), 0, "working_days", "2 working days"),
        (dt.date(2026, 11, 2), dt.date(2026, 11, 6), 1, "working_days", "3 working days"),
        (dt.date(2026, 11, 7), dt.date(2026, 11, 9), 0, "working_days", "1 working day"),
        (dt.date(2026, 11, 9), dt.date(2026, 11, 9), 0, "working_days", "same working day"),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 6), 0, "days", "5 days"),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 6), 2, "days", "3 days"),
        (dt.date(2026, 8, 13), dt.date(2026, 8, 20), 0, "weeks", "1 week"),
        (dt.date(2026, 8, 13), dt.date(2026, 8, 30), 0, "weeks", "2.4 weeks"),
        (dt.date(2027, 1, 31), dt.date(2027, 2, 28), 0, "months", "1 month"),
        (dt.date(2026, 9, 1), dt.date(2026, 10, 16), 0, "months", "1.5 months"),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 2), 0, "months", "under 0.1 months"),
        # A rule whose date staff set per case has no unit: counted in days.
        (dt.date(2026, 6, 1), dt.date(2026, 6, 1), 0, "", "same day"),
    ],
)
def test_time_taken_counts_as_the_rule_counts_its_limit(start, stop, paused, unit, words):
    taken = time_taken(start, stop, paused_days=paused, unit=unit, cal=WorkingCalendar())
    assert str(taken) == words


def test_dashboard_shows_medians_beside_the_limit_in_its_unit(staff_client, clocks):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL + "?start=2026-10&end=2026-11")
    content = response.content.decode()
    assert "within 2 working days" in content
    assert '<td data-label="Median time taken">1 working day</td>' in content
    assert "within 1 week" in content
    assert '<td data-label="Median time taken">0.3 weeks</td>' in content
    assert "hours</td>" not in content


def test_stopped_clock_stores_the_time_it_took(clocks):
    for made in Clock.objects.filter(stopped_at__isnull=False).exclude(state="cancelled"):
        spent = time_taken(
            made.started_at.astimezone(LONDON).date(),
            made.stopped_at.astimezone(LONDON).date(),
            paused_days=made.paused_days,
            unit=made.service_level.limit_unit,
            cal=WorkingCalendar(),
        )
        assert (made.time_taken, made.time_taken_unit) == (spent.value, spent.unit)
        assert made.hours_taken == (made.stopped_at - made.started_at) / HOURS
    assert Clock.objects.get(pk=clocks["f"].pk).time_taken is None  # cancelled: took nothing


def test_time_taken_filled_for_clocks_stopped_before_the_column(clocks):
    from django.apps import apps

    migration = importlib.import_module("portal.sla.migrations.0008_clock_time_taken")
    stored = dict(Clock.objects.values_list("pk", "time_taken"))
    Clock.objects.update(time_taken=None, time_taken_unit="", hours_taken=None)

    migration.fill_time_taken(apps, None)

    assert dict(Clock.objects.values_list("pk", "time_taken")) == stored


def _medians(in_database):
    clocks = dashboard._by_month(Filters(OCT, NOV).clocks())
    return sorted(dashboard._medians_of(clocks, in_database=in_database))


def test_medians_taken_from_the_stored_time_taken(clocks):
    assert _medians(False) == [
        (ACK, clocks["a"].service_level_id, OCT, "working_days", 1, 30),
        (ACK, clocks["g"].service_level_id, NOV, "working_days", 0, 4),
        (EAR, clocks["h"].service_level_id, OCT, "weeks", 2 / 7, 48),
    ]


@pytest.mark.postgres
def test_medians_the_same_from_postgresql_and_in_python(clocks, centre_gb):
    # An even count in one month: the median is halfway between the two middle values.
    clock(centre_gb, ACK, london(2026, 10, 12, 10), london(2026, 10, 19, 10))
    in_python, in_database = _medians(False), _medians(True)
    assert [row[:4] for row in in_database] == [row[:4] for row in in_python]
    assert [row[4:] for row in in_database] == [pytest.approx(row[4:]) for row in in_python]


def test_closed_month_medians_come_from_the_cache_until_one_of_its_clocks_stops(
    clocks, centre_gb, django_capture_on_commit_callbacks
):
    def october():
        with CaptureQueriesContext(connection) as queries:
            rows = summary(Filters(OCT, OCT, code=ACK), now=NOW)
        return rows[0].median_hours, len(queries)

    first_hours, first_queries = october()
    again_hours, again_queries = october()
    assert again_hours == first_hours == 30
    # The stopped clocks' counts and the medians from the cache; the open clocks counted.
    assert again_queries == first_queries - 2

    late = clock(centre_gb, ACK, london(2026, 10, 20, 10))
    with time_machine.travel(NOW, tick=False):
        from portal.sla.services import stop_clock

        with django_capture_on_commit_callbacks(execute=True):
            stop_clock(late.case, code=ACK)
    # 24, 30, 120 and now 816 hours: halfway between the middle two.
    assert october()[0] == 75


def test_closed_month_counts_come_from_the_cache_until_one_of_its_clocks_stops_or_goes(
    clocks, centre_gb, django_capture_on_commit_callbacks
):
    """A closed month's stopped clocks are counted once; its open clocks at every ask (one
    still open becomes overdue as time passes); a stop or a withdrawal counts it again."""
    from portal.sla.services import cancel_clocks, stop_clock

    def october(now=NOW):
        (row,) = summary(Filters(OCT, OCT, code=ACK), now=now)
        return (row.started, row.met, row.late, row.open, row.overdue, row.withdrawn)

    assert october() == (3, 2, 1, 0, 0, 0)
    waiting = clock(centre_gb, ACK, london(2026, 10, 20, 10))
    going = clock(centre_gb, ACK, london(2026, 10, 21, 10))
    assert october() == (5, 2, 1, 2, 2, 0)  # the two open ones, long overdue
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        stop_clock(waiting.case, code=ACK)
    assert october() == (5, 2, 2, 1, 1, 0)  # stopped late
    # Withdrawn the hour after it started (withdrawn once overdue, it counts late).
    withdrawn_at = london(2026, 10, 21, 11)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_clocks(going.case, at=withdrawn_at)
    assert october() == (5, 2, 2, 0, 0, 1)  # withdrawn


def test_current_month_stopped_clocks_come_from_the_cache_until_one_of_them_stops(
    clocks, centre_gb, django_capture_on_commit_callbacks
):
    """The month now under way is kept as a closed one is: what has stopped no longer
    changes, so its counts and medians are read again only once another of its clocks
    stops; its open clocks are counted at every ask."""
    from portal.sla.services import stop_clock

    def november():
        with CaptureQueriesContext(connection) as queries:
            (row,) = summary(Filters(NOV, NOV, code=ACK), now=NOW)
        figures = (row.started, row.met, row.late, row.open, row.overdue, row.withdrawn)
        return figures, row.median_hours, len(queries)

    first, first_hours, first_queries = november()
    assert (first, first_hours) == ((4, 1, 0, 2, 1, 1), 4)
    again, _, again_queries = november()
    assert again == first
    assert again_queries == first_queries - 2  # the stopped counts and the medians kept

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        stop_clock(clocks["e"].case, code=ACK)  # started at 09:00, stopped at 12:00
    after, after_hours, after_queries = november()
    assert after == (4, 2, 0, 1, 1, 1)
    assert after_hours == 3.5  # 4 and 3 hours
    assert after_queries == first_queries
