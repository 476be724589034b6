import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from entries import services
from entries.models import Candidate, Entry, EntryImport
from tests.factories import CandidateFactory
from tests.signing_in import sign_in

HEADER = "candidate_number,surname,forenames,date_of_birth,syllabus_code,option_code"


@pytest.fixture
def officer_client(client, officer_gb):
    return sign_in(client, officer_gb)


@pytest.fixture
def grace(centre_gb, series):
    return CandidateFactory(
        centre=centre_gb, series=series, candidate_number="0001", surname="Adams"
    )


def test_series_page_shows_totals_and_filters(officer_client, grace):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)
    services.make_entry(grace, syllabus_code="0610", option_code="32", by=None)

    page = officer_client.get("/entries/J27/?syllabus=0610").content.decode()

    assert "<dt>Entries</dt><dd>1</dd>" in page
    assert "0610" in page


def test_an_officers_page_of_a_series_is_read_through_the_candidates_counted_by_the_entries(
    officer_client, grace, centre_gb
):
    """The page walks the index of the centre's candidates of the series in its own order
    (the centre named on the candidates' side alone: named on both, the planner expected a
    fiftieth of a large centre's entries and sorted all of them, 35 ms → 0.3 ms at 20,000);
    the totals read the index of the centre's entries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.make_entry(grace, syllabus_code="0610", option_code="32", by=None)
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)

    with CaptureQueriesContext(connection) as queries:
        page = officer_client.get("/entries/J27/")
    assert [e.syllabus.code for e in page.context["entries"]] == ["0580", "0610"]
    sql = [q["sql"] for q in queries.captured_queries]
    paged = [q for q in sql if 'ORDER BY "entries_candidate"."centre_id"' in q]
    counted = [q for q in sql if 'COUNT(DISTINCT "entries_entry"."candidate_id")' in q]
    centre = f"IN ({centre_gb.pk})"
    assert len(paged) == 1 and f'"entries_candidate"."centre_id" {centre}' in paged[0]
    assert '"entries_entry"."centre_id"' not in paged[0].split("WHERE")[1]
    assert len(counted) == 1 and f'"entries_entry"."centre_id" {centre}' in counted[0]


def test_staffs_series_totals_are_counted_once_every_five_minutes(
    staff_user, officer_client, grace, settings
):
    """Staff's page of a series counts every centre's entries (a million at full size): its
    figures are kept for five minutes for the same filters, and say when they were counted;
    an officer's are counted again after every change of their entries."""
    import time_machine
    from django.core.cache import cache
    from django.test import Client

    # A cache in this process, whose clock time_machine moves (Redis keeps its own time).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    staff_client = sign_in(Client(), staff_user)
    cache.clear()
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)
    start = dt.datetime(2027, 2, 1, 11, 0, tzinfo=dt.UTC)  # 11:00 in London
    with time_machine.travel(start, tick=False):
        first = staff_client.get("/entries/J27/").content.decode()
    services.make_entry(grace, syllabus_code="0610", option_code="32", by=None)
    with time_machine.travel(start + dt.timedelta(minutes=4), tick=False):
        kept = staff_client.get("/entries/J27/").content.decode()
        filtered = staff_client.get("/entries/J27/?syllabus=0610").content.decode()
        officers = officer_client.get("/entries/J27/").content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        again = staff_client.get("/entries/J27/").content.decode()

    assert "<dt>Entries</dt><dd>1</dd>" in first and "counted at 11:00" in first
    assert "<dt>Entries</dt><dd>1</dd>" in kept and "counted at 11:00" in kept
    assert "<dt>Entries</dt><dd>1</dd>" in filtered and "counted at 11:04" in filtered
    assert "<dt>Entries</dt><dd>2</dd>" in officers and "counted at" not in officers
    assert "<dt>Entries</dt><dd>2</dd>" in again and "counted at 11:06" in again


