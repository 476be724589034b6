"""An officer's figures of entries (the totals on the entries pages and the home page, the
entries by syllabus, whether any wait to be submitted) are kept between asks
(``entries.queries.remembered``) and answer exactly what counting them afresh answers, after
every kind of write of entries; a page asked again reads no entry to show them."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entries import queries, services
from entries.models import EntriesStamp, Entry
from tests.factories import CandidateFactory, EntryFactory, OfficerFactory
from tests.signing_in import sign_in

HEADER = "candidate_number,surname,forenames,date_of_birth,syllabus_code,option_code"


def _fresh(officer, series, chosen):
    entries = queries.filtered(queries.entries_of(officer, series=series), chosen)
    waiting = entries.filter(status=Entry.Status.PROVISIONAL, submission__isnull=True)
    return queries.totals(entries), queries.by_syllabus(entries), waiting.exists()


def _kept(officer, series, chosen):
    entries = queries.filtered(queries.entries_of(officer, series=series), chosen)
    figures = queries.series_figures(officer, entries, series=series, chosen=chosen)
    return figures.totals, figures.by_syllabus, figures.waiting


CHOICES = [{}, {"syllabus": "0580"}, {"status": "provisional"}, {"candidate": "Adams"}]


def _same_as_counted(officer, series):
    """Every kept figure of the officer equals the figure counted now (asked twice: the
    second answer is the kept one)."""
    for chosen in CHOICES:
        for _ in range(2):
            assert _kept(officer, series, chosen) == _fresh(officer, series, chosen), chosen
    for _ in range(2):
        assert queries.series_totals(officer, [series]) == {
            series.pk: queries.totals(queries.entries_of(officer, series=series))
        }
        section = queries.home_section(officer, [officer.memberships.get().centre])
        provisional, confirmed = (
            queries.totals(queries.entries_of(officer, series=series))[k]
            for k in ("provisional", "confirmed")
        )
        kept = provisional + confirmed
        assert section["lines"][0].startswith(f"{series.name}: {kept} entr"), section["lines"]


@pytest.fixture
def grace(centre_gb, series):
    return CandidateFactory(
        centre=centre_gb, series=series, candidate_number="0001", surname="Adams"
    )


def test_kept_figures_follow_every_write_of_entries(
    charter, centre_gb, centre_pk, officer_gb, staff_user, series, grace
):
    other = CandidateFactory(centre=centre_gb, series=series, candidate_number="0002")
    _same_as_counted(officer_gb, series)

    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    _same_as_counted(officer_gb, series)
    services.make_entry(other, syllabus_code="0610", option_code="32", by=officer_gb)
    _same_as_counted(officer_gb, series)
    entry = services.amend_entry(entry, option_code="22", by=officer_gb)
    _same_as_counted(officer_gb, series)

    data = io.BytesIO(f"{HEADER}\n0003,Begum,Nadia,2010-07-02,0580,22\n".encode())
    outcome = services.import_entries(centre=centre_gb, series=series, stream=data, by=officer_gb)
    assert outcome.created == 1
    _same_as_counted(officer_gb, series)

    submission = services.submit_entries(centre=centre_gb, series=series, by=officer_gb)
    _same_as_counted(officer_gb, series)
    services.confirm_submission(submission, by=staff_user)
    _same_as_counted(officer_gb, series)

    services.withdraw_entry(Entry.objects.get(pk=entry.pk), by=officer_gb)
    _same_as_counted(officer_gb, series)

    # Written by hand, as the staff area and the demo write one entry.
    made = EntryFactory(candidate=grace, syllabus=other.entries.get().syllabus, option_code="32")
    _same_as_counted(officer_gb, series)
    made.late_fee = 25
    made.save()
    _same_as_counted(officer_gb, series)
    made.delete()
    _same_as_counted(officer_gb, series)

    # Found by name (``?candidate=Adams``): a candidate renamed in the staff area.
    grace.surname = "Baker"
    grace.save()
    _same_as_counted(officer_gb, series)


def test_an_entry_moved_to_another_candidate_in_the_staff_area_changes_both_figures(
    client, staff_user, centre_gb, centre_pk, officer_gb, officer_pk, series, grace
):
    from tests.signing_in import sign_in

    theirs = CandidateFactory(centre=centre_pk, series=series, candidate_number="0001")
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    _same_as_counted(officer_gb, series)
    _same_as_counted(officer_pk, series)
    sign_in(client, staff_user)
    response = client.post(
        f"/admin/entries/entry/{entry.pk}/change/",
        {
            "candidate": theirs.pk,
            "syllabus": entry.syllabus_id,
            "option_code": "42",
            "late_fee": "0",
            "submission": "",
            "created_at_0": "01/02/2027",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Entry.objects.get(pk=entry.pk).candidate == theirs
    _same_as_counted(officer_gb, series)
    _same_as_counted(officer_pk, series)


def test_a_syllabus_renamed_shows_its_new_title_in_the_kept_figures(officer_gb, series, grace):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    _same_as_counted(officer_gb, series)
    syllabus = entry.syllabus
    syllabus.title = "Mathematics (extended)"
    syllabus.save()
    assert _kept(officer_gb, series, {})[1][0]["syllabus__title"] == "Mathematics (extended)"


def test_another_centres_writes_keep_the_officers_figures(
    centre_gb, centre_pk, officer_gb, officer_pk, series, grace
):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    _same_as_counted(officer_gb, series)
    stamp = EntriesStamp.objects.get(centre=centre_gb).stamp
    theirs = CandidateFactory(centre=centre_pk, series=series, candidate_number="0001")
    services.make_entry(theirs, syllabus_code="0580", option_code="42", by=officer_pk)
    assert EntriesStamp.objects.get(centre=centre_gb).stamp == stamp
    assert EntriesStamp.objects.get(centre=centre_pk).stamp != stamp
    _same_as_counted(officer_gb, series)
    _same_as_counted(officer_pk, series)


def test_an_officer_of_two_centres_sees_both_centres_figures_kept(
    centre_gb, centre_pk, series, grace
):
    both = OfficerFactory(membership__centre=centre_gb)
    both.memberships.create(centre=centre_pk, role=both.memberships.get().role)
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=both)
    kept = queries.series_totals(both, [series])[series.pk]
    assert kept["entries"] == 1
    theirs = CandidateFactory(centre=centre_pk, series=series, candidate_number="0001")
    services.make_entry(theirs, syllabus_code="0610", option_code="32", by=both)
    assert queries.series_totals(both, [series])[series.pk]["entries"] == 2


def _counts_of(client, url, table, *, looked_for=False):
    """The answer to ``url`` and the queries of it that counted rows of ``table`` (or, with
    ``looked_for``, asked whether there are any)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    counting = [
        q["sql"]
        for q in captured.captured_queries
        if f'FROM "{table}"' in q["sql"]
        and ("COUNT(" in q["sql"].upper() or (looked_for and 'SELECT 1 AS "a"' in q["sql"]))
    ]
    return response, counting


