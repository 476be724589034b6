import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from entries import services
from entries.models import Entry, EntrySubmission, PaperDespatch
from portal.errors import PortalError, TransitionNotAllowed
from portal.sla.models import Clock
from tests.factories import CandidateFactory, OfficerFactory


@pytest.fixture
def grace(centre_gb, series):
    return CandidateFactory(
        centre=centre_gb, series=series, candidate_number="0001", surname="Adams"
    )


@pytest.mark.parametrize(
    ("day", "state", "fee"),
    [
        (dt.date(2027, 2, 21), "open", Decimal("0")),
        (dt.date(2027, 2, 22), "late", Decimal("25.00")),
        (dt.date(2027, 3, 14), "late", Decimal("25.00")),
        (dt.date(2027, 3, 15), "late", Decimal("60.00")),
        (dt.date(2027, 4, 4), "late", Decimal("60.00")),
        (dt.date(2027, 4, 5), "closed", Decimal("0")),
    ],
)
def test_entry_terms_by_deadline_and_late_periods(series, day, state, fee):
    terms = services.entry_terms(series, on=day)

    assert (terms.state, terms.fee) == (state, fee)


def test_make_entry_late_without_fee_refused(today, grace, officer_gb):
    today.move_to(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC))

    with pytest.raises(PortalError, match="late fee of £25.00"):
        services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    assert Entry.objects.count() == 0


def test_make_entry_late_with_fee_accepted_records_fee(today, grace, officer_gb):
    today.move_to(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC))

    entry = services.make_entry(
        grace, syllabus_code="0580", option_code="42", by=officer_gb, accept_late_fee=True
    )

    assert entry.late_fee == Decimal("25.00")


def test_make_entry_option_not_offered_refused(grace, officer_gb):
    with pytest.raises(PortalError, match="Option 99 of 0580 is not offered"):
        services.make_entry(grace, syllabus_code="0580", option_code="99", by=officer_gb)


def test_make_entry_twice_for_a_syllabus_refused(grace, officer_gb):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)

    with pytest.raises(PortalError, match="already entered for 0580"):
        services.make_entry(grace, syllabus_code="0580", option_code="22", by=officer_gb)


def test_register_candidate_proposes_number_and_uci(centre_gb, officer_gb, series, grace):
    candidate = services.register_candidate(
        centre=centre_gb,
        series=series,
        by=officer_gb,
        surname="Begum",
        forenames="Nadia",
        date_of_birth=dt.date(2010, 7, 2),
    )

    assert candidate.candidate_number == "0002"
    assert candidate.uci == "GB0010270002" + candidate.uci[-1]


def test_register_candidate_bad_uci_refused(centre_gb, officer_gb, series):
    with pytest.raises(PortalError, match="one of its characters is wrong"):
        services.register_candidate(
            centre=centre_gb, series=series, by=officer_gb, surname="B", forenames="N",
            date_of_birth=dt.date(2010, 7, 2), uci="GB0010270002A",
        )  # fmt: skip


def test_register_candidate_number_taken_refused(centre_gb, officer_gb, series, grace):
    with pytest.raises(PortalError, match="already used"):
        services.register_candidate(
            centre=centre_gb, series=series, by=officer_gb, surname="B", forenames="N",
            date_of_birth=dt.date(2010, 7, 2), candidate_number="0001",
        )  # fmt: skip


# Moves: allowed, refused (403 role, 409 status) and repeated ---------------------------------


def test_withdraw_entry_allowed_kept_with_history(grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)

    entry = services.withdraw_entry(entry, by=officer_gb)

    assert Entry.objects.get(pk=entry.pk).status == "withdrawn"
    from portal.audit import history_of

    last = history_of(entry).order_by("at", "pk").last()
    assert (last.actor, last.data["from"], last.data["to"]) == (
        officer_gb,
        "provisional",
        "withdrawn",
    )


def test_withdraw_entry_repeated_is_quiet(grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    services.withdraw_entry(entry, by=officer_gb)

    again = services.withdraw_entry(entry, by=officer_gb)

    assert again.status == "withdrawn"


def test_withdraw_entry_by_another_centres_officer_refused(grace, officer_gb, officer_pk):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)

    with pytest.raises(PermissionDenied):
        services.withdraw_entry(entry, by=officer_pk)