def test_candidate_form_bad_input_shows_error_summary_and_saves_nothing(officer_client, series):
    response = officer_client.post(
        "/entries/J27/candidates/new/",
        {
            "surname": "",
            "forenames": "Grace",
            "date_of_birth": "14/03/2010",
            "uci": "GB0010270001A",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page and "There is a problem" in page
    assert Candidate.objects.count() == 0


def test_candidate_form_bad_check_character_refused(officer_client, series):
    response = officer_client.post(
        "/entries/J27/candidates/new/",
        {
            "surname": "Adams",
            "forenames": "Grace",
            "date_of_birth": "2010-03-14",
            "uci": "GB0010270001A",
        },
    )

    assert response.status_code == 400
    assert "fails its check" in response.content.decode()


def test_entry_form_makes_entry(officer_client, grace):
    response = officer_client.post(
        "/entries/J27/new/",
        {"candidate_number": "0001", "syllabus_code": "0580", "option_code": "42"},
    )

    assert response.status_code == 302
    assert Entry.objects.get().option_code == "42"


def test_entry_form_offers_the_series_options_grouped_by_syllabus(officer_client, series):
    page = officer_client.get("/entries/J27/new/").content.decode()

    assert '<input type="text" name="option_code"' not in page
    assert re.search(
        r'<select name="option_code"[^>]*>\s*<option value="" selected>Choose an option</option>'
        r'\s*<optgroup label="0580 Mathematics">\s*<option value="22">0580 option 22</option>'
        r'\s*<option value="42">0580 option 42</option>\s*</optgroup>'
        r'\s*<optgroup label="0610 Biology">\s*<option value="32">0610 option 32</option>',
        page,
    )


def test_entry_form_option_of_another_syllabus_refused_naming_the_choices(officer_client, grace):
    response = officer_client.post(
        "/entries/J27/new/",
        {"candidate_number": "0001", "syllabus_code": "0610", "option_code": "42"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "0610 Biology has no option 42 in June 2027: choose 32." in page
    assert '<a href="#id_option_code">' in page
    assert Entry.objects.count() == 0


def test_entry_form_option_no_syllabus_offers_refused(officer_client, grace):
    response = officer_client.post(
        "/entries/J27/new/",
        {"candidate_number": "0001", "syllabus_code": "0580", "option_code": "99"},
    )

    assert response.status_code == 400
    assert (
        "Choose an entry option from the list: that one is not offered in this series."
        in response.content.decode()
    )
    assert Entry.objects.count() == 0


def test_entry_form_without_an_option_asks_for_one(officer_client, grace):
    response = officer_client.post(
        "/entries/J27/new/", {"candidate_number": "0001", "syllabus_code": "0580"}
    )

    assert response.status_code == 400
    assert "Choose the entry option." in response.content.decode()


def test_entry_page_offers_the_syllabus_other_options(officer_client, grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)

    page = officer_client.get(f"/entries/entry/{entry.pk}/").content.decode()

    assert re.search(
        r'<select name="option_code"[^>]*>\s*<option value="" selected>Choose the new option'
        r'</option>\s*<option value="22">0580 option 22</option>\s*</select>',
        page,
    )


def test_entry_page_amend_to_an_option_not_listed_refused(officer_client, grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)

    response = officer_client.post(f"/entries/entry/{entry.pk}/amend/", {"option_code": "32"})

    assert response.status_code == 400
    assert "Choose an option from the list" in response.content.decode()
    assert Entry.objects.get().option_code == "42"


def test_entry_page_amend_to_another_option(officer_client, grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)

    response = officer_client.post(f"/entries/entry/{entry.pk}/amend/", {"option_code": "22"})

    assert response.status_code == 302
    assert Entry.objects.get().option_code == "22"


def test_entry_page_of_a_syllabus_with_one_option_says_so(officer_client, grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0610", option_code="32", by=officer_gb)

    page = officer_client.get(f"/entries/entry/{entry.pk}/").content.decode()

    assert "0610 Biology has no other option in June 2027." in page
    assert 'name="option_code"' not in page


def test_entry_form_unknown_candidate_refused(officer_client, series):
    response = officer_client.post(
        "/entries/J27/new/",
        {"candidate_number": "0099", "syllabus_code": "0580", "option_code": "42"},
    )

    assert response.status_code == 400
    assert "add them first" in response.content.decode()


def test_upload_shows_progress_then_every_bad_line(
    officer_client, series, django_capture_on_commit_callbacks
):
    data = f"{HEADER}\n0001,Adams,Grace,2010-03-14,0580,42\n0002,Begum,Nadia,2010-07-02,0580,99\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            "/entries/J27/upload/", {"file": SimpleUploadedFile("entries.csv", data.encode())}
        )

    job = EntryImport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = officer_client.get(job.get_absolute_url()).content.decode()
    assert job.status == "refused" and "Nothing was saved" in page
    assert "Option &#x27;99&#x27; of 0580" in page
    assert Entry.objects.count() == 0


def test_upload_of_another_centre_404(client, officer_pk, officer_client, series):
    data = f"{HEADER}\n0001,Adams,Grace,2010-03-14,0580,42\n"
    officer_client.post(
        "/entries/J27/upload/", {"file": SimpleUploadedFile("e.csv", data.encode())}
    )
    job = EntryImport.objects.get()

    sign_in(client, officer_pk)

    assert client.get(job.get_absolute_url()).status_code == 404


def test_entry_page_withdraw_keeps_entry_with_history(officer_client, grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)

    officer_client.post(f"/entries/entry/{entry.pk}/withdraw/")
    page = officer_client.get(f"/entries/entry/{entry.pk}/").content.decode()

    assert Entry.objects.get().status == "withdrawn"
    assert "Withdrawn by officer1" in page


def test_entry_page_asks_before_withdrawing(officer_client, grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    confirm = f"/entries/entry/{entry.pk}/withdraw/"

    entry_page = officer_client.get(f"/entries/entry/{entry.pk}/").content.decode()
    asked = officer_client.get(confirm)

    # The entry page leads to the question; nothing on it withdraws the entry at once.
    assert f'<a class="button warning" href="{confirm}">Withdraw the entry</a>' in entry_page
    assert f'action="{confirm}"' not in entry_page
    page = asked.content.decode()
    assert asked.status_code == 200
    assert f"<h1>Withdraw candidate 0001 {grace.forenames} Adams from 0580?</h1>" in page
    assert "cannot be entered for 0580 again in this series" in page
    assert '<button type="submit" class="button warning">Yes, withdraw the entry</button>' in page
    assert Entry.objects.get().status == "provisional"


def test_withdraw_question_for_a_withdrawn_entry_leads_back_to_it(officer_client, grace):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)
    services.withdraw_entry(entry, by=None)

    response = officer_client.get(f"/entries/entry/{entry.pk}/withdraw/", follow=True)

    assert response.redirect_chain == [(f"/entries/entry/{entry.pk}/", 302)]
    assert "This entry is withdrawn already." in response.content.decode()


def test_entry_page_of_another_centre_404(client, officer_pk, grace):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)

    sign_in(client, officer_pk)

    assert client.get(f"/entries/entry/{entry.pk}/").status_code == 404
    assert client.get(f"/entries/entry/{entry.pk}/withdraw/").status_code == 404
    assert client.post(f"/entries/entry/{entry.pk}/withdraw/").status_code == 404


def test_statement_csv_and_pdf(officer_client, grace):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)

    csv = b"".join(officer_client.get("/entries/J27/statement.csv").streaming_content).decode()
    pdf = officer_client.get("/entries/J27/statement.pdf")

    assert csv.splitlines()[1].startswith("GB001,J27,0001,")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_submit_page_then_submission_page(charter, officer_client, grace):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)

    assert "1 entry to submit" in officer_client.get("/entries/J27/submit/").content.decode()
    response = officer_client.post("/entries/J27/submit/", {"centre": "GB001"})

    assert response.status_code == 302
    assert "confirm entries" in officer_client.get(response["Location"]).content.decode()


def test_timetable_comment_form_when_published(today, charter, officer_client, series, staff_user):
    services.publish_provisional_timetable(series, by=staff_user)

    response = officer_client.post(
        "/entries/J27/timetable/", {"body": "0580 clashes with a holiday."}
    )

    assert response.status_code == 302
    assert series.comments.get().body == "0580 clashes with a holiday."
    assert officer_client.post("/entries/J27/timetable/", {"body": ""}).status_code == 400


def test_staff_queue_confirms_submissions(charter, staff_client, grace, officer_gb):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=None)
    submission = services.submit_entries(centre=grace.centre, series=grace.series, by=officer_gb)

    response = staff_client.post(
        "/admin/entries/entrysubmission/",
        {"action": "confirm_selected", "_selected_action": [submission.pk]},
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "confirmed"


def test_staff_imports_timetable_csv_all_or_nothing(staff_client, series):
    header = "syllabus_code,component_code,component_title,date,session,duration_minutes"
    good = f"{header}\n0610,62,Paper 6,2027-05-25,pm,60\n"
    bad = good + "9999,11,Nothing,2027-02-30,xx,0\n"

    refused = staff_client.post(
        f"/admin/entries/series/{series.pk}/import/",
        {"kind": "timetable", "file": SimpleUploadedFile("t.csv", bad.encode())},
    )
    saved = staff_client.post(
        f"/admin/entries/series/{series.pk}/import/",
        {"kind": "timetable", "file": SimpleUploadedFile("t.csv", good.encode())},
    )

    assert "There is no syllabus" in refused.content.decode()
    assert saved.status_code == 302
    assert series.papers.filter(component__code="62", date=dt.date(2027, 5, 25)).exists()


def test_series_form_shows_the_release_instant_without_letting_it_change(staff_client, series):
    page = staff_client.get(f"/admin/entries/series/{series.pk}/change/").content.decode()
    added = staff_client.get("/admin/entries/series/add/").content.decode()

    assert 'name="results_release_at' not in page  # read only: release dates move it
    assert 'name="results_release_at' in added  # a new series still gets its first one


def test_an_entry_given_another_candidate_in_the_admin_keeps_the_candidates_centre(
    staff_client, series
):
    """The centre kept on the entry (what officers' lists filter by) is never chosen in the
    admin: it follows the candidate."""
    from entries.models import Entry
    from tests.factories import CandidateFactory, CentreFactory, EntryFactory

    entry = EntryFactory(candidate__series=series)
    moved_to = CandidateFactory(centre=CentreFactory(number="PK777"), series=series)
    form = staff_client.get(f"/admin/entries/entry/{entry.pk}/change/").context["adminform"].form
    assert "centre" not in form.fields
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["candidate"] = moved_to.pk
    data["created_at_0"], data["created_at_1"] = entry.created_at.strftime(
        "%Y-%m-%d %H:%M:%S"
    ).split()
    response = staff_client.post(f"/admin/entries/entry/{entry.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = Entry.objects.get(pk=entry.pk)
    assert (entry.candidate, entry.centre) == (moved_to, moved_to.centre)


def test_a_pages_row_labels_are_translated_once_whatever_its_rows(
    officer_client, centre_gb, series, translated
):
    """A table's labels (``data-label``, read out at small widths) are translated once for
    the page, not in every row: 900 translations, a third of a 100-row page's time."""

    def translations(candidates: int) -> int:
        for n in range(candidates):
            person = CandidateFactory(centre=centre_gb, series=series, surname=f"S{n}")
            services.make_entry(person, syllabus_code="0580", option_code="42", by=None)
        translated.clear()
        assert officer_client.get("/entries/J27/").status_code == 200
        return len(translated)

    assert translations(2) == translations(6)
