import pytest
import time_machine
from django.urls import reverse

from tests.signing_in import sign_in
from tests.sla.conftest import london
from tests.sla.figures import ACK, NOW, clock, known_clocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def clocks(centre_gb, centre_pk):
    return known_clocks(centre_gb, centre_pk)


def home_of(client, user):
    sign_in(client, user)
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("home"))


def section(response, template):
    return next(s for s in response.context["sections"] if s["template"] == template)


def test_officer_home_lists_running_clocks_soonest_first(client, officer_gb, clocks):
    response = home_of(client, officer_gb)
    rows = section(response, "sla/_home_next_deadlines.html")["rows"]
    assert [row["clock"].pk for row in rows] == [clocks["d"].pk, clocks["e"].pk]
    assert [row["words"] for row in rows] == ["overdue by 19 days", "due in 2 working days"]
    assert rows[1]["due"] == "Wed 25 Nov 2026, 23:59"
    content = response.content.decode()
    assert f'<a href="/entries/{clocks["d"].object_id}/">{clocks["d"].reference}</a>' in content


def test_officer_home_shows_due_dates_in_the_centres_zone(client, officer_pk, centre_pk):
    running = clock(centre_pk, ACK, london(2026, 11, 20, 10))
    rows = section(home_of(client, officer_pk), "sla/_home_next_deadlines.html")["rows"]
    assert [row["clock"].pk for row in rows] == [running.pk]
    # The end of Tuesday 24 November in London is early Wednesday in Karachi: it reads as
    # the end of the Tuesday it is.
    assert (rows[0]["due"], rows[0]["zone"]) == (
        "end of Tue 24 Nov 2026 (UK time)",
        "Asia/Karachi",
    )


def test_officer_home_without_running_clocks_says_so(client, officer_pk, clocks):
    response = home_of(client, officer_pk)
    assert "No deadlines are running for your centres." in response.content.decode()


def test_officer_home_cost_does_not_grow_with_clocks(client, officer_gb, centre_gb):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as done:
            assert client.get(reverse("home")).status_code == 200
        return len(done)

    clock(centre_gb, ACK, london(2026, 11, 2, 10))
    sign_in(client, officer_gb)
    queries()  # the first request of a session warms what is cached for it
    with_one = queries()
    for day in range(3, 12):
        clock(centre_gb, ACK, london(2026, 11, day, 10))
    # Each clock's case is an entry of its own: the figures of entries kept for the home page
    # are counted again at the first ask after them (entries.queries.remembered).
    queries()

    assert queries() == with_one


def test_staff_home_counts_due_today_and_overdue(client, staff_user, clocks, centre_gb):
    clock(centre_gb, ACK, london(2026, 11, 19, 10))  # 2 working days: due end of Mon 23rd
    response = home_of(client, staff_user)
    found = section(response, "sla/_home_at_risk.html")
    assert [(r["code"], r["due_today"], r["overdue"]) for r in found["rows"]] == [(ACK, 1, 1)]
    assert reverse("sla:dashboard") in response.content.decode()


def test_staff_home_reads_only_clocks_due_by_tonight(client, staff_user, centre_gb, time_machine):
    from portal.sla.home import at_risk
    from portal.sla.sweeps import sweep

    time_machine.move_to(london(2026, 11, 19, 10))
    clock(centre_gb, ACK, london(2026, 11, 19, 10))  # due end of Monday 23rd: today at NOW
    late = clock(centre_gb, ACK, london(2026, 11, 2, 10))
    sweep()  # breached, never stopped: overdue
    for day in range(16, 21):  # running, due after today: not read
        clock(centre_gb, "complaint.respond", london(2026, 11, day, 10))
    time_machine.move_to(NOW)
    assert sorted(at_risk(NOW).values_list("code", "state")) == [
        (ACK, "breached"),
        (ACK, "running"),
    ]
    assert late.pk in at_risk(NOW).values_list("pk", flat=True)
    found = section(home_of(client, staff_user), "sla/_home_at_risk.html")
    assert (found["due_today"], found["overdue"]) == (1, 1)


@pytest.mark.postgres
def test_staff_home_clocks_come_from_the_waiting_index_bounded_by_tonight(centre_gb):
    from django.db import connection

    from portal.sla.home import at_risk
    from portal.sla.models import Clock

    for day in range(16, 24):
        clock(centre_gb, "complaint.respond", london(2026, 11, day, 10))
    met = clock(centre_gb, ACK, london(2026, 11, 19, 10))
    # The table as it is in life: most clocks met long ago, outside the waiting index. On a
    # table of a few rows, analysed or not, any index serves as well as another.
    copies = []
    for _ in range(3000):
        met.pk = None
        met.state, met.stopped_at = Clock.State.MET, met.started_at
        copies.append(
            Clock(**{f.attname: getattr(met, f.attname) for f in Clock._meta.concrete_fields})
        )
    Clock.objects.bulk_create(copies)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sla_clock")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = at_risk(NOW).values("code").explain()
    assert "clock_waiting_due" in plan, plan
    assert "Index Cond: (due_at <=" in plan, plan