@pytest.mark.parametrize("url", ["/entries/", "/entries/J27/", "/"])
def test_a_page_asked_again_reads_no_entry_for_its_figures(client, officer_gb, series, grace, url):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    sign_in(client, officer_gb)
    assert client.get(url).status_code == 200
    # Neither counted nor looked for (whether any wait to be submitted); the series' page
    # still reads its page of entries.
    _, counting = _counts_of(client, url, "entries_entry", looked_for=True)
    assert counting == []


@pytest.mark.parametrize(
    ("url", "table", "count"),
    [
        ("/api/v1/candidates/?page_size=1", "entries_candidate", "count"),
        ("/api/v1/candidates/?page_size=1&series=J27", "entries_candidate", "count"),
        ("/api/v1/entries/?page_size=1", "entries_entry", "count"),
        ("/entries/J27/candidates/", "entries_candidate", None),
    ],
)
def test_a_list_asked_again_counts_its_candidates_or_entries_once(
    monkeypatch, client, officer_gb, series, url, table, count
):
    """An officer's list longer than a page is counted once after each change of their
    candidates or entries, not at every page; the kept count is the count."""
    from entries import views
    from portal.api.pagination import BoundedCountPaginator, KeysetPagination

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(BoundedCountPaginator, "EXACT_UP_TO", 1)
    monkeypatch.setattr(KeysetPagination, "exact_count_up_to", 1)
    for number in ("0001", "0002", "0003"):
        candidate = CandidateFactory(
            centre=officer_gb.memberships.get().centre, series=series, candidate_number=number
        )
        services.make_entry(candidate, syllabus_code="0580", option_code="42", by=officer_gb)
    sign_in(client, officer_gb)

    def shown(response) -> int:
        if count:
            return response.json()[count]
        return response.context["page_obj"].paginator.count

    first, counting = _counts_of(client, url, table)
    assert counting
    again, counting = _counts_of(client, url, table)
    assert counting == [] and shown(again) == shown(first)
    made = CandidateFactory(
        centre=officer_gb.memberships.get().centre, series=series, candidate_number="0004"
    )
    services.make_entry(made, syllabus_code="0580", option_code="42", by=officer_gb)
    after, counting = _counts_of(client, url, table)
    assert counting
    if connection.vendor != "postgresql":  # no planner's estimate: counted exactly
        assert shown(after) == shown(first) + 1 == 4