def test_amend_withdrawn_entry_refused_409(grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    services.withdraw_entry(entry, by=officer_gb)

    with pytest.raises(TransitionNotAllowed):
        services.amend_entry(entry, option_code="22", by=officer_gb)


def test_amend_entry_changes_option_and_records_it(grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)

    entry = services.amend_entry(entry, option_code="22", by=officer_gb)

    assert Entry.objects.get(pk=entry.pk).option_code == "22"
    from portal.audit import history_of

    assert history_of(entry).filter(data__option_to="22").exists()


def test_amend_entry_repeated_changes_nothing(grace, officer_gb):
    entry = services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    services.amend_entry(entry, option_code="22", by=officer_gb)

    services.amend_entry(Entry.objects.get(pk=entry.pk), option_code="22", by=officer_gb)

    from portal.audit import history_of

    assert history_of(entry).filter(action="amend").count() == 1


def _submitted(grace, officer_gb):
    services.make_entry(grace, syllabus_code="0580", option_code="42", by=officer_gb)
    return services.submit_entries(centre=grace.centre, series=grace.series, by=officer_gb)


def test_submit_entries_starts_confirm_clock(charter, grace, officer_gb):
    submission = _submitted(grace, officer_gb)

    clock = Clock.objects.for_case(submission).get()
    assert (clock.code, clock.state) == ("entries.confirm", "running")
    assert submission.reference.startswith("ENT-")
    assert submission.entry_count == 1 and submission.by_deadline


def test_submit_entries_with_none_waiting_refused(charter, grace, officer_gb):
    _submitted(grace, officer_gb)

    with pytest.raises(PortalError, match="no new entries"):
        services.submit_entries(centre=grace.centre, series=grace.series, by=officer_gb)


def test_confirm_submission_stops_clock_confirms_entries_opens_despatches(
    charter, grace, officer_gb, staff_user
):
    submission = _submitted(grace, officer_gb)

    services.confirm_submission(submission, by=staff_user)

    assert Clock.objects.for_case(submission).get().state == "met"
    assert set(Entry.objects.values_list("status", flat=True)) == {"confirmed"}
    despatches = PaperDespatch.objects.order_by("paper__date")
    assert [d.paper.component.code for d in despatches] == ["22", "42"]
    clock = Clock.objects.for_case(despatches[0]).get()
    # Ten days before the paper of 4 May 2027.
    assert clock.code == "papers.despatch"
    assert clock.due_at.date() == dt.date(2027, 4, 24)


def test_confirm_submission_by_an_officer_refused_403(charter, grace, officer_gb):
    submission = _submitted(grace, officer_gb)

    with pytest.raises(PermissionDenied):
        services.confirm_submission(submission, by=officer_gb)


def test_confirm_submission_repeated_is_quiet(charter, grace, officer_gb, staff_user):
    submission = _submitted(grace, officer_gb)
    services.confirm_submission(submission, by=staff_user)

    again = services.confirm_submission(submission, by=staff_user)

    assert again.status == EntrySubmission.Status.CONFIRMED
    assert PaperDespatch.objects.count() == 2


def test_late_submission_opens_no_despatch(today, charter, grace, officer_gb, staff_user):
    today.move_to(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC))
    services.make_entry(
        grace, syllabus_code="0580", option_code="42", by=officer_gb, accept_late_fee=True
    )
    submission = services.submit_entries(centre=grace.centre, series=grace.series, by=officer_gb)

    services.confirm_submission(submission, by=staff_user)

    assert not submission.by_deadline
    assert PaperDespatch.objects.count() == 0


def test_despatch_papers_stops_clock_and_repeats_quietly(charter, grace, officer_gb, staff_user):
    services.confirm_submission(_submitted(grace, officer_gb), by=staff_user)
    despatch = PaperDespatch.objects.first()

    services.despatch_papers(despatch, by=staff_user)
    services.despatch_papers(despatch, by=staff_user)

    assert PaperDespatch.objects.get(pk=despatch.pk).status == "despatched"
    assert Clock.objects.for_case(despatch).get().state == "met"


def test_despatch_papers_by_officer_refused(charter, grace, officer_gb, staff_user):
    services.confirm_submission(_submitted(grace, officer_gb), by=staff_user)

    with pytest.raises(PermissionDenied):
        services.despatch_papers(PaperDespatch.objects.first(), by=officer_gb)


def test_provisional_timetable_clock_due_end_of_april_stops_on_publishing(
    charter, series, officer_gb, officer_pk, staff_user
):
    clock = services.schedule_provisional_timetable(series)
    assert clock.due_at.date() in (dt.date(2027, 4, 30), dt.date(2027, 5, 1))

    services.publish_provisional_timetable(series, by=staff_user)

    assert Clock.objects.for_case(series).get().state == "met"
    for officer in (officer_gb, officer_pk):
        assert officer.notifications.filter(subject__contains="provisional June 2027").exists()


def test_comment_on_timetable_only_while_open(
    today, charter, series, centre_gb, officer_gb, staff_user
):
    with pytest.raises(PortalError, match="not yet open"):
        services.comment_on_timetable(series, centre=centre_gb, by=officer_gb, body="A clash.")
    series = services.publish_provisional_timetable(series, by=staff_user)

    comment = services.comment_on_timetable(
        series, centre=centre_gb, by=officer_gb, body="A clash."
    )

    assert comment.body == "A clash."
    today.move_to(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC))
    with pytest.raises(PortalError, match="closed"):
        services.comment_on_timetable(series, centre=centre_gb, by=officer_gb, body="Late.")


def test_officer_of_two_centres_must_say_which(series, centre_gb, centre_pk):
    from entries.queries import acting_centre

    both = OfficerFactory(username="both", membership__centre=centre_gb)
    both.memberships.create(centre=centre_pk)

    with pytest.raises(PortalError, match="Say which"):
        acting_centre(both)
    assert acting_centre(both, "PK002") == centre_pk
