"""A June series' timetable reaches centres when it is sent to them for comment: until
then officers are told when it will come, and staff see a draft marked as one. Once sent
it reads as provisional. A series without that step shows its timetable as it is."""

import datetime as dt

import pytest

from entries import services
from tests.factories import ComponentFactory, PaperFactory, SeriesFactory, SyllabusFactory
from tests.signing_in import sign_in

TIMETABLE = "/entries/J27/timetable/"
PAPER = "Paper 4 (Extended)"


@pytest.fixture
def officer_client(client, officer_gb):
    return sign_in(client, officer_gb)


def test_officer_sees_no_june_timetable_before_it_is_sent(officer_client, series):
    page = officer_client.get(TIMETABLE).content.decode()

    assert PAPER not in page and "<table" not in page
    assert "We send the provisional timetable for June 2027 to centres for comment by " in page
    assert "30 April 2027" in page


def test_officer_is_told_a_late_timetable_is_on_its_way(client, officer_gb, series, today):
    today.move_to(dt.datetime(2027, 5, 3, 9, tzinfo=dt.UTC))
    sign_in(client, officer_gb)

    page = client.get(TIMETABLE).content.decode()
    series_page = client.get("/entries/J27/").content.decode()

    assert PAPER not in page
    assert "was due with centres by 30 April 2027 and is late" in page
    assert "was due with centres by 30 April 2027 and is late" in series_page


def test_staff_see_the_draft_marked_as_not_sent(staff_client, series):
    page = staff_client.get(TIMETABLE).content.decode()

    assert PAPER in page
    assert "<strong>Draft:</strong> centres do not see this timetable" in page


def test_sent_timetable_reads_as_provisional(officer_client, series, staff_user, charter):
    services.publish_provisional_timetable(series, by=staff_user)

    page = officer_client.get(TIMETABLE).content.decode()

    assert PAPER in page
    assert "<h1>Provisional timetable for June 2027</h1>" in page
    assert "Provisional timetable sent for comment on 1 February 2027" in page


def test_series_page_says_when_the_timetable_comes(officer_client, series, staff_user, charter):
    before = officer_client.get("/entries/J27/").content.decode()
    services.publish_provisional_timetable(series, by=staff_user)
    after = officer_client.get("/entries/J27/").content.decode()

    assert "The provisional timetable is sent to centres for comment by 30 April 2027." in before
    assert (
        'The <a href="/entries/J27/timetable/">provisional timetable</a> was sent for comment '
        "on 1 February 2027; comments close on 22 February 2027." in after
    )


def test_series_without_a_provisional_step_shows_its_timetable(officer_client, db, today):
    november = SeriesFactory(code="N27", name="November 2027")
    component = ComponentFactory(syllabus=SyllabusFactory(code="0580"), title=PAPER)
    PaperFactory(series=november, component=component, date=dt.date(2027, 11, 2))

    page = officer_client.get("/entries/N27/timetable/").content.decode()
    series_page = officer_client.get("/entries/N27/").content.decode()

    assert PAPER in page and "<h1>Timetable for November 2027</h1>" in page
    assert "provisional" not in page.lower()
    assert "provisional timetable" not in series_page
