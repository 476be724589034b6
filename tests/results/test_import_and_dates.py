"""Loading results files (all rows or none, errors by line) and announcing release dates."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.core.models import AuditEvent
from portal.sla.models import Clock
from results import imports, release, services
from results.models import ReleaseDate, Result, ResultChange, ResultImport
from tests.factories import CandidateFactory, EntryFactory, SyllabusFactory
from tests.results.conftest import AFTER, RELEASE
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db
HEADER = "centre,candidate_number,syllabus_code,grade"


@pytest.fixture
def entered(series, centre_gb):
    candidate = CandidateFactory(centre=centre_gb, series=series, candidate_number="0001")
    for code in ("0580", "0610"):
        EntryFactory(candidate=candidate, syllabus=SyllabusFactory(code=code))
    return candidate


def _file(text: str):
    return SimpleUploadedFile("results.csv", text.encode(), content_type="text/csv")


def _post(client, text: str, series="J27"):
    return client.post("/api/v1/results/import/", {"series": series, "file": _file(text)})


def test_import_all_valid_rows_creates_them(staff_api, entered):
    response = _post(staff_api, f"{HEADER}\nGB001,0001,0580,A*\nGB001,0001,0610,Q\n")
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 2, "updated": 0}
    assert sorted(Result.objects.values_list("grade", "status")) == [
        ("", "pending"),
        ("A*", "issued"),
    ]


def test_import_with_bad_rows_saves_nothing_and_names_every_line(staff_api, entered):
    text = (
        f"{HEADER}\nGB001,0001,0580,A\nGB999,0001,0580,A\nGB001,0009,0580,A\n"
        "GB001,0001,0625,A\nGB001,0001,0610,Z\nGB001,0001,0580,B\n"
    )
    response = _post(staff_api, text)
    assert response.status_code == 400
    assert [e["line"] for e in response.json()["errors"]] == [3, 4, 5, 6, 7]
    assert "no centre GB999" in response.json()["errors"][0]["message"]
    assert "Repeats the result of line 2" in response.json()["errors"][-1]["message"]
    assert not Result.objects.exists()


def test_import_with_a_wrong_header_is_refused_at_line_one(staff_api, entered):
    response = _post(staff_api, "centre,candidate,grade\nGB001,0001,A\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["line"] == 1


def test_import_of_component_marks(staff_api, entered):
    from entries.models import Component, Syllabus

    Component.objects.create(syllabus=Syllabus.objects.get(code="0580"), code="42", title="P4")
    response = _post(staff_api, f"{HEADER},component_42\nGB001,0001,0580,B,67\n")
    assert response.status_code == 201, response.content
    assert Result.objects.get().component_marks == {"42": 67}


def test_import_refused_to_officers(officer_api, entered):
    assert _post(officer_api, f"{HEADER}\nGB001,0001,0580,A\n").status_code == 403
    assert not Result.objects.exists()


def test_import_of_an_unknown_series_is_400(staff_api, entered):
    response = _post(staff_api, f"{HEADER}\nGB001,0001,0580,A\n", series="Z99")
    assert response.status_code == 400 and "series" in response.json()["errors"]


def test_import_after_release_is_a_correction_with_history(staff_api, officer_gb, entered):
    _post(staff_api, f"{HEADER}\nGB001,0001,0580,A\n")
    with time_machine.travel(AFTER, tick=False):
        response = _post(staff_api, f"{HEADER}\nGB001,0001,0580,B\n")
    assert response.json() == {"created": 0, "updated": 1}
    change = ResultChange.objects.get()
    assert (change.from_grade, change.to_grade, change.after_release) == ("A", "B", True)
    assert officer_gb.notifications.filter(kind="results").count() == 1


def test_browser_import_runs_as_a_task_with_its_outcome(
    staff_user, entered, series, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.start_import(
            series=series, file=_file(f"{HEADER}\nGB001,0001,0580,A\n"), by=staff_user
        )
    job.refresh_from_db()
    assert (job.state, job.created, job.rows) == ("done", 1, 1)
    assert imports.run_import(job.pk) == "skipped"


def test_browser_import_with_errors_keeps_them_and_saves_nothing(
    staff_user, entered, series, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.start_import(
            series=series,
            file=_file(f"{HEADER}\nGB001,0001,0580,A\nGB001,0001,0580,Z\n"),
            by=staff_user,
        )
    job.refresh_from_db()
    assert job.state == ResultImport.State.FAILED
    assert job.errors[0]["line"] == 3
    assert not Result.objects.exists()


def test_import_page_in_the_staff_area(
    staff_client, entered, series, django_capture_on_commit_callbacks
):
    page = staff_client.get("/admin/results/resultimport/add/")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/results/resultimport/add/",
            {"series": series.pk, "file": _file(f"{HEADER}\nGB001,0001,0580,A\n")},
        )
    assert response.status_code == 302
    job = ResultImport.objects.get()
    assert (
        "All lines loaded"
        in staff_client.get(f"/admin/results/resultimport/{job.pk}/change/").content.decode()
    )


NOW = dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.UTC)


def test_release_date_six_months_ahead_needs_no_reason(staff_user, series, charter):
    with time_machine.travel(NOW, tick=False):
        row = release.announce_release_date(series, release_at=RELEASE, by=staff_user)
    series.refresh_from_db()
    assert series.results_release_at == RELEASE and row.short_notice is False
    assert Clock.objects.get(code="results.notice").state == "met"


def test_release_date_closer_without_a_reason_is_refused(staff_user, series, charter):
    with time_machine.travel(NOW, tick=False), pytest.raises(services.PortalError) as refused:
        release.announce_release_date(series, release_at=NOW + dt.timedelta(days=90), by=staff_user)
    assert refused.value.field == "reason"
    series.refresh_from_db()
    assert series.results_release_at == RELEASE and not ReleaseDate.objects.exists()


def test_release_date_closer_with_a_reason_is_audited_and_missed(staff_user, series, charter):
    with time_machine.travel(NOW, tick=False):
        row = release.announce_release_date(
            series,
            release_at=NOW + dt.timedelta(days=90),
            by=staff_user,
            reason="Marking moved by the exam board.",
        )
    assert row.short_notice is True
    audit = AuditEvent.objects.get(action="release_date")
    assert audit.data["reason"] == "Marking moved by the exam board."
    assert Clock.objects.get(code="results.notice").state == "breached"


def test_release_date_in_the_past_is_refused(staff_user, series):
    with time_machine.travel(NOW, tick=False), pytest.raises(services.PortalError):
        release.announce_release_date(series, release_at=NOW, by=staff_user, reason="x")


def test_release_date_cannot_move_once_results_are_out(staff_user, series, results_gb):
    with time_machine.travel(AFTER, tick=False), pytest.raises(services.PortalError):
        release.announce_release_date(
            series, release_at=AFTER + dt.timedelta(days=1), by=staff_user, reason="Late."
        )


def test_release_date_form_in_the_staff_area_asks_for_a_reason(client, staff_user, series):
    with time_machine.travel(NOW, tick=True):
        sign_in(client, staff_user)
        response = client.post(
            "/admin/results/releasedate/add/",
            {"series": series.pk, "release_at": "2027-02-01 06:00", "reason": ""},
        )
    assert response.status_code == 200
    assert "Say why" in response.content.decode()
    assert not ReleaseDate.objects.exists()


def test_a_short_notice_release_date_tells_the_results_team_of_the_breach(series, charter):
    """The breach notice of a release date announced late is written and sent: the worker
    finds the date's reference, its (absent) centre and the page to link to."""
    from portal.accounts.roles import RESULTS_TEAM
    from portal.notifications.models import Notification
    from portal.sla.models import Notice
    from portal.sla.sweeps import sweep
    from tests.factories import StaffFactory

    results_team = StaffFactory(username="results-team", roles=[RESULTS_TEAM])
    with time_machine.travel(NOW, tick=False):
        release.announce_release_date(
            series,
            release_at=NOW + dt.timedelta(days=90),
            by=results_team,
            reason="Marking moved by the exam board.",
        )
        sweep(now=NOW + dt.timedelta(minutes=1))
    breach = Notice.objects.get(clock__code="results.notice", kind="breach")
    assert breach.state == Notice.State.SENT
    told = Notification.objects.get(user=results_team, kind="breach")
    assert told.reference == f"{series.code} results date"
    assert told.url.startswith("/admin/results/releasedate/")


