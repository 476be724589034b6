"""A list of cases brings every case's deadlines in a fixed number of queries, however many
cases and clocks it shows, and writes each deadline as DRF's own serializer of the clock
would: the same codes, states and instants."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from complaints import services
from complaints.models import Complaint
from portal.sla.models import Clock
from tests.complaints.conftest import SERVICE
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


class ClockSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clock
        fields = ["code", "due_at", "state", "stopped_at"]


def complain(centre, officer, staff, n: int, time_machine) -> list[Complaint]:
    made = []
    for k in range(n):
        time_machine.move_to(dt.datetime(2026, 11, 2 + k, 10, 0, tzinfo=LONDON), tick=False)
        complaint = services.submit_complaint(
            data=dict(SERVICE), centre=centre, submitted_by=officer
        )
        if k % 2 == 0:  # a stopped clock and a running one beside it
            services.acknowledge_complaint(complaint, by=staff)
        made.append(complaint)
    return made


def _listed(api) -> tuple[dict, int]:
    api.get("/api/v1/complaints/")  # the signed-in person's centres, read once and kept
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/complaints/").json()
    return body, len(queries)


def test_every_deadline_is_written_as_drfs_serializer_of_the_clock_writes_it(
    officer_api, centre_gb, officer_gb, staff_user, time_machine
):
    made = complain(centre_gb, officer_gb, staff_user, 3, time_machine)
    body, _ = _listed(officer_api)
    listed = {case["reference"]: case["deadlines"] for case in body["results"]}
    assert set(listed) == {c.reference for c in made}
    for complaint in made:
        clocks = Clock.objects.for_case(complaint)
        assert listed[complaint.reference] == ClockSerializer(clocks, many=True).data
    stopped = [d for ds in listed.values() for d in ds if d["stopped_at"] is not None]
    assert stopped and all(d["due_at"] for ds in listed.values() for d in ds)


def test_a_longer_list_costs_no_more_queries(
    officer_api, centre_gb, officer_gb, staff_user, time_machine
):
    complain(centre_gb, officer_gb, staff_user, 2, time_machine)
    _, few = _listed(officer_api)
    complain(centre_gb, officer_gb, staff_user, 6, time_machine)
    body, many = _listed(officer_api)
    assert body["count"] == 8 and sum(len(c["deadlines"]) for c in body["results"]) >= 12
    assert many == few


def test_a_page_of_cases_costs_no_more_queries_for_more_cases(
    client, centre_gb, officer_gb, staff_user, time_machine
):
    sign_in(client, officer_gb)

    def asked() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/complaints/", {"show": "all"})
        assert page.status_code == 200
        return len(queries)

    complain(centre_gb, officer_gb, staff_user, 2, time_machine)
    few = asked()
    complain(centre_gb, officer_gb, staff_user, 6, time_machine)
    assert asked() == few


@pytest.mark.parametrize("url", ["/api/v1/complaints/", "/complaints/"])
def test_an_officers_list_names_the_centres_not_a_subquery_of_memberships(
    url, client, officer_api, centre_gb, officer_gb, staff_user, time_machine
):
    """The planner reads a page of one centre's cases from the index that starts with the
    centre when the query names it; a subquery of memberships costs it a plan a few times
    as long at every ask (1.1 → 0.24 ms measured at full size)."""
    complain(centre_gb, officer_gb, staff_user, 2, time_machine)
    asker = officer_api if url.startswith("/api/") else sign_in(client, officer_gb)
    with CaptureQueriesContext(connection) as queries:
        assert asker.get(url).status_code == 200
    listing = [
        q["sql"] for q in queries.captured_queries if 'FROM "complaints_complaint"' in q["sql"]
    ]
    assert listing and all("centres_membership" not in sql for sql in listing)
    assert all(f'"centre_id" IN ({centre_gb.pk})' in sql for sql in listing)


@pytest.mark.parametrize("who", ["officer", "staff"])
def test_every_row_of_the_list_is_what_the_case_itself_answers(
    officer_api, staff_api, centre_gb, officer_gb, staff_user, time_machine, who
):
    """A page's rows are written from its clocks read as rows and by ``PageWriter``; a case
    asked for alone, from its clocks as models and by DRF's own writing: the same answer."""
    made = complain(centre_gb, officer_gb, staff_user, 4, time_machine)
    services.assign_complaint(made[0], to=staff_user, by=staff_user)
    api = officer_api if who == "officer" else staff_api
    listed = api.get("/api/v1/complaints/").json()["results"]
    assert {row["reference"] for row in listed} == {c.reference for c in made}
    for row in listed:
        assert row == api.get(f"/api/v1/complaints/{row['reference']}/").json()
    if who == "staff":
        assert {row["assigned_to"] for row in listed} == {None, staff_user.username}