def test_a_release_date_never_announced_is_overdue_and_the_results_team_hears(series, charter):
    """A series with a results date nobody announced is measured as one announced late:
    watched from the first run, reminded, overdue six months before the release, and the
    announcement that comes at last stops the wait."""
    from portal.accounts.roles import RESULTS_TEAM
    from portal.notifications.models import Notification
    from portal.sla.sweeps import sweep
    from tests.factories import SeriesFactory, StaffFactory

    results_team = StaffFactory(username="results-team", roles=[RESULTS_TEAM])
    announced = SeriesFactory(code="N27", name="November 2027", results_release_at=RELEASE)
    with time_machine.travel(NOW, tick=False):
        release.announce_release_date(announced, release_at=RELEASE, by=results_team)
        assert release.watch_release_dates() == 1
        assert release.watch_release_dates() == 0
    waiting = Clock.objects.get(code="results.notice", object_id=series.pk, stopped_at=None)
    assert waiting.due_at == dt.datetime(2027, 2, 10, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert waiting.state == "running"

    with time_machine.travel(dt.datetime(2027, 2, 11, 9, 0, tzinfo=dt.UTC), tick=False):
        sweep()
    waiting.refresh_from_db()
    assert waiting.state == "breached"
    told = Notification.objects.get(user=results_team, kind="breach")
    assert told.reference == f"SER-{series.code}"

    late = dt.datetime(2027, 2, 15, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(late, tick=False):
        release.announce_release_date(
            series, release_at=RELEASE, by=results_team, reason="Set at last."
        )
        assert release.watch_release_dates() == 0
    waiting.refresh_from_db()
    assert waiting.stopped_at == late and waiting.state == "breached"
